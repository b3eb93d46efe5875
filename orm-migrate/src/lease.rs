//! The migration lease: one row of the lease table, taken with a lightweight transaction
//! and kept alive by renewing its TTL, so two migrators never run at once and a crashed
//! one blocks the others for one TTL at most.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use orm_core::Db;
use scylla::value::{CqlValue, Row};

use crate::error::{MigrateError, Result};
use crate::record::{LEASE_TABLE, now};

/// The key of the one lease row.
const LEASE_NAME: &str = "migrate";

/// A held lease; [`Lease::release`] gives it back (dropping it stops the renewal and lets
/// the row expire).
pub(crate) struct Lease {
    db: Db,
    keyspace: String,
    owner: String,
    lost: Arc<AtomicBool>,
    renewal: tokio::task::JoinHandle<()>,
}

impl Lease {
    /// Takes the lease, waiting up to `wait` while another migrator holds it.
    pub(crate) async fn acquire(
        db: &Db,
        keyspace: &str,
        owner: &str,
        ttl: Duration,
        wait: Duration,
    ) -> Result<Lease> {
        let started = Instant::now();
        let ttl_secs = ttl.as_secs().max(1) as i32;
        let insert = format!(
            "INSERT INTO \"{keyspace}\".\"{LEASE_TABLE}\" (name, owner, since) VALUES (?, ?, ?) \
             IF NOT EXISTS USING TTL ?"
        );
        let mut pause = Duration::from_millis(100);
        loop {
            let result = db
                .query_unpaged(insert.clone(), (LEASE_NAME, owner, now(), ttl_secs))
                .await?;
            let (applied, holder) = lwt_outcome(result)?;
            if applied {
                break;
            }
            if started.elapsed() >= wait {
                return Err(MigrateError::LeaseBusy {
                    keyspace: keyspace.to_owned(),
                    owner: holder.unwrap_or_else(|| "unknown".into()),
                    waited: started.elapsed(),
                });
            }
            tracing::info!(holder = ?holder, "waiting for the migration lease");
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(1));
        }
        let lost = Arc::new(AtomicBool::new(false));
        let renewal = tokio::spawn(renew(
            db.clone(),
            keyspace.to_owned(),
            owner.to_owned(),
            ttl,
            lost.clone(),
        ));
        Ok(Lease {
            db: db.clone(),
            keyspace: keyspace.to_owned(),
            owner: owner.to_owned(),
            lost,
            renewal,
        })
    }

    /// Fails when the lease could not be renewed: the caller must stop before its next
    /// statement, since another migrator may hold the lease now.
    pub(crate) fn check(&self) -> Result<()> {
        if self.lost.load(Ordering::SeqCst) {
            return Err(MigrateError::LeaseLost(self.keyspace.clone()));
        }
        Ok(())
    }

    /// Stops renewing and deletes the row if this migrator still owns it.
    pub(crate) async fn release(self) -> Result<()> {
        self.renewal.abort();
        let delete = format!(
            "DELETE FROM \"{}\".\"{LEASE_TABLE}\" WHERE name = ? IF owner = ?",
            self.keyspace
        );
        self.db
            .query_unpaged(delete, (LEASE_NAME, &self.owner))
            .await?;
        Ok(())
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.renewal.abort();
    }
}

/// Renews the lease every third of its TTL, while this migrator still owns it.
async fn renew(db: Db, keyspace: String, owner: String, ttl: Duration, lost: Arc<AtomicBool>) {
    let ttl_secs = ttl.as_secs().max(1) as i32;
    let update = format!(
        "UPDATE \"{keyspace}\".\"{LEASE_TABLE}\" USING TTL ? SET owner = ?, since = ? \
         WHERE name = ? IF owner = ?"
    );
    loop {
        tokio::time::sleep(ttl / 3).await;
        let renewed = db
            .query_unpaged(
                update.clone(),
                (ttl_secs, &owner, now(), LEASE_NAME, &owner),
            )
            .await
            .map_err(MigrateError::from)
            .and_then(lwt_outcome);
        match renewed {
            Ok((true, _)) => {}
            Ok((false, holder)) => {
                tracing::warn!(holder = ?holder, "the migration lease was taken by another migrator");
                lost.store(true, Ordering::SeqCst);
                return;
            }
            // A failed renewal may be transient: the next one may still come in time.
            Err(error) => tracing::warn!(%error, "renewing the migration lease failed"),
        }
    }
}

/// `[applied]` of a lightweight transaction and, when not applied, the current owner.
fn lwt_outcome(
    result: scylla::response::query_result::QueryResult,
) -> Result<(bool, Option<String>)> {
    let rows = result
        .into_rows_result()
        .map_err(|e| MigrateError::Blocked(format!("unexpected response: {e}")))?;
    let columns: Vec<String> = rows
        .column_specs()
        .iter()
        .map(|spec| spec.name().to_owned())
        .collect();
    let row = rows
        .rows::<Row>()
        .map_err(|e| MigrateError::Blocked(format!("unexpected response: {e}")))?
        .next()
        .ok_or_else(|| MigrateError::Blocked("a lightweight transaction returned no row".into()))?
        .map_err(|e| MigrateError::Blocked(format!("unexpected response: {e}")))?;
    let applied = matches!(row.columns.first(), Some(Some(CqlValue::Boolean(true))));
    let owner = columns
        .iter()
        .position(|name| name == "owner")
        .and_then(|at| row.columns.get(at).cloned().flatten())
        .and_then(|value| match value {
            CqlValue::Text(text) => Some(text),
            _ => None,
        });
    Ok((applied, owner))
}
