//! Inserts: plain (prepared once per model), with TTL / timestamp, and `IF NOT EXISTS`.

use scylla::serialize::SerializationError;
use scylla::serialize::row::{RowSerializationContext, SerializeRow};
use scylla::serialize::value::SerializeValue;
use scylla::serialize::writers::RowWriter;
use scylla::value::CqlTimestamp;

use crate::cql::{Action, Guard, Statement};
use crate::db::{Cql, Db};
use crate::error::{Error, Result};
use crate::explain::{Explain, StatementCount};
use crate::meta::{KeyRole, TableMeta};
use crate::model::Model;
use crate::options::{Configure, StatementOptions, UNSET};
use crate::query::QueryError;
use crate::row::{now, serialize_by_name};
use crate::statement::StaticStatement;
use crate::write::lwt::LwtRow;
use crate::write::using::Using;
use crate::write::{BatchItem, IntoBatchItem, hook_verdict};

/// An insert of one model row with options. Built with [`Model::insert_query`].
///
/// # Example
/// ```
/// use orm_core::Model;
///
/// #[derive(Model)]
/// struct Session {
///     #[orm(partition_key)]
///     token: String,
///     user_id: i64,
/// }
///
/// let session = Session { token: "t".into(), user_id: 1 };
/// let insert = session.insert_query().ttl(3600).timestamp(1_700_000_000_000_000);
/// assert_eq!(
///     insert.cql().unwrap(),
///     r#"INSERT INTO "session" ("token", "user_id") VALUES (?, ?) USING TTL ? AND TIMESTAMP ?"#
/// );
/// assert_eq!(
///     session.insert_query().if_not_exists().ttl(60).cql().unwrap(),
///     r#"INSERT INTO "session" ("token", "user_id") VALUES (?, ?) IF NOT EXISTS USING TTL ?"#
/// );
/// ```
#[must_use = "a write does nothing until it is executed: call `execute` with a `Db`"]
pub struct Insert<'a, M> {
    model: &'a M,
    using: Using,
    if_not_exists: bool,
    statics_only: bool,
    options: StatementOptions,
    error: Option<QueryError>,
}

impl<M> std::fmt::Debug for Insert<'_, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Insert")
            .field("model", &std::any::type_name::<M>())
            .field("if_not_exists", &self.if_not_exists)
            .field("statics_only", &self.statics_only)
            .field("options", &self.options)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

/// An `INSERT ... IF NOT EXISTS`; see [`Insert::if_not_exists`].
#[must_use = "a write does nothing until it is executed: call `execute` with a `Db`"]
pub struct InsertIfNotExists<'a, M>(Insert<'a, M>);

impl<M> std::fmt::Debug for InsertIfNotExists<'_, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("InsertIfNotExists").field(&self.0).finish()
    }
}

/// The outcome of an insert-if-not-exists.
#[derive(Debug, Clone, PartialEq)]
pub struct Inserted<M> {
    /// Whether the row was written.
    pub applied: bool,
    /// When it was not: the row that already has this primary key (`None` if the stored
    /// row has columns the model does not know, such as one added to the table since).
    pub existing: Option<M>,
}

impl<'a, M: Model> Insert<'a, M> {
    pub(crate) fn new(model: &'a M) -> Self {
        Insert {
            model,
            using: Using::default(),
            if_not_exists: false,
            statics_only: false,
            options: StatementOptions::default(),
            error: None,
        }
    }

    /// The row expires `seconds` after the write (`USING TTL`); 0 means never.
    pub fn ttl(mut self, seconds: i32) -> Self {
        match Using::checked_ttl(seconds) {
            Ok(ttl) => self.using.ttl = Some(ttl),
            Err(error) => {
                self.error.get_or_insert(error);
            }
        }
        self
    }

    /// The write's timestamp in microseconds since the epoch (`USING TIMESTAMP`); the
    /// write with the highest timestamp wins.
    pub fn timestamp(mut self, micros: i64) -> Self {
        self.using.timestamp = Some(micros);
        self
    }

