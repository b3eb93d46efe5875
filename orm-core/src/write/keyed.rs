//! Running a write by key (an update or a delete), conditional or not: the statement of
//! its shape, its hooks, its span.

use scylla::frame::response::result::ColumnSpec;
use scylla::serialize::SerializationError;
use scylla::serialize::row::{
    BuiltinSerializationError, BuiltinSerializationErrorKind, BuiltinTypeCheckError,
    BuiltinTypeCheckErrorKind, RowSerializationContext, SerializeRow,
};
use scylla::serialize::value::SerializeValue;
use scylla::serialize::writers::RowWriter;
use scylla::statement::Consistency;

use crate::db::{Cql, Db};
use crate::error::Result;
use crate::hooks::Rejection;
use crate::model::Model;
use crate::options::StatementOptions;
use crate::query::QueryError;
use crate::statement::StaticStatement;
use crate::write::{LwtOutcome, hook_verdict};

/// What running an update or a delete needs from it.
pub(crate) trait KeyedWrite: Sized + Send + Sync {
    type Model: Model;
    /// `update` or `delete`, for hooks' errors and spans.
    const OPERATION: &'static str;
    /// `conditional update` or `conditional delete`, for spans.
    const CONDITIONAL: &'static str;
    /// `UPDATE` or `DELETE`.
    const STATEMENT: &'static str;

    /// The statement of this write's shape (rendered once per shape), or why not.
    fn statement(&self) -> Result<&'static StaticStatement, QueryError>;
    /// The bound values in marker order: those before the primary key when it is bound as
    /// a row ([`primary_key`](Self::primary_key)), all of them otherwise.
    fn values(&self) -> impl Iterator<Item = &(dyn SerializeValue + Send + Sync)>;
    /// A row's full primary key bound as it is, after [`values`](Self::values) (the
    /// model's own key serialization, as `find` binds it); `None` where conditions bind
    /// the key.
    fn primary_key(&self) -> Option<impl SerializeRow + Send + '_>;
    /// The values bound after [`primary_key`](Self::primary_key) (an `IF`'s).
    fn after_key(&self) -> impl Iterator<Item = &(dyn SerializeValue + Send + Sync)>;
    fn options(&self) -> &StatementOptions;
    fn before(&self) -> Result<(), Rejection>;
    /// What the write adds when it runs (an update's `updated_at = now`): called at the
    /// first poll, not when the future is built.
    fn when_sent(&mut self) {}
    fn after(&self);
}

/// Runs an unconditional write. Not an `async fn`: the one future returned is the span's
/// around the write's, with no layer between them holding a copy.
pub(crate) fn run<W: KeyedWrite>(mut write: W, db: &Db) -> impl Future<Output = Result<()>> {
    let consistency = write.options().consistency;
    let sent = async move {
        write.when_sent();
        let statement = write.statement()?;
        hook_verdict(W::Model::TABLE, W::OPERATION, write.before())?;
        db.execute_write(Cql::Static(statement), Bound(&write), write.options())
            .await?;
        write.after();
        Ok(())
    };
    traced::<W, _>(db, W::OPERATION, consistency, sent)
}

/// Runs a conditional write; tells whether it applied.
pub(crate) fn run_conditional<W: KeyedWrite>(
    mut write: W,
    db: &Db,
) -> impl Future<Output = Result<LwtOutcome>> {
    let consistency = write.options().consistency;
    let sent = async move {
        write.when_sent();
        let statement = Cql::Static(write.statement()?);
        hook_verdict(W::Model::TABLE, W::OPERATION, write.before())?;
        let result = db
            .execute(statement, Bound(&write), write.options())
            .await?;
        let outcome = LwtOutcome::from_result(W::Model::TABLE.model, statement, result)?;
        if outcome.applied {
            write.after();
        }
        Ok(outcome)
    };
    traced::<W, _>(db, W::CONDITIONAL, consistency, sent)
}

