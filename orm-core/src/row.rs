//! Row (de)serialization for derived models, on top of the driver's traits.
//!
//! The derive emits thin `SerializeRow` / `DeserializeRow` impls that call these
//! functions, so the logic (and its error messages) lives in one place.

use scylla::cluster::metadata::ColumnType;
use scylla::deserialize::row::RawColumn;

use scylla::serialize::writers::{CellWriter, WrittenCellProof};
use scylla::value::{CqlTimestamp, Unset};

use crate::cql_type::{CqlTyped, FieldType};
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
    /// The statement's columns are not the model's columns.
    #[error("{model} reads the columns [{expected}], but the statement returns [{found}]")]
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
    /// A row has a column the model has no field for.
    #[error("{model} has no field for column `{column}`")]
    UnknownColumn {
        /// The model's type name.
        model: &'static str,
        /// The column.
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
    ///
    /// The driver's reason is part of the message and not returned by `source()`: this
    /// error travels inside the driver's `TypeCheckError`, which shows its inner error's
    /// message but does not return it from `source()`.
    #[error("{model}.{column}: {reason}")]
    ColumnType {
        /// The model's type name.
        model: &'static str,
        /// The column.
        column: &'static str,
        /// The driver's reason.
        reason: TypeCheckError,
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

/// A model's column values by CQL name, as the derive lists them.
pub type ColumnValues<'a> = [(&'static str, &'a dyn SerializeValue)];

/// Binds a model's values to a statement's bind markers, matching them by column name;
/// markers that are not columns (`[ttl]`, `[timestamp]`) are looked up in `extras`.
///
/// The model's own statements list columns in declaration order, so each marker is first
/// compared with the value at the same position; only a statement written in another
/// order pays for the search.
pub fn serialize_by_name(
    model: &'static str,
    values: &ColumnValues<'_>,
    extras: &[(&'static str, &dyn SerializeValue)],
    ctx: &RowSerializationContext<'_>,
    writer: &mut RowWriter<'_>,
) -> Result<(), SerializationError> {
    for (position, spec) in ctx.columns().iter().enumerate() {
        let name = spec.name();
        let found = match values.get(position) {
            Some(pair) if pair.0 == name => Some(*pair),
            _ => values
                .iter()
                .chain(extras)
                .find(|(column, _)| *column == name)
                .copied(),
        };
        let (column, value) = found.ok_or_else(|| {
            SerializationError::new(RowShapeError::UnknownBindMarker {
                model,
                column: name.to_owned(),
            })
        })?;
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

/// A field as a bind value; `None` binds as *unset*, not null, so writing a row never
/// creates tombstones for its empty columns.
///
/// Bounded by [`FieldType`] so an unsupported field type gets that trait's message rather
/// than the driver's.
pub fn column_value<T: FieldType>(value: &T) -> &dyn SerializeValue {
    if value.is_null() { &Unset } else { value }
}

/// A value bound as *unset* when it is `None`; see [`column_value`].
pub struct UnsetIfNull<T>(pub T);

impl<T: CqlTyped + SerializeValue> SerializeValue for UnsetIfNull<T> {
    fn serialize<'b>(
        &self,
        typ: &ColumnType,
        writer: CellWriter<'b>,
    ) -> Result<WrittenCellProof<'b>, SerializationError> {
        if self.0.is_null() {
            Ok(writer.set_unset())
        } else {
            self.0.serialize(typ, writer)
        }
    }
}

/// An explicit CQL null, for `SET column = null`.
pub struct Null;

impl SerializeValue for Null {
    fn serialize<'b>(
        &self,
        _typ: &ColumnType,
        writer: CellWriter<'b>,
    ) -> Result<WrittenCellProof<'b>, SerializationError> {
        Ok(writer.set_null())
    }
}

/// A field marked `#[orm(created_at)]` or `#[orm(updated_at)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold an automatic timestamp",
    label = "`created_at` and `updated_at` need a `CqlTimestamp` or `Option<CqlTimestamp>` field",
    note = "use `orm_core::scylla::value::CqlTimestamp` (milliseconds since the epoch), or with orm_core's `chrono` or `time` feature `chrono::DateTime<Utc>` or `time::OffsetDateTime`"
)]
pub trait TimestampField {
    /// Whether the field holds no time yet (`None`, or zero), so a write fills it.
    fn is_unset(&self) -> bool;
}

impl TimestampField for CqlTimestamp {
    fn is_unset(&self) -> bool {
        self.0 == 0
    }
}

impl TimestampField for Option<CqlTimestamp> {
    fn is_unset(&self) -> bool {
        self.is_none_or(|t| t.0 == 0)
    }
}

