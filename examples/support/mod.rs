//! What the example programs share: a session on a keyspace of their own.

use orm_core::Db;
use orm_core::schema::Replication;

/// A session on the server at `SCYLLA_URI` (default `127.0.0.1:9042`) using `keyspace`,
/// created with replication factor 1 if missing, so each example runs on a bare server
/// and keeps its tables apart from the other examples'.
pub async fn connect(keyspace: &str) -> Result<Db, Box<dyn std::error::Error>> {
    let uri = std::env::var("SCYLLA_URI").unwrap_or_else(|_| "127.0.0.1:9042".to_owned());
    let db = Db::connect(&uri).await?;
    db.create_keyspace(keyspace, &Replication::Simple(1))
        .await?;
    db.use_keyspace(keyspace).await?;
    Ok(db)
}