    /// Writes only the partition key and the static columns: the partition's shared
    /// values, without a clustering row (its clustering and regular fields are not
    /// written).
    ///
    /// # Example
    /// ```
    /// use orm_core::Model;
    ///
    /// #[derive(Model)]
    /// struct Video {
    ///     #[orm(partition_key)]
    ///     channel: i64,
    ///     #[orm(clustering_key)]
    ///     id: i64,
    ///     #[orm(static)]
    ///     channel_name: String,
    ///     title: String,
    /// }
    ///
    /// let channel = Video { channel: 1, id: 0, channel_name: "Rust talks".into(), title: String::new() };
    /// assert_eq!(
    ///     channel.insert_query().statics_only().cql().unwrap(),
    ///     r#"INSERT INTO "video" ("channel", "channel_name") VALUES (?, ?)"#
    /// );
    /// ```
    pub fn statics_only(mut self) -> Self {
        self.statics_only = true;
        self
    }

    /// Writes only if no row has this primary key (a lightweight transaction, which costs
    /// a Paxos round: four round trips between replicas).
    pub fn if_not_exists(mut self) -> InsertIfNotExists<'a, M> {
        self.if_not_exists = true;
        InsertIfNotExists(self)
    }

    /// The CQL this insert runs.
    pub fn cql(&self) -> Result<String, QueryError> {
        Ok(self.statement()?.render())
    }

    /// The statement's shape, or why the server would refuse it.
    fn statement(&self) -> Result<Statement, QueryError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        check_not_counter_table::<M>()?;
        if self.if_not_exists && self.using.timestamp.is_some() {
            return Err(QueryError::TimestampOnConditionalWrite {
                model: M::TABLE.model,
            });
        }
        let mut statement = if self.statics_only {
            insert_statics(M::TABLE)?
        } else {
            Statement::insert(M::TABLE)
        };
        statement.using = self.using.shape();
        if self.if_not_exists {
            statement.guard = Guard::NotExists;
        }
        Ok(statement)
    }

    /// The statement [`execute`](Self::execute) sends: rendered once per shape.
    fn fixed(&self) -> Result<&'static StaticStatement, QueryError> {
        self.statement().map(crate::cql::fixed)
    }

    /// What [`execute`](Self::execute) will send, without contacting the server; see
    /// [`crate::explain`].
    pub fn explain(&self) -> Result<Explain, QueryError> {
        Ok(Explain::single(
            self.fixed()?.cql().to_owned(),
            None,
            StatementCount::One,
            &self.options,
        ))
    }

    fn values(&self) -> InsertValues<'a, M> {
        InsertValues {
            model: self.model,
            now: M::__HAS_TIMESTAMPS.then(now),
            using: self.using,
        }
    }

    /// Runs the insert.
    pub fn execute(self, db: &Db) -> impl Future<Output = Result<()>> + Send {
        let consistency = self.options.consistency;
        crate::trace::write(db, M::TABLE, "insert", "INSERT", consistency, async move {
            let statement = self.fixed()?;
            hook_verdict(M::TABLE, "insert", self.model.before_insert())?;
            db.execute_write(Cql::Static(statement), self.values(), &self.options)
                .await?;
            self.model.after_insert();
            Ok(())
        })
    }
}

