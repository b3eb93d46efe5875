//! Items the derive's generated code reaches through `::orm_core::__private`.
//!
//! Not a public API: anything here may change in any release.

pub use crate::column::{Field, PartitionKeyColumn};
pub use crate::condition::{Condition, Operator};
pub use crate::cql_type::FieldType;
pub use crate::cql_type::{CqlType, CqlTyped};
pub use crate::db::Db;
pub use crate::eager::With;
pub use crate::error::Error;
pub use crate::hooks::Hooks;
pub use crate::meta::{ClusteringOrder, ColumnMeta, KeyRole, TableMeta};
pub use crate::model::{Model, ModelStatements};
pub use crate::query::Select;
pub use crate::query::projection::{
    FunctionTarget, TtlField, WriteTimeField, function_target, ttl_field, writetime_field,
};
pub use crate::relation::Side;
pub use crate::relation::{
    BelongsTo, BelongsToMany, Forward, HasMany, HasOne, Inverse, KeyOf, Pivot, RelationDef,
    RelationKind, RelationStatements, SameKey, check_access, relation_cql, set_key,
};
pub use crate::relation::{Custom, CustomRelationship, Many, One, Optional, check_custom_access};
pub use crate::relation::{
    MorphParent, MorphTargets, MorphTo, check_morph_access, unknown_morph_type,
};
pub use crate::row::{
    ColumnValues, TimestampField, TypeChecker, check_columns, column_value, created_at,
    missing_column, read_value, serialize_by_name, type_checker, unexpected_column, updated_at,
};
pub use core::option::Option::{None, Some};
pub use scylla::value::CqlTimestamp;
pub use std::boxed::Box;
pub use std::sync::Arc;
pub use std::vec::Vec;

pub use crate::udt::{
    Udt, UdtField, UdtFields, UdtMeta, check_udt, filled_udt_field, read_udt_field, serialize_udt,
    udt_fields, udt_value,
};
pub use scylla::cluster::metadata::ColumnType;
pub use scylla::deserialize::FrameSlice;
pub use scylla::deserialize::value::DeserializeValue;
pub use scylla::serialize::writers::{CellWriter, WrittenCellProof};

pub use core::option::Option;
pub use scylla::deserialize::row::{ColumnIterator, DeserializeRow};
pub use scylla::deserialize::{DeserializationError, TypeCheckError};
pub use scylla::frame::response::result::ColumnSpec;
pub use scylla::serialize::SerializationError;
pub use scylla::serialize::row::{RowSerializationContext, SerializeRow};
pub use scylla::serialize::value::SerializeValue;
pub use scylla::serialize::writers::RowWriter;

pub use core::clone::Clone;
pub use core::default::Default;
pub use core::result::Result;

/// The type id of a value's type (for relation accessors, which are fn items).
pub fn type_id_of<T: 'static>(_: &T) -> std::any::TypeId {
    std::any::TypeId::of::<T>()
}
