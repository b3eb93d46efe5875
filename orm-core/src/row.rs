//! Row (de)serialization for derived models, on top of the driver's traits.
//!
//! The derive emits thin `SerializeRow` / `DeserializeRow` impls that call these
//! functions, so the logic (and its error messages) lives in one place.

use scylla::cluster::metadata::ColumnType;
use scylla::deserialize::row::ColumnIterator;

use crate::cql_type::CqlTyped;
use scylla::deserialize::{DeserializationError, TypeCheckError};
use scylla::frame::response::result::ColumnSpec;
use scylla::serialize::SerializationError;
use scylla::serialize::row::RowSerializationContext;
use scylla::serialize::value::SerializeValue;
use scylla::serialize::writers::RowWriter;

/// Why a row did not fit a model.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RowShapeError {
    /// The statement's columns are not the model's columns in declaration order.
    #[error(
        "{model} reads the columns [{expected}] in this order, but the statement returns [{found}]"
    )]
    Columns {
        /// The model's type name.
        model: &'static str,
        /// The model's columns.
        expected: String,
        /// The statement's columns.
        found: String,
    },
    /// The statement binds a column the model does not have.
    #[error("{model} has no column `{column}` to bind")]
    UnknownBindMarker {
        /// The model's type name.
        model: &'static str,
        /// The bind marker's column name.
        column: String,
    },
    /// A row ended before all the model's columns were read.
    #[error("{model}: the row has no value for column `{column}`")]
    MissingColumn {
        /// The model's type name.
        model: &'static str,
        /// The column that was expected next.
        column: &'static str,
    },
    /// A column's CQL type does not fit the field's Rust type.
    #[error("{model}.{column}: {source}")]
    ColumnType {
        /// The model's type name.
        model: &'static str,
        /// The column.
        column: &'static str,
        /// The driver's reason.
        #[source]
        source: TypeCheckError,
    },
    /// A value could not be serialized or deserialized.
    #[error("{model}.{column}: {message}")]
    Value {
        /// The model's type name.
        model: &'static str,
        /// The column.
        column: &'static str,
        /// The driver's reason.
        message: String,
    },
}

/// Binds a model's values to a statement's bind markers, matching them by column name.
///
/// The model's own statements list columns in declaration order, so each marker is first
/// compared with the value at the same position; only a statement written in another
/// order pays for the search.
pub fn serialize_by_name(
    model: &'static str,
    values: &[(&'static str, &dyn SerializeValue)],
    ctx: &RowSerializationContext<'_>,
    writer: &mut RowWriter<'_>,
) -> Result<(), SerializationError> {
    for (position, spec) in ctx.columns().iter().enumerate() {
        let name = spec.name();
        let (column, value) = match values.get(position) {
            Some(pair) if pair.0 == name => *pair,
            _ => *values
                .iter()
                .find(|(column, _)| *column == name)
                .ok_or_else(|| {
                    SerializationError::new(RowShapeError::UnknownBindMarker {
                        model,
                        column: name.to_owned(),
                    })
                })?,
        };
        value
            .serialize(spec.typ(), writer.make_cell_writer())
            .map_err(|err| {
                SerializationError::new(RowShapeError::Value {
                    model,
                    column,
                    message: err.to_string(),
                })
            })?;
    }
    Ok(())
}

/// Checks that a result's columns are exactly the model's, in declaration order.
pub fn check_columns(
    model: &'static str,
    specs: &[ColumnSpec<'_>],
    expected: &[&'static str],
) -> Result<(), TypeCheckError> {
    let same = specs.len() == expected.len()
        && specs
            .iter()
            .zip(expected)
            .all(|(spec, name)| spec.name() == *name);
    if same {
        return Ok(());
    }
    Err(TypeCheckError::new(RowShapeError::Columns {
        model,
        expected: expected.join(", "),
        found: specs
            .iter()
            .map(|spec| spec.name())
            .collect::<Vec<_>>()
            .join(", "),
    }))
}

/// A field as a bind value. Bounded by [`CqlTyped`] so an unsupported field type gets
/// that trait's message rather than the driver's.
pub fn column_value<T: CqlTyped>(value: &T) -> &dyn SerializeValue {
    value
}

/// Checks that a result column can be read into `T`.
pub fn check_type<T: CqlTyped>(
    model: &'static str,
    column: &'static str,
    typ: &ColumnType<'_>,
) -> Result<(), TypeCheckError> {
    T::type_check(typ).map_err(|source| {
        TypeCheckError::new(RowShapeError::ColumnType {
            model,
            column,
            source,
        })
    })
}

/// Reads the next column of a row into `T`.
pub fn next_value<'f, 'm, T: CqlTyped>(
    model: &'static str,
    column: &'static str,
    row: &mut ColumnIterator<'f, 'm>,
) -> Result<T, DeserializationError> {
    let raw = row.next().ok_or_else(|| {
        DeserializationError::new(RowShapeError::MissingColumn { model, column })
    })??;
    T::deserialize(raw.spec.typ(), raw.slice).map_err(|err| {
        DeserializationError::new(RowShapeError::Value {
            model,
            column,
            message: err.to_string(),
        })
    })
}