impl<M: Model> InsertIfNotExists<'_, M> {
    /// See [`Insert::ttl`].
    pub fn ttl(self, seconds: i32) -> Self {
        InsertIfNotExists(self.0.ttl(seconds))
    }

    /// The CQL this insert runs.
    pub fn cql(&self) -> Result<String, QueryError> {
        self.0.cql()
    }

    /// What [`execute`](Self::execute) will send: one conditional, not idempotent
    /// statement.
    pub fn explain(&self) -> Result<Explain, QueryError> {
        self.0.explain()
    }

    /// Runs the insert; tells whether it applied and, if not, the existing row.
    pub fn execute(self, db: &Db) -> impl Future<Output = Result<Inserted<M>>> + Send {
        let consistency = self.0.options.consistency;
        let run = self.run(db);
        crate::trace::write(
            db,
            M::TABLE,
            "insert if not exists",
            "INSERT",
            consistency,
            run,
        )
    }

    async fn run(self, db: &Db) -> Result<Inserted<M>> {
        let insert = self.0;
        let statement = insert.fixed()?;
        hook_verdict(M::TABLE, "insert", insert.model.before_insert())?;
        let result = db
            .execute(Cql::Static(statement), insert.values(), &insert.options)
            .await?;
        let row =
            crate::query::rows::first::<LwtRow<M>>(M::TABLE.model, Cql::Static(statement), result)?
                .ok_or_else(|| Error::Rows {
                    model: M::TABLE.model,
                    cql: statement.cql().into(),
                    source: crate::error::RowsReadError::MissingLwtResult,
                })?;
        if row.applied {
            insert.model.after_insert();
        }
        Ok(Inserted {
            applied: row.applied,
            existing: if row.applied { None } else { row.row },
        })
    }
}

crate::options::configure_by_options_field!(impl[M] Insert<'_, M>);

impl<M> Configure for InsertIfNotExists<'_, M> {
    fn options(&self) -> &StatementOptions {
        &self.0.options
    }

    fn options_mut(&mut self) -> &mut StatementOptions {
        &mut self.0.options
    }
}

impl<'a, M: Model> IntoBatchItem<'a> for Insert<'a, M> {
    fn into_batch_item(self) -> Result<BatchItem<'a>> {
        let statement = self.fixed()?;
        hook_verdict(M::TABLE, "insert", self.model.before_insert())?;
        Ok(BatchItem::new(statement, Box::new(self.values())))
    }
}

/// The plain insert of [`Model::insert`]: one statement per model, prepared once.
pub(crate) async fn insert_row<M: Model>(model: &M, db: &Db) -> Result<()> {
    check_not_counter_table::<M>()?;
    hook_verdict(M::TABLE, "insert", model.before_insert())?;
    let values = InsertValues {
        model,
        now: M::__HAS_TIMESTAMPS.then(now),
        using: Using::default(),
    };
    let statement = Cql::Static(&M::__statements().insert);
    db.execute_write(statement, values, &UNSET).await?;
    model.after_insert();
    Ok(())
}

/// `INSERT INTO t (<partition key>, <static columns>) VALUES (...)`.
fn insert_statics(table: &TableMeta) -> Result<Statement, QueryError> {
    let statics = table.columns.iter().filter(|c| c.role == KeyRole::Static);
    if statics.clone().next().is_none() {
        return Err(QueryError::NoStaticColumns { model: table.model });
    }
    let columns = table.partition_key().chain(statics).map(|c| c.name);
    Ok(Statement::new(table, Action::Insert(columns.collect())))
}

/// Counter columns cannot be inserted, only incremented.
fn check_not_counter_table<M: Model>() -> Result<(), QueryError> {
    if M::TABLE.is_counter_table() {
        Err(QueryError::CounterTableInsert {
            model: M::TABLE.model,
        })
    } else {
        Ok(())
    }
}

/// A model row plus the write's automatic timestamps and `USING` values.
struct InsertValues<'a, M> {
    model: &'a M,
    now: Option<CqlTimestamp>,
    using: Using,
}

impl<M: Model> SerializeRow for InsertValues<'_, M> {
    fn serialize(
        &self,
        ctx: &RowSerializationContext<'_>,
        writer: &mut RowWriter<'_>,
    ) -> Result<(), SerializationError> {
        let extras: [(&'static str, &dyn SerializeValue); 2] = [
            ("[ttl]", &self.using.ttl),
            ("[timestamp]", &self.using.timestamp),
        ];
        self.model.__visit_values(self.now.as_ref(), &mut |values| {
            serialize_by_name(M::TABLE.model, values, &extras, ctx, writer)
        })
    }

    fn is_empty(&self) -> bool {
        false
    }
}
