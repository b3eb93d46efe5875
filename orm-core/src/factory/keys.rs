//! Carrying a key from one row to another by column name, as a CQL value: the relation
//! definitions name the columns, the rows' own (de)serializers do the rest, so an `Uuid`
//! key fills an `Option<Uuid>` foreign key as it would through the database.

use scylla::cluster::metadata::{ColumnType, NativeType};
use scylla::deserialize::FrameSlice;
use scylla::serialize::writers::CellWriter;

use crate::cql_type::CqlType;
use crate::factory::FactoryError;
use crate::meta::{ColumnMeta, TableMeta};
use crate::model::Model;

/// A key column's value, serialized as in a row: its length, then its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct KeyValue {
    cql_type: &'static CqlType,
    bytes: Vec<u8>,
}

/// The column `name` of `table`, or an error naming the model.
fn column(table: &'static TableMeta, name: &str) -> Result<&'static ColumnMeta, FactoryError> {
    table.column(name).ok_or_else(|| FactoryError::Key {
        model: table.model,
        column: name.to_owned(),
        reason: format!(
            "no such column; its columns are: [{}]",
            table.column_names().join(", ")
        ),
    })
}

/// The driver's type for a key column's CQL type: native types and tuples of them.
fn column_type(cql_type: &CqlType) -> Option<ColumnType<'static>> {
    Some(match cql_type {
        CqlType::Native(name) => ColumnType::Native(native(name)?),
        CqlType::Tuple(items) => {
            ColumnType::Tuple(items.iter().map(column_type).collect::<Option<_>>()?)
        }
        CqlType::Frozen(inner) => column_type(inner)?,
        _ => return None,
    })
}

fn native(name: &str) -> Option<NativeType> {
    Some(match name {
        "ascii" => NativeType::Ascii,
        "boolean" => NativeType::Boolean,
        "blob" => NativeType::Blob,
        "counter" => NativeType::Counter,
        "date" => NativeType::Date,
        "decimal" => NativeType::Decimal,
        "double" => NativeType::Double,
        "duration" => NativeType::Duration,
        "float" => NativeType::Float,
        "int" => NativeType::Int,
        "bigint" => NativeType::BigInt,
        "text" | "varchar" => NativeType::Text,
        "timestamp" => NativeType::Timestamp,
        "inet" => NativeType::Inet,
        "smallint" => NativeType::SmallInt,
        "tinyint" => NativeType::TinyInt,
        "time" => NativeType::Time,
        "timeuuid" => NativeType::Timeuuid,
        "uuid" => NativeType::Uuid,
        "varint" => NativeType::Varint,
        _ => return None,
    })
}

fn key_error(model: &'static str, column: &str, reason: impl Into<String>) -> FactoryError {
    FactoryError::Key {
        model,
        column: column.to_owned(),
        reason: reason.into(),
    }
}

/// The value of `row`'s column `name`; an error when it is null.
pub(crate) fn read<M: Model>(row: &M, name: &str) -> Result<KeyValue, FactoryError> {
    let model = M::TABLE.model;
    let meta = column(M::TABLE, name)?;
    let typ = column_type(meta.cql_type).ok_or_else(|| {
        key_error(
            model,
            name,
            format!(
                "a key of type {} cannot be filled in by a factory",
                meta.cql_type
            ),
        )
    })?;
    let mut buf = Vec::new();
    row.__visit_values(None, &mut |values| {
        if let Some((_, value)) = values.iter().find(|(column, _)| *column == meta.name) {
            value.serialize(&typ, CellWriter::new(&mut buf))?;
        }
        Ok(())
    })
    .map_err(|err| key_error(model, name, err.to_string()))?;
    let length = buf
        .get(..4)
        .map(|prefix| i32::from_be_bytes([prefix[0], prefix[1], prefix[2], prefix[3]]))
        .unwrap_or(-1);
    if length < 0 {
        return Err(key_error(
            model,
            name,
            "the key is empty (None): give the row a key before using it in a relation",
        ));
    }
    Ok(KeyValue {
        cql_type: meta.cql_type,
        bytes: buf,
    })
}

/// Sets `row`'s column `name` to `key`; the column must have the key's CQL type.
pub(crate) fn write<M: Model>(row: &mut M, name: &str, key: &KeyValue) -> Result<(), FactoryError> {
    let model = M::TABLE.model;
    let meta = column(M::TABLE, name)?;
    if meta.cql_type != key.cql_type {
        return Err(key_error(
            model,
            name,
            format!(
                "the column is {}, but the key it refers to is {}",
                meta.cql_type, key.cql_type
            ),
        ));
    }
    let typ = column_type(meta.cql_type).ok_or_else(|| {
        key_error(
            model,
            name,
            format!("type {} is not a key type", meta.cql_type),
        )
    })?;
    let cell = FrameSlice::new_borrowed(&key.bytes);
    match row.__set_cell(meta.name, &typ, cell) {
        Some(Ok(())) => Ok(()),
        Some(Err(err)) => Err(key_error(model, name, err.to_string())),
        None => Err(key_error(
            model,
            name,
            "the model has no field for this column",
        )),
    }
}

/// Sets `row`'s text column `name` to `text` (a polymorphic relation's type tag).
pub(crate) fn write_text<M: Model>(
    row: &mut M,
    name: &str,
    text: &str,
) -> Result<(), FactoryError> {
    let meta = column(M::TABLE, name)?;
    let is_text = matches!(meta.cql_type, CqlType::Native(native) if matches!(*native, "text" | "varchar" | "ascii"));
    if !is_text {
        return Err(key_error(
            M::TABLE.model,
            name,
            format!(
                "a type column holds text, but this one is {}",
                meta.cql_type
            ),
        ));
    }
    let length = i32::try_from(text.len())
        .map_err(|_| key_error(M::TABLE.model, name, "the type tag is too long"))?;
    let mut bytes = length.to_be_bytes().to_vec();
    bytes.extend_from_slice(text.as_bytes());
    let value = KeyValue {
        cql_type: meta.cql_type,
        bytes,
    };
    write(row, name, &value)
}

/// The value of a counter column of `row` (0 when unset).
pub(crate) fn counter<M: Model>(row: &M, name: &str) -> Result<i64, FactoryError> {
    match read(row, name) {
        Ok(KeyValue { bytes, .. }) => {
            let bytes: [u8; 8] = bytes
                .get(4..)
                .and_then(|value| value.try_into().ok())
                .ok_or_else(|| key_error(M::TABLE.model, name, "a counter is 8 bytes"))?;
            Ok(i64::from_be_bytes(bytes))
        }
        Err(FactoryError::Key { reason, .. }) if reason.starts_with("the key is empty") => Ok(0),
        Err(err) => Err(err),
    }
}
