//! Writing and reading UDT values, on top of the driver's traits.
//!
//! The derive emits thin `SerializeValue` / `DeserializeValue` impls that call these
//! functions, so the matching of fields by name (and its error messages) lives in one
//! place. Field `index`es are positions in the struct's [`UdtMeta::fields`].

use std::fmt::Write;

use scylla::cluster::metadata::ColumnType;
use scylla::deserialize::value::{DeserializeValue, UdtIterator};
use scylla::deserialize::{DeserializationError, FrameSlice, TypeCheckError};
use scylla::frame::response::result::UserDefinedType;
use scylla::serialize::SerializationError;
use scylla::serialize::value::SerializeValue;
use scylla::serialize::writers::{CellWriter, WrittenCellProof};

use super::UdtMeta;
use crate::cql_type::FieldType;
use crate::row::TypeChecker;

/// Why a value did not fit a `#[derive(Udt)]` struct.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UdtShapeError {
    /// The value's CQL type is not a user-defined type.
    #[error("{rust} is stored as the user-defined type `{udt}`, but the CQL type here is {found}")]
    NotUdt {
        /// The struct's Rust name.
        rust: &'static str,
        /// The struct's CQL type name.
        udt: &'static str,
        /// The CQL type found instead.
        found: String,
    },
    /// A field of the struct is not a field of the server's type.
    #[error(
        "{rust} has a field `{field}` that the server's type `{server_type}` lacks \
         ({rust} has [{rust_fields}], `{server_type}` has [{server_fields}]): add it to the \
         type (ALTER TYPE ... ADD) or rename or remove it in {rust}"
    )]
    MissingOnServer {
        /// The struct's Rust name.
        rust: &'static str,
        /// The missing field's CQL name.
        field: &'static str,
        /// `keyspace.type` on the server.
        server_type: String,
        /// The struct's fields, by CQL name.
        rust_fields: String,
        /// The server's fields.
        server_fields: String,
    },
    /// A field of the server's type is not a field of the struct.
    #[error(
        "the server's type `{server_type}` has a field `{field}` that {rust} lacks \
         ({rust} has [{rust_fields}], `{server_type}` has [{server_fields}]): add a field \
         for it to {rust}"
    )]
    MissingInRust {
        /// The struct's Rust name.
        rust: &'static str,
        /// The field the struct lacks.
        field: String,
        /// `keyspace.type` on the server.
        server_type: String,
        /// The struct's fields, by CQL name.
        rust_fields: String,
        /// The server's fields.
        server_fields: String,
    },
    /// A field's CQL type does not fit the Rust field's type.
    /// (The driver's reason is in the message, not `source()`: this error travels inside
    /// the driver's `TypeCheckError`, which does not return its inner error's source.)
    #[error("{rust}.{field}: {reason}")]
    FieldTypeMismatch {
        /// The struct's Rust name.
        rust: &'static str,
        /// The field's CQL name.
        field: &'static str,
        /// The driver's reason.
        reason: TypeCheckError,
    },
    /// A field's value could not be serialized or deserialized.
    #[error("{rust}.{field}: {message}")]
    Value {
        /// The struct's Rust name.
        rust: &'static str,
        /// The field's CQL name.
        field: &'static str,
        /// The driver's reason.
        message: String,
    },
    /// The whole value is null.
    #[error("{rust}: the value is null; read a column that may be null into Option<{rust}>")]
    Null {
        /// The struct's Rust name.
        rust: &'static str,
    },
    /// A value ended before all the struct's fields were read (only if the type check was
    /// skipped).
    #[error("{rust}: the value has no field `{field}`")]
    MissingValue {
        /// The struct's Rust name.
        rust: &'static str,
        /// The field's CQL name.
        field: &'static str,
    },
    /// The value is too large for the protocol.
    #[error("{rust}: the serialized value is too large")]
    TooLarge {
        /// The struct's Rust name.
        rust: &'static str,
    },
}

