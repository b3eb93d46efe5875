//! User-defined types: structs stored as one CQL value with named fields.
//!
//! `#[derive(Udt)]` describes the struct as a [`UdtMeta`] (so `CREATE TYPE` can be derived,
//! see [`render::create_type`](crate::render::create_type)) and implements the driver's
//! `SerializeValue` / `DeserializeValue` for it through the helpers in [`value`]. A UDT
//! struct is then a [`FieldType`] like any other: a model field can hold it directly, in an
//! `Option`, in a collection, or in another UDT's field.
//!
//! UDTs are always frozen: a column holding one is declared `frozen<"address">`, its value
//! is written and read whole (the way the driver serializes a struct), and it can be part of
//! a primary key.

mod value;

pub use value::UdtShapeError;

#[doc(hidden)]
pub use value::{
    UdtFields, check_udt, filled_udt_field, read_udt_field, serialize_udt, udt_fields, udt_value,
};

use crate::cql_type::{CqlType, FieldType};

/// A user-defined type: its CQL name and its fields in declaration order.
///
/// # Example
/// ```
/// use orm_core::{CqlType, Udt, UdtField, UdtMeta};
///
/// #[derive(Udt)]
/// struct Point {
///     lat: f64,
///     lon: f64,
/// }
///
/// const EXPECTED: UdtMeta = UdtMeta::new(
///     "point",
///     &[
///         UdtField::new("lat", &CqlType::Native("double")),
///         UdtField::new("lon", &CqlType::Native("double")),
///     ],
/// );
/// assert_eq!(Point::META, &EXPECTED);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct UdtMeta {
    /// The type's name in CQL (`#[orm(name = "...")]`, default: the struct name in snake case).
    pub name: &'static str,
    /// Every field, in the order the struct declares them.
    pub fields: &'static [UdtField],
}

/// One field of a [`UdtMeta`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct UdtField {
    /// The field's name in CQL (after `#[orm(rename = "...")]`).
    pub name: &'static str,
    /// The field's CQL type.
    pub cql_type: &'static CqlType,
}

impl UdtField {
    /// A field of a user-defined type: its CQL name and type.
    pub const fn new(name: &'static str, cql_type: &'static CqlType) -> Self {
        UdtField { name, cql_type }
    }
}

impl UdtMeta {
    /// The user-defined type `name` with its `fields`, in declaration order. The derive
    /// builds every UDT this way.
    pub const fn new(name: &'static str, fields: &'static [UdtField]) -> Self {
        UdtMeta { name, fields }
    }

    /// The CQL names of every field, for error messages.
    pub fn field_names(&self) -> Vec<&'static str> {
        self.fields.iter().map(|f| f.name).collect()
    }

    /// The position of the field named `name`, looked for first at `hint`.
    pub(crate) fn position(&self, name: &str, hint: usize) -> Option<usize> {
        match self.fields.get(hint) {
            Some(field) if field.name == name => Some(hint),
            _ => self.fields.iter().position(|f| f.name == name),
        }
    }
}

/// A Rust struct stored as a CQL user-defined type. Implement it with `#[derive(Udt)]`.
///
/// The derive also implements [`CqlTyped`](crate::CqlTyped) (`CqlType::Udt(Self::META)`)
/// and the driver's `SerializeValue` and `DeserializeValue`, so the struct can be a model
/// field (`home: Address`, `Option<Address>`, `Vec<Address>`, `HashMap<String, Address>`),
/// a field of another UDT, or a value bound to the driver's own statements.
///
/// Fields are matched by name with the server's definition of the type, in any order. A
/// field missing on either side is an error naming both field lists; so is a field whose
/// type does not fit.
///
/// # Attributes
/// - struct: `#[orm(name = "address")]`: the CQL type name (default: the struct name in
///   snake case);
/// - field: `#[orm(rename = "zip_code")]`: the CQL field name, when it differs;
/// - field: `#[orm(skip)]`: not part of the type; read as `Default::default()`.
///
/// # Frozen
/// A UDT column is declared `frozen<"address">` (and so is a UDT inside a collection or
/// another UDT, which CQL requires): the whole value is written at once, the way the driver
/// serializes a struct, and a frozen UDT may be part of a primary key.
/// [`render::create_schema`](crate::render::create_schema) (run by
/// [`Model::create_table`](crate::Model::create_table)) creates the types a table uses
/// before the table.
///
/// # Example
/// ```
/// use orm_core::{CqlTyped, Model, Udt, render};
///
/// #[derive(Udt, Debug, Clone, PartialEq)]
/// struct Point {
///     lat: f64,
///     lon: f64,
/// }
///
/// #[derive(Udt, Debug, Clone, PartialEq)]
/// #[orm(name = "address")]
/// struct Address {
///     street: String,
///     #[orm(rename = "zip_code")]
///     zip: Option<String>,
///     geo: Option<Point>,
/// }
///
/// #[derive(Model)]
/// struct Customer {
///     #[orm(partition_key)]
///     id: i64,
///     home: Address,
///     previous: Vec<Address>,
/// }
///
/// assert_eq!(
///     render::create_type(Address::META),
///     r#"CREATE TYPE IF NOT EXISTS "address" ("street" text, "zip_code" text, "geo" frozen<"point">)"#
/// );
/// assert_eq!(<Address as CqlTyped>::CQL_TYPE.to_string(), r#"frozen<"address">"#);
/// assert_eq!(
///     render::create_schema(Customer::TABLE)[..3],
///     [
///         r#"CREATE TYPE IF NOT EXISTS "point" ("lat" double, "lon" double)"#,
///         r#"CREATE TYPE IF NOT EXISTS "address" ("street" text, "zip_code" text, "geo" frozen<"point">)"#,
///         "CREATE TABLE IF NOT EXISTS \"customer\" (\"id\" bigint, \"home\" frozen<\"address\">, \
///          \"previous\" list<frozen<\"address\">>, PRIMARY KEY ((\"id\")))",
///     ]
/// );
/// ```
pub trait Udt: FieldType {
    /// The type's name and fields.
    const META: &'static UdtMeta;
}
