//! Fixed shapes: each distinct [`Statement`] rendered once per process and given a
//! [`StaticStatement`], so a write reaches its prepared statement by slot, without
//! formatting or hashing its text on every call.
//!
//! The shapes a program writes are bounded by its code (values are always bound), so the
//! table only grows while a program warms up; each entry lives for the process.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{PoisonError, RwLock};

use crate::cql::Statement;
use crate::statement::StaticStatement;

type Shapes = HashMap<Statement, &'static StaticStatement, BuildHasherDefault<FxHasher>>;

static SHAPES: RwLock<Shapes> = RwLock::new(HashMap::with_hasher(BuildHasherDefault::new()));

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
