//! Running a write by key (an update or a delete), conditional or not: the statement of
//! its shape, its hooks, its span.

use scylla::serialize::value::SerializeValue;

use crate::db::{Cql, Db};
use crate::error::Result;
use crate::hooks::Rejection;
use crate::model::Model;
use crate::options::StatementOptions;
use crate::query::QueryError;
use crate::statement::StaticStatement;
use crate::write::{LwtOutcome, hook_verdict};

/// What running an update or a delete needs from it.
pub(crate) trait KeyedWrite: Sized {
    type Model: Model;
    /// `update` or `delete`, for hooks' errors and spans.
    const OPERATION: &'static str;
    /// `conditional update` or `conditional delete`, for spans.
    const CONDITIONAL: &'static str;
    /// `UPDATE` or `DELETE`.
    const STATEMENT: &'static str;

    /// The statement of this write's shape (rendered once per shape), or why not.
    fn statement(&self) -> Result<&'static StaticStatement, QueryError>;
    /// The bound values, in marker order.
    fn values(&self) -> Vec<&(dyn SerializeValue + Send + Sync)>;
    fn options(&self) -> &StatementOptions;
    fn before(&self) -> Result<(), Rejection>;
    fn after(&self);
}

/// Runs an unconditional write.
pub(crate) async fn run<W: KeyedWrite>(write: W, db: &Db) -> Result<()> {
    let options = write.options().clone();
    let sent = async move {
        let statement = write.statement()?;
        hook_verdict(W::Model::TABLE, W::OPERATION, write.before())?;
        db.execute(Cql::Static(statement), write.values(), write.options())
            .await?;
        write.after();
        Ok(())
    };
    let table = W::Model::TABLE;
    crate::trace::write(db, table, W::OPERATION, W::STATEMENT, &options, sent).await
}

/// Runs a conditional write; tells whether it applied.
pub(crate) async fn run_conditional<W: KeyedWrite>(write: W, db: &Db) -> Result<LwtOutcome> {
    let options = write.options().clone();
    let sent = async move {
        let statement = Cql::Static(write.statement()?);
        hook_verdict(W::Model::TABLE, W::OPERATION, write.before())?;
        let result = db
            .execute(statement, write.values(), write.options())
            .await?;
        let outcome = LwtOutcome::from_result(W::Model::TABLE.model, statement, result)?;
        if outcome.applied {
            write.after();
        }
        Ok(outcome)
    };
    let table = W::Model::TABLE;
    crate::trace::write(db, table, W::CONDITIONAL, W::STATEMENT, &options, sent).await
}