/// The server's definition of the type, or [`UdtShapeError::NotUdt`].
fn definition<'a>(
    rust: &'static str,
    udt: &'static UdtMeta,
    typ: &'a ColumnType<'a>,
) -> Result<&'a UserDefinedType<'a>, UdtShapeError> {
    match typ {
        ColumnType::UserDefinedType { definition, .. } => Ok(definition),
        other => Err(UdtShapeError::NotUdt {
            rust,
            udt: udt.name,
            found: format!("{other:?}"),
        }),
    }
}

/// Checks that the server's type has exactly the struct's fields, in any order.
fn check_fields(
    rust: &'static str,
    udt: &'static UdtMeta,
    server: &UserDefinedType<'_>,
) -> Result<(), UdtShapeError> {
    for (position, (name, _)) in server.field_types.iter().enumerate() {
        if udt.position(name, position).is_none() {
            return Err(field_mismatch(rust, udt, server, Missing::InRust(name)));
        }
    }
    for (position, field) in udt.fields.iter().enumerate() {
        let on_server = match server.field_types.get(position) {
            Some((name, _)) if name == field.name => true,
            _ => server
                .field_types
                .iter()
                .any(|(name, _)| name == field.name),
        };
        if !on_server {
            return Err(field_mismatch(
                rust,
                udt,
                server,
                Missing::OnServer(field.name),
            ));
        }
    }
    Ok(())
}

/// The struct field index of each field of the server's type, in the server's order.
/// Only after [`check_fields`] passed.
fn indexes<'a>(
    udt: &'static UdtMeta,
    server: &'a UserDefinedType<'a>,
) -> impl Iterator<Item = (usize, &'a ColumnType<'a>)> + 'a {
    server
        .field_types
        .iter()
        .enumerate()
        .filter_map(|(position, (name, typ))| Some((udt.position(name, position)?, typ)))
}

/// A field only one side has.
enum Missing<'a> {
    /// A struct field the server's type lacks.
    OnServer(&'static str),
    /// A field of the server's type the struct lacks.
    InRust(&'a str),
}

fn field_mismatch(
    rust: &'static str,
    udt: &'static UdtMeta,
    server: &UserDefinedType<'_>,
    missing: Missing<'_>,
) -> UdtShapeError {
    let server_type = format!("{}.{}", server.keyspace, server.name);
    let rust_fields = udt.field_names().join(", ");
    let mut server_fields = String::new();
    for (i, (name, _)) in server.field_types.iter().enumerate() {
        if i > 0 {
            server_fields.push_str(", ");
        }
        write!(server_fields, "{name}").expect("writing to a String cannot fail");
    }
    match missing {
        Missing::OnServer(field) => UdtShapeError::MissingOnServer {
            rust,
            field,
            server_type,
            rust_fields,
            server_fields,
        },
        Missing::InRust(field) => UdtShapeError::MissingInRust {
            rust,
            field: field.to_owned(),
            server_type,
            rust_fields,
            server_fields,
        },
    }
}

/// A struct field as a value of the UDT. Bounded by [`FieldType`] so an unsupported field
/// type gets that trait's message. A `None` is written as null: unlike a bound column
/// value, a UDT field cannot be left unset.
pub fn udt_value<T: FieldType>(value: &T) -> &dyn SerializeValue {
    value
}

/// Writes a struct as a UDT value: `values` are the struct's fields in [`UdtMeta::fields`]
/// order, written in the order of the server's definition, matched by name.
pub fn serialize_udt<'b>(
    rust: &'static str,
    udt: &'static UdtMeta,
    values: &[&dyn SerializeValue],
    typ: &ColumnType<'_>,
    writer: CellWriter<'b>,
) -> Result<WrittenCellProof<'b>, SerializationError> {
    let server = definition(rust, udt, typ).map_err(SerializationError::new)?;
    check_fields(rust, udt, server).map_err(SerializationError::new)?;
    let mut builder = writer.into_value_builder();
    for (index, field_type) in indexes(udt, server) {
        values[index]
            .serialize(field_type, builder.make_sub_writer())
            .map_err(|err| {
                SerializationError::new(UdtShapeError::Value {
                    rust,
                    field: udt.fields[index].name,
                    message: err.to_string(),
                })
            })?;
    }
    builder
        .finish()
        .map_err(|_| SerializationError::new(UdtShapeError::TooLarge { rust }))
}

