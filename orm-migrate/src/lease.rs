//! The migration lease: one row of the lease table, taken with a lightweight transaction
//! and kept alive by renewing its TTL, so two migrators never run at once and a crashed
//! one blocks the others for one TTL at most.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
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
    /// When the lease was taken.
    taken: Instant,
    /// Milliseconds after `taken` of the last successful renewal.
    renewed: Arc<AtomicU64>,
    ttl: Duration,
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
        let taken = loop {
            // The TTL counts from when the statement was sent, at the latest.
            let sent = Instant::now();
            let result = db
                .query_unpaged(insert.clone(), (LEASE_NAME, owner, now(), ttl_secs))
                .await?;
            let (applied, holder) = lwt_outcome(result)?;
            if applied {
                break sent;
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
        };
        let lost = Arc::new(AtomicBool::new(false));
        let renewed = Arc::new(AtomicU64::new(0));
        let renewal = tokio::spawn(
            Renewal {
                db: db.clone(),
                keyspace: keyspace.to_owned(),
                owner: owner.to_owned(),
                ttl,
                lost: lost.clone(),
                taken,
                renewed: renewed.clone(),
            }
            .run(),
        );
        Ok(Lease {
            db: db.clone(),
            keyspace: keyspace.to_owned(),
            owner: owner.to_owned(),
            lost,
            taken,
            renewed,
            ttl,
            renewal,
        })
    }

    /// Fails when the lease was taken by another migrator, or when it has not been renewed
    /// for two thirds of its TTL (it may expire during the next statement): the caller
    /// must stop before its next statement.
    pub(crate) fn check(&self) -> Result<()> {
        let since_renewal = self
            .taken
            .elapsed()
            .saturating_sub(Duration::from_millis(self.renewed.load(Ordering::SeqCst)));
        if self.lost.load(Ordering::SeqCst) || since_renewal > self.ttl * 2 / 3 {
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

/// The migrator that holds the lease of `keyspace`, if one does.
pub(crate) async fn holder(db: &Db, keyspace: &str) -> Result<Option<String>> {
    if !crate::record::table_exists(db, keyspace, LEASE_TABLE).await? {
        return Ok(None);
    }
    let select = format!("SELECT owner FROM \"{keyspace}\".\"{LEASE_TABLE}\" WHERE name = ?");
    let result = db.query_unpaged(select, (LEASE_NAME,)).await?;
    Ok(crate::record::rows(result)?
        .next()
        .and_then(|row| row.columns.into_iter().next().flatten())
        .and_then(|value| match value {
            CqlValue::Text(text) => Some(text),
            _ => None,
        }))
}

/// What the renewal task needs.
struct Renewal {
    db: Db,
    keyspace: String,
    owner: String,
    ttl: Duration,
    lost: Arc<AtomicBool>,
    taken: Instant,
    renewed: Arc<AtomicU64>,
}

impl Renewal {
    /// Renews the lease every third of its TTL, while this migrator still owns it.
    async fn run(self) {
        let ttl_secs = self.ttl.as_secs().max(1) as i32;
        let update = format!(
            "UPDATE \"{}\".\"{LEASE_TABLE}\" USING TTL ? SET owner = ?, since = ? \
             WHERE name = ? IF owner = ?",
            self.keyspace
        );
        loop {
            tokio::time::sleep(self.ttl / 3).await;
            let sent = self.taken.elapsed();
            let renewed = self
                .db
                .query_unpaged(
                    update.clone(),
                    (ttl_secs, &self.owner, now(), LEASE_NAME, &self.owner),
                )
                .await
                .map_err(MigrateError::from)
                .and_then(lwt_outcome);
            match renewed {
                // The new TTL counts from when the renewal was sent, at the latest.
                Ok((true, _)) => self
                    .renewed
                    .store(sent.as_millis() as u64, Ordering::SeqCst),
                Ok((false, holder)) => {
                    tracing::warn!(holder = ?holder, "the migration lease was taken by another migrator");
                    self.lost.store(true, Ordering::SeqCst);
                    return;
                }
                // A failed renewal may be transient: the next one may still come in time
                // (`Lease::check` stops the run if none does).
                Err(error) => tracing::warn!(%error, "renewing the migration lease failed"),
            }
        }
    }
}

/// `[applied]` of a lightweight transaction and, when not applied, the current owner.
fn lwt_outcome(
    result: scylla::response::query_result::QueryResult,
) -> Result<(bool, Option<String>)> {
    let rows = result
        .into_rows_result()
        .map_err(MigrateError::unexpected_response)?;
    let owner_at = rows
        .column_specs()
        .iter()
        .position(|spec| spec.name() == "owner");
    let row = rows
        .rows::<Row>()
        .map_err(MigrateError::unexpected_response)?
        .next()
        .ok_or_else(|| MigrateError::Blocked("a lightweight transaction returned no row".into()))?
        .map_err(MigrateError::unexpected_response)?;
    let applied = matches!(row.columns.first(), Some(Some(CqlValue::Boolean(true))));
    let owner = owner_at
        .and_then(|at| row.columns.get(at).cloned().flatten())
        .and_then(|value| match value {
            CqlValue::Text(text) => Some(text),
            _ => None,
        });
    Ok((applied, owner))
}
