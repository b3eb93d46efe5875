//! Items the derive's generated code reaches through `::orm_core::__private`.
//!
//! Not a public API: anything here may change in any release.

pub use crate::cql_type::FieldType;
pub use crate::cql_type::{CqlType, CqlTyped};
pub use crate::meta::{ClusteringOrder, ColumnMeta, KeyRole, TableMeta};
pub use crate::model::{Model, ModelStatements};
pub use crate::row::{
    TypeChecker, check_columns, column_value, missing_column, read_value, serialize_by_name,
    type_checker, unexpected_column,
};

pub use core::option::Option;
pub use scylla::deserialize::row::{ColumnIterator, DeserializeRow};
pub use scylla::deserialize::{DeserializationError, TypeCheckError};
pub use scylla::frame::response::result::ColumnSpec;
pub use scylla::serialize::SerializationError;
pub use scylla::serialize::row::{RowSerializationContext, SerializeRow};
pub use scylla::serialize::value::SerializeValue;
pub use scylla::serialize::writers::RowWriter;

pub use core::default::Default;
pub use core::result::Result;
