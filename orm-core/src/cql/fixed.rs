//! Fixed shapes: each distinct [`Statement`] rendered once per process and given a
//! [`StaticStatement`], so a write reaches its prepared statement by slot, without
//! formatting or hashing its text on every call.
//!
//! The shapes a program writes are bounded by its code (values are always bound), so the
//! table only grows while a program warms up; each entry lives for the process.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{OnceLock, PoisonError, RwLock};

use crate::condition::{Condition, Target};
use crate::cql::Statement;
use crate::query::QueryError;
use crate::statement::StaticStatement;

type Shapes = HashMap<Statement, &'static StaticStatement, BuildHasherDefault<FxHasher>>;

static SHAPES: RwLock<Shapes> = RwLock::new(HashMap::with_hasher(BuildHasherDefault::new()));

type Keyed = HashMap<ShapeKey, &'static Known, BuildHasherDefault<FxHasher>>;

/// Valid shapes by their [`ShapeKey`]: what a write by key reaches without building,
/// checking or hashing its description.
static KEYED: RwLock<Keyed> = RwLock::new(HashMap::with_hasher(BuildHasherDefault::new()));

/// The statement of this shape: rendered and registered on its first use. A write calls
/// `fixed(Statement::delete_by_primary_key(M::TABLE))` and executes the result as
/// `Cql::Static`; see `cql::tests::one_fixed_statement_per_shape`.
pub(crate) fn fixed(shape: Statement) -> &'static StaticStatement {
    if let Some(statement) = SHAPES
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&shape)
    {
        return statement;
    }
    // A panic cannot leave the table half-written: every write is one insertion.
    let mut shapes = SHAPES.write().unwrap_or_else(PoisonError::into_inner);
    shapes
        .entry(shape)
        .or_insert_with_key(|shape| Box::leak(Box::new(StaticStatement::rendered(shape.render()))))
}

/// A write's shape as a few machine words built on the stack: the addresses and lengths
/// of its table's metadata and of its (`&'static`) column names, its operators and flags.
///
/// Equal keys are equal shapes. The converse does not hold (the same name may live at two
/// addresses), so one shape may have several keys: each leads to the one statement of
/// the shape ([`fixed`] keeps it canonical). A shape too long for the words has no key
/// and takes the path through its owned description.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ShapeKey {
    /// Words used; `WORDS + 1` once the shape did not fit.
    len: usize,
    words: [usize; ShapeKey::WORDS],
}

impl ShapeKey {
    const WORDS: usize = 16;

    /// A key starting with `header` (the write's kind and flags) and `table`'s address.
    pub fn new<T>(header: usize, table: &'static T) -> Self {
        let mut key = ShapeKey {
            len: 0,
            words: [0; ShapeKey::WORDS],
        };
        key.push(header);
        key.push(std::ptr::from_ref(table) as usize);
        key
    }

    /// Appends one word.
    pub fn push(&mut self, word: usize) {
        if self.len < Self::WORDS {
            self.words[self.len] = word;
            self.len += 1;
        } else {
            self.len = Self::WORDS + 1;
        }
    }

    /// Appends a name: its address and length.
    pub fn name(&mut self, name: &'static str) {
        self.push(name.as_ptr() as usize);
        self.push(name.len());
    }

    /// Appends a condition's shape: what it compares and its operator (not its value).
    pub fn condition<M>(&mut self, condition: &Condition<M>) {
        let operator = condition.operator as usize;
        match condition.target {
            Target::Column(name) => {
                self.push(operator << 8);
                self.name(name);
            }
            Target::Token => self.push(operator << 8 | 1),
            Target::Tuple(columns) => {
                let names = columns.names();
                self.push(operator << 8 | 2 | names.len() << 16);
                for name in names {
                    self.name(name);
                }
            }
        }
    }

    fn words(&self) -> Option<&[usize]> {
        self.words.get(..self.len)
    }
}

impl PartialEq for ShapeKey {
    fn eq(&self, other: &Self) -> bool {
        self.words() == other.words()
    }
}

impl Eq for ShapeKey {}

impl std::hash::Hash for ShapeKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for word in self.words().unwrap_or_default() {
            state.write_usize(*word);
        }
    }
}

/// A key found valid, and its shape's statement: kept for the process, so that
/// [`ShapeSlots`] can hold it by reference.
#[derive(Debug)]
pub(crate) struct Known {
    key: ShapeKey,
    statement: &'static StaticStatement,
}

/// The first shapes one kind of write on one model used (a model's updates, say), each
/// with its statement.
///
/// A program writes a model in a handful of shapes, most often one, so comparing its key
/// with these few finds the statement without taking the process-wide table's lock or
/// hashing the key. A shape beyond the first few goes through the table as before.
#[derive(Debug)]
pub(crate) struct ShapeSlots([OnceLock<&'static Known>; ShapeSlots::SLOTS]);

impl ShapeSlots {
    const SLOTS: usize = 4;

    pub const fn new() -> Self {
        ShapeSlots([const { OnceLock::new() }; ShapeSlots::SLOTS])
    }

    #[inline]
    pub(crate) fn get(&self, key: &ShapeKey) -> Option<&'static StaticStatement> {
        self.0
            .iter()
            .map_while(OnceLock::get)
            .find(|known| known.key == *key)
            .map(|known| known.statement)
    }

    /// Keeps `known` in the first free slot, if one is left.
    fn keep(&self, known: &'static Known) {
        for slot in &self.0 {
            match slot.get() {
                Some(kept) if std::ptr::eq(*kept, known) => return,
                Some(_) => {}
                // Another thread may fill this slot first: then the next one is tried.
                None if slot.set(known).is_ok() => return,
                None => {}
            }
        }
    }
}

/// The statement of the shape `key` names, when a shape with that key was found valid
/// before; otherwise `describe` checks the shape and describes it (its first use, an
/// invalid shape, or a shape too long for a key), and a valid one is remembered by `key`
/// (and in `slots`, the slots of this kind of write on this model).
///
/// `describe` must succeed or fail by the shape alone (the things `key` holds), never by
/// values: a key found here skips it.
pub(crate) fn fixed_by_key(
    key: &ShapeKey,
    slots: &ShapeSlots,
    describe: impl FnOnce() -> Result<Statement, QueryError>,
) -> Result<&'static StaticStatement, QueryError> {
    if key.words().is_none() {
        return describe().map(fixed);
    }
    if let Some(statement) = slots.get(key) {
        return Ok(statement);
    }
    let found = KEYED
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(key)
        .copied();
    let known = match found {
        Some(known) => known,
        None => {
            let statement = fixed(describe()?);
            *KEYED
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(*key)
                .or_insert_with(|| {
                    Box::leak(Box::new(Known {
                        key: *key,
                        statement,
                    }))
                })
        }
    };
    slots.keep(known);
    Ok(known.statement)
}

/// The Fx hash (rustc's): a multiply and a rotate per word. Shapes are short and trusted
/// (names from model metadata), so no DoS-resistant hasher is needed.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        let mut last = [0u8; 8];
        let rest = chunks.remainder();
        last[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(last));
    }

    fn write_u8(&mut self, n: u8) {
        self.add(n.into());
    }

    fn write_u32(&mut self, n: u32) {
        self.add(n.into());
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