/// Checks a CQL type against a struct: a UDT with exactly the struct's fields (in any
/// order), each of a type its Rust field can read. `checkers` follow [`UdtMeta::fields`].
pub fn check_udt(
    rust: &'static str,
    udt: &'static UdtMeta,
    checkers: &[TypeChecker],
    typ: &ColumnType<'_>,
) -> Result<(), TypeCheckError> {
    let server = definition(rust, udt, typ).map_err(TypeCheckError::new)?;
    check_fields(rust, udt, server).map_err(TypeCheckError::new)?;
    for (index, field_type) in indexes(udt, server) {
        checkers[index](field_type).map_err(|source| {
            TypeCheckError::new(UdtShapeError::FieldTypeMismatch {
                rust,
                field: udt.fields[index].name,
                reason: source,
            })
        })?;
    }
    Ok(())
}

/// The fields of a UDT value, in the server's order: `(index in the struct, CQL type,
/// value)`. A field missing from the value's bytes (a type extended after the value was
/// written) reads as null.
pub struct UdtFields<'f, 'm> {
    rust: &'static str,
    udt: &'static UdtMeta,
    server: &'m UserDefinedType<'m>,
    position: usize,
    inner: UdtIterator<'f, 'm>,
}

impl std::fmt::Debug for UdtFields<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UdtFields")
            .field("rust", &self.rust)
            .field("udt", &self.udt.name)
            .field("position", &self.position)
            .finish_non_exhaustive()
    }
}

