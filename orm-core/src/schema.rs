//! Creating keyspaces and tables from models.

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
        let name = checked_keyspace(keyspace)?;
        let cql = format!(
            "CREATE KEYSPACE IF NOT EXISTS {name} WITH replication = {}",
            replication.to_cql()?
        );
        self.query_unpaged(cql, ()).await?;
        Ok(())
    }

    /// Drops `keyspace` and all its data, if it exists.
    pub async fn drop_keyspace(&self, keyspace: &str) -> Result<()> {
        let name = checked_keyspace(keyspace)?;
        self.query_unpaged(format!("DROP KEYSPACE IF EXISTS {name}"), ())
            .await?;
        Ok(())
    }
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