/// The value to bind for a `created_at` field: its own, or `now` when it has none.
pub fn created_at<'a, T: TimestampField + FieldType>(
    field: &'a T,
    now: Option<&'a CqlTimestamp>,
) -> &'a dyn SerializeValue {
    match now {
        Some(now) if field.is_unset() => now,
        _ => column_value(field),
    }
}

/// The value to bind for an `updated_at` field: `now` on every write through the ORM.
pub fn updated_at<'a, T: TimestampField + FieldType>(
    field: &'a T,
    now: Option<&'a CqlTimestamp>,
) -> &'a dyn SerializeValue {
    match now {
        Some(now) => now,
        None => column_value(field),
    }
}

/// The current time as a CQL timestamp.
pub fn now() -> CqlTimestamp {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    CqlTimestamp(millis)
}

/// Checks a result's column type against a field's type; see [`check_columns`].
pub type TypeChecker = fn(&ColumnType<'_>) -> Result<(), TypeCheckError>;

/// The [`TypeChecker`] of a field type.
pub fn type_checker<T: FieldType>() -> TypeChecker {
    |typ| T::type_check(typ)
}

/// Checks that a result has exactly the columns `expected` (in any order), each of a type
/// its field can read.
///
/// Columns are matched by name, so rows of the driver's own statements, `SELECT`s in
/// another column order and LWT results can be read too.
pub fn check_columns(
    model: &'static str,
    specs: &[ColumnSpec<'_>],
    expected: &[(&'static str, TypeChecker)],
) -> Result<(), TypeCheckError> {
    let shape_error = || {
        TypeCheckError::new(RowShapeError::Columns {
            model,
            expected: expected
                .iter()
                .map(|(name, _)| *name)
                .collect::<Vec<_>>()
                .join(", "),
            found: specs
                .iter()
                .map(|spec| spec.name())
                .collect::<Vec<_>>()
                .join(", "),
        })
    };
    if specs.len() != expected.len() {
        return Err(shape_error());
    }
    for (position, (name, check)) in expected.iter().enumerate() {
        let spec = match specs.get(position) {
            Some(spec) if spec.name() == *name => spec,
            _ => specs
                .iter()
                .find(|spec| spec.name() == *name)
                .ok_or_else(shape_error)?,
        };
        check(spec.typ()).map_err(|source| {
            TypeCheckError::new(RowShapeError::ColumnType {
                model,
                column: name,
                reason: source,
            })
        })?;
    }
    Ok(())
}

/// Reads one column's value into its field's type. Inlined into every generated
/// `deserialize`: it runs once per column of every row read.
#[inline(always)]
pub fn read_value<'f, 'm, T: FieldType>(
    model: &'static str,
    column: &'static str,
    raw: RawColumn<'f, 'm>,
) -> Result<T, DeserializationError> {
    match T::deserialize(raw.spec.typ(), raw.slice) {
        Ok(value) => Ok(value),
        Err(err) => Err(value_error(model, column, &err)),
    }
}

/// Calls `read` with `cell` (a serialized value, its length first, as in a row) as the
/// value of a column `column` of type `typ`: how a model's `__set_cell` reads one value
/// into a field (a key a factory fills in by column name) through the same
/// [`read_value`] as its rows.
pub fn with_cell<'f>(
    column: &str,
    typ: &ColumnType<'_>,
    cell: scylla::deserialize::FrameSlice<'f>,
    read: impl for<'m> FnOnce(RawColumn<'f, 'm>) -> Result<(), DeserializationError>,
) -> Result<(), DeserializationError> {
    let table = scylla::frame::response::result::TableSpec::borrowed("", "");
    let specs = [ColumnSpec::borrowed(column, typ.clone(), table)];
    let mut columns = scylla::deserialize::row::ColumnIterator::new(&specs, cell);
    match columns.next() {
        Some(raw) => read(raw?),
        None => Err(missing_column("", "")),
    }
}

/// The error of a value that did not deserialize, kept off the per-row path.
#[cold]
#[inline(never)]
fn value_error(
    model: &'static str,
    column: &'static str,
    err: &DeserializationError,
) -> DeserializationError {
    DeserializationError::new(RowShapeError::Value {
        model,
        column,
        message: err.to_string(),
    })
}

/// The row had no value for `column` (only if the type check was skipped).
pub fn missing_column(model: &'static str, column: &'static str) -> DeserializationError {
    DeserializationError::new(RowShapeError::MissingColumn { model, column })
}

/// The row has a column the model has no field for (only if the type check was skipped).
pub fn unexpected_column(model: &'static str, column: &str) -> DeserializationError {
    DeserializationError::new(RowShapeError::UnknownColumn {
        model,
        column: column.to_owned(),
    })
}