impl<'f, 'm> Iterator for UdtFields<'f, 'm> {
    type Item = Result<(usize, &'m ColumnType<'m>, Option<FrameSlice<'f>>), DeserializationError>;

    fn next(&mut self) -> Option<Self::Item> {
        let ((name, typ), value) = self.inner.next()?;
        let position = self.position;
        self.position += 1;
        // Only a value read without its type check can have a field the struct lacks.
        let Some(index) = self.udt.position(name, position) else {
            let err = field_mismatch(self.rust, self.udt, self.server, Missing::InRust(name));
            return Some(Err(DeserializationError::new(err)));
        };
        Some(
            value
                .map(|value| (index, typ, value.flatten()))
                .map_err(|err| value_error(self.rust, self.udt, index, err.to_string())),
        )
    }
}

/// Starts reading a UDT value; a null value is [`UdtShapeError::Null`].
pub fn udt_fields<'f, 'm>(
    rust: &'static str,
    udt: &'static UdtMeta,
    typ: &'m ColumnType<'m>,
    value: Option<FrameSlice<'f>>,
) -> Result<UdtFields<'f, 'm>, DeserializationError> {
    let server = definition(rust, udt, typ).map_err(DeserializationError::new)?;
    if value.is_none() {
        return Err(DeserializationError::new(UdtShapeError::Null { rust }));
    }
    Ok(UdtFields {
        rust,
        udt,
        server,
        position: 0,
        inner: UdtIterator::deserialize(typ, value)?,
    })
}

/// Reads the value of field `index` into its Rust type.
pub fn read_udt_field<'f, 'm, T: FieldType>(
    rust: &'static str,
    udt: &'static UdtMeta,
    index: usize,
    typ: &'m ColumnType<'m>,
    value: Option<FrameSlice<'f>>,
) -> Result<T, DeserializationError> {
    T::deserialize(typ, value).map_err(|err| value_error(rust, udt, index, err.to_string()))
}

/// The value read for field `index`, or [`UdtShapeError::MissingValue`].
pub fn filled_udt_field<T>(
    rust: &'static str,
    udt: &'static UdtMeta,
    index: usize,
    value: Option<T>,
) -> Result<T, DeserializationError> {
    value.ok_or_else(|| {
        DeserializationError::new(UdtShapeError::MissingValue {
            rust,
            field: udt.fields[index].name,
        })
    })
}

fn value_error(
    rust: &'static str,
    udt: &'static UdtMeta,
    index: usize,
    message: String,
) -> DeserializationError {
    DeserializationError::new(UdtShapeError::Value {
        rust,
        field: udt.fields[index].name,
        message,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use scylla::cluster::metadata::{ColumnType, NativeType};
    use scylla::deserialize::FrameSlice;
    use scylla::deserialize::value::DeserializeValue;
    use scylla::frame::response::result::UserDefinedType;
    use scylla::serialize::SerializationError;
    use scylla::serialize::value::SerializeValue;
    use scylla::serialize::writers::CellWriter;

    #[derive(crate::Udt, Debug, PartialEq)]
    struct Pair {
        left: i32,
        right: Option<i32>,
    }

    /// The server's definition of a type with `int` fields named `fields`.
    fn server_type(fields: &[&'static str]) -> ColumnType<'static> {
        ColumnType::UserDefinedType {
            frozen: true,
            definition: Arc::new(UserDefinedType {
                name: "pair".into(),
                keyspace: "ks".into(),
                field_types: fields
                    .iter()
                    .map(|name| ((*name).into(), ColumnType::Native(NativeType::Int)))
                    .collect(),
            }),
        }
    }

    fn write(value: &Pair, typ: &ColumnType<'_>) -> Result<Vec<u8>, SerializationError> {
        let mut buf = Vec::new();
        value.serialize(typ, CellWriter::new(&mut buf))?;
        Ok(buf)
    }

    fn read(typ: &ColumnType<'_>, cell: &[u8]) -> Pair {
        Pair::type_check(typ).unwrap();
        Pair::deserialize(typ, Some(FrameSlice::new_borrowed(&cell[4..]))).unwrap()
    }

    #[test]
    fn none_is_written_as_null_not_unset() {
        let typ = server_type(&["left", "right"]);
        let value = Pair {
            left: 1,
            right: None,
        };
        let cell = write(&value, &typ).unwrap();
        // [value] length 12, then `left` = [4 bytes] 1, then `right` = null (length -1).
        assert_eq!(
            cell,
            [0, 0, 0, 12, 0, 0, 0, 4, 0, 0, 0, 1, 255, 255, 255, 255]
        );
        assert_eq!(read(&typ, &cell), value);
    }

    #[test]
    fn fields_follow_the_server_order() {
        let typ = server_type(&["right", "left"]);
        let value = Pair {
            left: 1,
            right: Some(2),
        };
        let cell = write(&value, &typ).unwrap();
        assert_eq!(
            cell,
            [0, 0, 0, 16, 0, 0, 0, 4, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 1]
        );
        assert_eq!(read(&typ, &cell), value);
    }

    #[test]
    fn a_missing_field_names_both_lists() {
        let value = Pair {
            left: 1,
            right: None,
        };
        let err = write(&value, &server_type(&["left"])).unwrap_err();
        assert!(
            err.to_string().contains(
                "Pair has a field `right` that the server's type `ks.pair` lacks \
                 (Pair has [left, right], `ks.pair` has [left])"
            ),
            "{err}"
        );
        let err = Pair::type_check(&server_type(&["left", "right", "extra"])).unwrap_err();
        assert!(
            err.to_string().contains(
                "the server's type `ks.pair` has a field `extra` that Pair lacks \
                 (Pair has [left, right], `ks.pair` has [left, right, extra])"
            ),
            "{err}"
        );
        let err = Pair::type_check(&ColumnType::Native(NativeType::Int)).unwrap_err();
        assert!(
            err.to_string()
                .contains("Pair is stored as the user-defined type `pair`, but the CQL type here is Native(Int)"),
            "{err}"
        );
    }
}
