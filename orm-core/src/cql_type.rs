//! Which CQL type stores which Rust type.
//!
//! The driver already knows how to serialize and deserialize each type; this module only
//! names the CQL type a column should be declared with, so `CREATE TABLE` can be derived
//! from the model.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::hash::{BuildHasher, Hash};
use std::net::IpAddr;

use scylla::deserialize::value::DeserializeValue;
use scylla::serialize::value::SerializeValue;
use scylla::value::{
    Counter, CqlDate, CqlDecimal, CqlDuration, CqlTime, CqlTimestamp, CqlTimeuuid, CqlVarint,
};

use crate::udt::UdtMeta;

/// A CQL type as it appears in a column declaration.
///
/// # Example
/// ```
/// use orm_core::{CqlType, CqlTyped};
///
/// assert_eq!(<Vec<String> as CqlTyped>::CQL_TYPE.to_string(), "list<text>");
/// assert_eq!(CqlType::Map(&CqlType::Native("text"), &CqlType::Native("int")).to_string(), "map<text, int>");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CqlType {
    /// A native type such as `int`, `text` or `uuid`.
    Native(&'static str),
    /// `list<T>`.
    List(&'static CqlType),
    /// `set<T>`.
    Set(&'static CqlType),
    /// `map<K, V>`.
    Map(&'static CqlType, &'static CqlType),
    /// `tuple<...>`.
    Tuple(&'static [CqlType]),
    /// A user-defined type (see [`Udt`](trait@crate::Udt)). The ORM keeps UDTs frozen
    /// everywhere, so it displays as `frozen<"name">`, in a column and nested alike.
    Udt(&'static UdtMeta),
    /// `frozen<T>`.
    Frozen(&'static CqlType),
}

impl CqlType {
    /// Whether values of this type must be frozen when nested in a collection. (A UDT is
    /// too, but its display is already `frozen<...>`.)
    fn is_multi_cell(&self) -> bool {
        matches!(self, CqlType::List(_) | CqlType::Set(_) | CqlType::Map(..))
    }

    /// The type as declared inside another one (a collection, a tuple, a UDT's field):
    /// collections frozen.
    pub(crate) fn nested(&self) -> impl fmt::Display + '_ {
        struct Nested<'a>(&'a CqlType);
        impl fmt::Display for Nested<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt_nested(f)
            }
        }
        Nested(self)
    }

    fn fmt_nested(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_multi_cell() {
            write!(f, "frozen<{self}>")
        } else {
            write!(f, "{self}")
        }
    }
}

impl fmt::Display for CqlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CqlType::Native(name) => f.write_str(name),
            CqlType::List(item) => {
                f.write_str("list<")?;
                item.fmt_nested(f)?;
                f.write_str(">")
            }
            CqlType::Set(item) => {
                f.write_str("set<")?;
                item.fmt_nested(f)?;
                f.write_str(">")
            }
            CqlType::Map(key, value) => {
                f.write_str("map<")?;
                key.fmt_nested(f)?;
                f.write_str(", ")?;
                value.fmt_nested(f)?;
                f.write_str(">")
            }
            CqlType::Tuple(items) => {
                f.write_str("tuple<")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    item.fmt_nested(f)?;
                }
                f.write_str(">")
            }
            CqlType::Udt(udt) => write!(f, "frozen<{}>", crate::ident::quoted(udt.name)),
            CqlType::Frozen(inner) => write!(f, "frozen<{inner}>"),
        }
    }
}

/// A Rust type with a known CQL type: what a column holding it is declared as, and what
/// a bound value of it is checked against.
///
/// Implemented for the driver's value types; `Option<T>` maps to `T`'s type (CQL columns
/// are all nullable), `&T` to `T`'s.
///
/// # Example
/// ```
/// use orm_core::CqlTyped;
///
/// assert_eq!(<i64 as CqlTyped>::CQL_TYPE.to_string(), "bigint");
/// assert_eq!(<Option<String> as CqlTyped>::CQL_TYPE.to_string(), "text");
/// assert_eq!(<&str as CqlTyped>::CQL_TYPE.to_string(), "text");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a model column",
    label = "no CQL type is known for `{Self}`",
    note = "use a type the scylla driver serializes (String, i32, i64, Uuid, CqlTimestamp, Vec<T>, HashMap<K, V>, a `#[derive(Udt)]` struct, ...) or mark the field `#[orm(skip)]`"
)]
pub trait CqlTyped {
    /// The CQL type a column holding this Rust type is declared with.
    const CQL_TYPE: CqlType;

    /// Whether this value is a CQL null (`None`). Writes leave such values unset rather
    /// than writing a null, which would create a tombstone.
    fn is_null(&self) -> bool {
        false
    }

    /// How many elements a collection value holds (`None` for other values); bounds
    /// `IN` lists given by name.
    fn element_count(&self) -> Option<usize> {
        None
    }

    /// The value as an `i64`, when it is an integer (`tinyint` to `bigint`): a value given
    /// by name widens losslessly to a wider integer column.
    #[doc(hidden)]
    fn as_integer(&self) -> Option<i64> {
        None
    }

    /// Every element as an `i64`, when the value is a list of integers (an `IN` list
    /// given by name).
    #[doc(hidden)]
    fn as_integers(&self) -> Option<Vec<i64>> {
        None
    }
}