/// `sent` inside the span of `operation` (an [`OPERATION`](KeyedWrite::OPERATION) or a
/// [`CONDITIONAL`](KeyedWrite::CONDITIONAL)) on `W`'s model.
fn traced<W: KeyedWrite, T>(
    db: &Db,
    operation: &'static str,
    consistency: Option<Consistency>,
    sent: impl Future<Output = Result<T>>,
) -> impl Future<Output = Result<T>> {
    crate::trace::write(
        db,
        W::Model::TABLE,
        operation,
        W::STATEMENT,
        consistency,
        sent,
    )
}

/// A write's bound values, serialized straight from the write: no list of them is built.
/// Its errors name the type the values used to be collected in, as before.
pub(crate) struct Bound<'a, W>(pub &'a W);

/// The type named in serialization errors.
type Values<'a> = Vec<&'a (dyn SerializeValue + Send + Sync)>;

impl<W: KeyedWrite> SerializeRow for Bound<'_, W> {
    fn serialize(
        &self,
        ctx: &RowSerializationContext<'_>,
        writer: &mut RowWriter<'_>,
    ) -> Result<(), SerializationError> {
        let write = self.0;
        let columns = ctx.columns();
        // Counted only on a mismatch: the statement was rendered from the same shape.
        let wrong_count = || {
            let key = match write.primary_key() {
                Some(_) => W::Model::TABLE.primary_key().count(),
                None => 0,
            };
            let count = write.values().count() + key + write.after_key().count();
            SerializationError::new(BuiltinTypeCheckError {
                rust_name: std::any::type_name::<Values<'_>>(),
                kind: BuiltinTypeCheckErrorKind::WrongColumnCount {
                    rust_cols: count,
                    cql_cols: columns.len(),
                },
            })
        };
        let mut at =
            serialize_each(columns, 0, write.values(), writer).ok_or_else(wrong_count)??;
        if let Some(key) = write.primary_key() {
            let after = write.after_key().count();
            let end = columns
                .len()
                .checked_sub(after)
                .filter(|&end| end >= at)
                .ok_or_else(wrong_count)?;
            key.serialize(
                &RowSerializationContext::from_specs(&columns[at..end]),
                writer,
            )?;
            at = end;
        }
        let at =
            serialize_each(columns, at, write.after_key(), writer).ok_or_else(wrong_count)??;
        if at != columns.len() {
            return Err(wrong_count());
        }
        Ok(())
    }

    fn is_empty(&self) -> bool {
        let write = self.0;
        write.values().next().is_none()
            && write.primary_key().is_none()
            && write.after_key().next().is_none()
    }
}

/// Serializes `values` into `writer` for the columns from `columns[at]` on, one each;
/// the index after the last, or `None` when there are more values than columns.
fn serialize_each<'v>(
    columns: &[ColumnSpec<'_>],
    mut at: usize,
    values: impl Iterator<Item = &'v (dyn SerializeValue + Send + Sync)>,
    writer: &mut RowWriter<'_>,
) -> Option<Result<usize, SerializationError>> {
    for value in values {
        let spec = columns.get(at)?;
        let written = value.serialize(spec.typ(), writer.make_cell_writer());
        if let Err(err) = written {
            return Some(Err(SerializationError::new(BuiltinSerializationError {
                rust_name: std::any::type_name::<Values<'_>>(),
                kind: BuiltinSerializationErrorKind::ColumnSerializationFailed {
                    name: spec.name().to_owned(),
                    err,
                },
            })));
        }
        at += 1;
    }
    Some(Ok(at))
}

/// The bound values of a write that owns them, for batches.
pub(crate) struct OwnedValues<W>(pub W);

impl<W: KeyedWrite + Send> SerializeRow for OwnedValues<W> {
    fn serialize(
        &self,
        ctx: &RowSerializationContext<'_>,
        writer: &mut RowWriter<'_>,
    ) -> Result<(), SerializationError> {
        Bound(&self.0).serialize(ctx, writer)
    }

    fn is_empty(&self) -> bool {
        Bound(&self.0).is_empty()
    }
}
