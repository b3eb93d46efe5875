//! The schema of an application and how the server's schema is brought to it.
//!
//! - [`Schema`]: one keyspace and the models (with their UDTs and indexes) that live in it;
//! - [`LiveKeyspace`]: what the server has, read from `system_schema`;
//! - [`Schema::diff`] / [`Schema::plan`]: the [`Plan`] of changes, each [`Step`] safe to run
//!   or each [`Refusal`] saying why not and what to do by hand;
//! - [`Schema::sync`]: runs the safe steps, waiting for schema agreement after each.
//!
//! Safe means the statement loses no data and CQL can do it: create a keyspace, type,
//! table or index, add a column or a UDT field, set `default_time_to_live`. Refused: any
//! change to a primary key, a clustering order or a type, a counter column in a table of
//! other columns (or the reverse), a column, field or table on the server that the models
//! lack (nothing is ever dropped), a model pinned to another keyspace. Options given as
//! free CQL (`#[orm(table_options = "...")]`) are applied when a table is created and not
//! compared after; neither is an existing keyspace's replication, nor an index on the
//! server that no model declares (left in place).
//!
//! # Example
//! ```no_run
//! # async fn run() -> orm_core::Result<()> {
//! use orm_core::{Db, Model};
//! use orm_core::schema::{Replication, Schema};
//!
//! #[derive(Model)]
//! struct User {
//!     #[orm(partition_key)]
//!     id: i64,
//!     #[orm(index)]
//!     email: String,
//! }
//!
//! let db = Db::connect("127.0.0.1:9042").await?;
//! let schema = Schema::new("app", Replication::Simple(1)).model::<User>();
//! print!("{}", schema.diff(&db).await?); // dry run: the CQL sync would run
//! schema.sync(&db).await?;
//! assert!(schema.diff(&db).await?.is_empty());
//! # Ok(())
//! # }
//! ```

mod app;
mod diff;
mod live;
mod plan;
mod sync;

pub use app::Schema;
pub use live::{LiveColumn, LiveKeyspace, LiveTable, LiveUdt};
pub use plan::{Plan, Refusal, Step, StepKind};
pub use sync::SyncOptions;

use crate::db::Db;
use crate::error::{Error, Result};
use crate::ident::{is_plain_name, quoted};

/// How a keyspace replicates its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replication {
    /// `SimpleStrategy` with this replication factor: for one data center (and tests).
    Simple(u32),
    /// `NetworkTopologyStrategy` with a replication factor per data center.
    NetworkTopology(Vec<(String, u32)>),
}

impl Replication {
    /// Checks the data-center names (they are string literals in CQL).
    pub(crate) fn check(&self) -> Result<()> {
        self.to_cql().map(drop)
    }

    fn to_cql(&self) -> Result<String> {
        Ok(match self {
            Replication::Simple(factor) => {
                format!("{{'class': 'SimpleStrategy', 'replication_factor': {factor}}}")
            }
            Replication::NetworkTopology(centers) => {
                let mut out = String::from("{'class': 'NetworkTopologyStrategy'");
                for (center, factor) in centers {
                    // Data-center names are string literals in this map: accept only the
                    // characters real names use, so no quoting rules are needed.
                    let plain = !center.is_empty()
                        && center
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b));
                    if !plain {
                        return Err(Error::InvalidName {
                            kind: "data center",
                            name: center.clone(),
                        });
                    }
                    out.push_str(&format!(", '{center}': {factor}"));
                }
                out.push('}');
                out
            }
        })
    }
}

impl Db {
    /// Creates `keyspace` if it does not exist yet.
    ///
    /// # Example
    /// ```no_run
    /// # async fn run(db: &orm_core::Db) -> orm_core::Result<()> {
    /// use orm_core::schema::Replication;
    ///
    /// db.create_keyspace("blog", &Replication::Simple(1)).await?;
    /// db.use_keyspace("blog").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn create_keyspace(&self, keyspace: &str, replication: &Replication) -> Result<()> {
        checked_keyspace(keyspace)?;
        replication.to_cql()?;
        self.query_unpaged(create_keyspace_cql(keyspace, replication), ())
            .await?;
        Ok(())
    }

    /// Drops `keyspace` and all its data, if it exists.
    pub async fn drop_keyspace(&self, keyspace: &str) -> Result<()> {
        checked_keyspace(keyspace)?;
        self.query_unpaged(crate::cql::ddl::drop_keyspace(keyspace), ())
            .await?;
        Ok(())
    }
}

/// `CREATE KEYSPACE IF NOT EXISTS`, for a keyspace name and replication already checked
/// (a data-center name the check refuses is left out).
fn create_keyspace_cql(keyspace: &str, replication: &Replication) -> String {
    crate::cql::ddl::create_keyspace(keyspace, &replication.to_cql().unwrap_or_default())
}

fn checked_keyspace(keyspace: &str) -> Result<String> {
    if is_plain_name(keyspace) {
        Ok(quoted(keyspace).to_string())
    } else {
        Err(Error::InvalidName {
            kind: "keyspace",
            name: keyspace.to_owned(),
        })
    }
}

/// Which CQL server a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerKind {
    /// ScyllaDB: ScyllaDB-only CQL (tablets options, `USING TIMEOUT`, ...) is available.
    ScyllaDb,
    /// Apache Cassandra (or another server without ScyllaDB's extensions).
    Cassandra,
}

impl Db {
    /// Asks the server what it is: ScyllaDB's `system.local` has a `supported_features`
    /// column, Cassandra's does not.
    pub async fn server_kind(&self) -> Result<ServerKind> {
        let result = self
            .query_unpaged("SELECT * FROM system.local WHERE key = 'local'", ())
            .await?;
        let rows = result.into_rows_result().map_err(|e| Error::Rows {
            model: "system.local",
            cql: "SELECT * FROM system.local WHERE key = 'local'".into(),
            source: Box::new(e).into(),
        })?;
        let scylla = rows
            .column_specs()
            .iter()
            .any(|spec| spec.name() == "supported_features");
        Ok(if scylla {
            ServerKind::ScyllaDb
        } else {
            ServerKind::Cassandra
        })
    }
}