/// A type a model field can have: it has a CQL type, and the driver writes and reads it.
///
/// Implemented for the driver's value types, their collections and `Option`s, and by
/// `#[derive(Udt)]`; implement it (an empty impl) for a type of your own that implements
/// [`CqlTyped`] and the driver's `SerializeValue` / `DeserializeValue`. It is implemented
/// type by type rather than for every type with those traits, so that an unsupported field
/// type gets one clear error instead of one per missing trait.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a model column",
    label = "no CQL type is known for `{Self}`",
    note = "use a type the scylla driver serializes (String, i32, i64, Uuid, CqlTimestamp, Vec<T>, HashMap<K, V>, a `#[derive(Udt)]` struct, ...) or mark the field `#[orm(skip)]`"
)]
pub trait FieldType: CqlTyped + SerializeValue + for<'f, 'm> DeserializeValue<'f, 'm> {}

impl<T: FieldType> FieldType for Option<T> {}

impl<T: FieldType> FieldType for Vec<T> {}

impl<T: FieldType + Eq + Hash, S: BuildHasher + Default + 'static> FieldType for HashSet<T, S> {}

impl<T: FieldType + Ord> FieldType for BTreeSet<T> {}

impl<K: FieldType + Eq + Hash, V: FieldType, S: BuildHasher + Default + 'static> FieldType
    for HashMap<K, V, S>
{
}

impl<K: FieldType + Ord, V: FieldType> FieldType for BTreeMap<K, V> {}

macro_rules! native {
    ($($rust:ty => $cql:literal),* $(,)?) => {
        $(impl CqlTyped for $rust {
            const CQL_TYPE: CqlType = CqlType::Native($cql);
        }

        impl FieldType for $rust {})*
    };
}

macro_rules! integer {
    ($($rust:ty => $cql:literal),* $(,)?) => {
        $(impl CqlTyped for $rust {
            const CQL_TYPE: CqlType = CqlType::Native($cql);

            fn as_integer(&self) -> Option<i64> {
                Some(i64::from(*self))
            }
        }

        impl FieldType for $rust {})*
    };
}

integer! {
    i8 => "tinyint",
    i16 => "smallint",
    i32 => "int",
    i64 => "bigint",
}

native! {
    bool => "boolean",
    f32 => "float",
    f64 => "double",
    String => "text",
    Vec<u8> => "blob",
    IpAddr => "inet",
    uuid::Uuid => "uuid",
    CqlTimeuuid => "timeuuid",
    CqlTimestamp => "timestamp",
    CqlDate => "date",
    CqlTime => "time",
    CqlDuration => "duration",
    CqlVarint => "varint",
    CqlDecimal => "decimal",
    Counter => "counter",
}

impl CqlTyped for str {
    const CQL_TYPE: CqlType = CqlType::Native("text");
}

impl<T: CqlTyped + ?Sized> CqlTyped for &T {
    const CQL_TYPE: CqlType = T::CQL_TYPE;

    fn is_null(&self) -> bool {
        (**self).is_null()
    }

    fn element_count(&self) -> Option<usize> {
        (**self).element_count()
    }

    fn as_integer(&self) -> Option<i64> {
        (**self).as_integer()
    }

    fn as_integers(&self) -> Option<Vec<i64>> {
        (**self).as_integers()
    }
}

impl<T: CqlTyped> CqlTyped for Option<T> {
    const CQL_TYPE: CqlType = T::CQL_TYPE;

    fn is_null(&self) -> bool {
        self.is_none()
    }
}

impl<T: CqlTyped> CqlTyped for Vec<T> {
    const CQL_TYPE: CqlType = CqlType::List(&T::CQL_TYPE);

    fn element_count(&self) -> Option<usize> {
        Some(self.len())
    }

    fn as_integers(&self) -> Option<Vec<i64>> {
        self.iter().map(CqlTyped::as_integer).collect()
    }
}

impl<T: CqlTyped, S> CqlTyped for HashSet<T, S> {
    const CQL_TYPE: CqlType = CqlType::Set(&T::CQL_TYPE);
}

impl<T: CqlTyped> CqlTyped for BTreeSet<T> {
    const CQL_TYPE: CqlType = CqlType::Set(&T::CQL_TYPE);
}

impl<K: CqlTyped, V: CqlTyped, S> CqlTyped for HashMap<K, V, S> {
    const CQL_TYPE: CqlType = CqlType::Map(&K::CQL_TYPE, &V::CQL_TYPE);
}

impl<K: CqlTyped, V: CqlTyped> CqlTyped for BTreeMap<K, V> {
    const CQL_TYPE: CqlType = CqlType::Map(&K::CQL_TYPE, &V::CQL_TYPE);
}

/// A collection column type, with the type of the values `CONTAINS` looks for.
pub trait Element {
    /// The element (for maps: value) type.
    type Item;
}

impl<T> Element for Vec<T> {
    type Item = T;
}

impl<T, S> Element for HashSet<T, S> {
    type Item = T;
}

impl<T> Element for BTreeSet<T> {
    type Item = T;
}

impl<K, V, S> Element for HashMap<K, V, S> {
    type Item = V;
}

impl<K, V> Element for BTreeMap<K, V> {
    type Item = V;
}

impl<T: Element> Element for Option<T> {
    type Item = T::Item;
}

/// A map column type, with the key type `CONTAINS KEY` looks for.
pub trait MapKey {
    /// The key type.
    type Key;
}

impl<K, V, S> MapKey for HashMap<K, V, S> {
    type Key = K;
}

impl<K, V> MapKey for BTreeMap<K, V> {
    type Key = K;
}

impl<T: MapKey> MapKey for Option<T> {
    type Key = T::Key;
}
