//! Running migrations: `status`, `up`, `down` and `resolve`, under the lease.

use std::time::Duration;

use orm_core::Db;

use crate::error::{Failure, MigrateError, Result};
use crate::lease::Lease;
use crate::record::{self, Outcome, Record};
use crate::source::{Body, Migration, Migrations, checksum};
use crate::status::{MigrationStatus, State};

/// How a [`Migrator`] runs.
///
/// # Example
/// ```
/// use std::time::Duration;
/// use orm_migrate::MigratorOptions;
///
/// let options = MigratorOptions::default().lease_wait(Duration::from_secs(30));
/// assert_eq!(options.lease_ttl, Duration::from_secs(30));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MigratorOptions {
    /// How long the lease lives without renewal: a crashed migrator blocks others this
    /// long at most (default 30 s; renewed every third of it).
    pub lease_ttl: Duration,
    /// How long to wait for a lease another migrator holds (default 10 min).
    pub lease_wait: Duration,
    /// How long to wait for schema agreement after each statement (default 60 s).
    pub agreement_timeout: Duration,
}

impl Default for MigratorOptions {
    fn default() -> Self {
        MigratorOptions {
            lease_ttl: Duration::from_secs(30),
            lease_wait: Duration::from_secs(600),
            agreement_timeout: Duration::from_secs(60),
        }
    }
}

impl MigratorOptions {
    /// Sets [`lease_ttl`](MigratorOptions::lease_ttl).
    pub fn lease_ttl(mut self, ttl: Duration) -> Self {
        self.lease_ttl = ttl;
        self
    }

    /// Sets [`lease_wait`](MigratorOptions::lease_wait).
    pub fn lease_wait(mut self, wait: Duration) -> Self {
        self.lease_wait = wait;
        self
    }

    /// Sets [`agreement_timeout`](MigratorOptions::agreement_timeout).
    pub fn agreement_timeout(mut self, timeout: Duration) -> Self {
        self.agreement_timeout = timeout;
        self
    }
}

/// Applies and reverts the [`Migrations`] of one keyspace, recording each in the
/// keyspace's `orm_migrations` table.
///
/// `up` and `down` make the keyspace the session's default (so migrations name tables
/// without it) and hold the keyspace's lease while they run: two migrators started at once
/// apply each migration once.
///
/// # Example
/// ```no_run
/// # async fn run() -> Result<(), orm_migrate::MigrateError> {
/// use orm_core::Db;
/// use orm_migrate::{Migrations, Migrator};
///
/// let db = Db::connect("127.0.0.1:9042").await?;
/// let migrator = Migrator::new(&db, "app", Migrations::new().dir("migrations"));
/// for version in migrator.up(None).await? {
///     println!("applied {version}");
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Migrator {
    db: Db,
    keyspace: String,
    migrations: Migrations,
    options: MigratorOptions,
    owner: String,
}

impl Migrator {
    /// A migrator of `keyspace`.
    pub fn new(db: &Db, keyspace: &str, migrations: Migrations) -> Migrator {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "localhost".into());
        let owner = format!(
            "{}@{host} {}",
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        Migrator {
            db: db.clone(),
            keyspace: keyspace.to_owned(),
            migrations,
            options: MigratorOptions::default(),
            owner,
        }
    }

    /// Sets the options.
    pub fn options(mut self, options: MigratorOptions) -> Migrator {
        self.options = options;
        self
    }

    /// The keyspace.
    pub fn keyspace(&self) -> &str {
        &self.keyspace
    }

    /// Every migration known here or recorded on the server, by version, with its state.
    pub async fn status(&self) -> Result<Vec<MigrationStatus>> {
        let migrations = self.migrations.load()?;
        self.check_keyspace().await?;
        let records = record::read_all(&self.db, &self.keyspace).await?;
        let holder = crate::lease::holder(&self.db, &self.keyspace).await?;
        Ok(crate::status::merge(
            &migrations,
            &records,
            holder.as_deref(),
        ))
    }

    /// Applies the pending migrations in version order, up to `to` (inclusive) when given.
    /// A migration that failed (or was interrupted) resumes at the statement that failed.
    /// Returns the versions it applied.
    ///
    /// # Errors
    /// - [`MigrateError::BadInput`] / [`MigrateError::MissingKeyspace`]: nothing ran;
    /// - [`MigrateError::ChecksumMismatch`]: an applied migration changed; nothing ran;
    /// - [`MigrateError::Blocked`]: a record must be settled first; nothing ran;
    /// - [`MigrateError::Failed`]: a migration failed; the ones before it are applied and
    ///   its record names the statement and the error.
    pub async fn up(&self, to: Option<i64>) -> Result<Vec<i64>> {
        self.leased(async |held| self.up_leased(held, to).await)
            .await
    }

    /// Reverts applied migrations newest first: those above `to`, or only the last one
    /// when `to` is `None`. Each needs a down file (or function); if one lacks it, nothing
    /// runs. Returns the versions it reverted.
    pub async fn down(&self, to: Option<i64>) -> Result<Vec<i64>> {
        self.leased(async |held| self.down_leased(held, to).await)
            .await
    }

    /// Marks a failed or interrupted migration applied, after its remaining statements
    /// were run (or made unnecessary) by hand. Its current checksum is recorded.
    pub async fn resolve(&self, version: i64) -> Result<()> {
        self.leased(async |held| self.resolve_leased(held, version).await)
            .await
    }

    /// Loads the migrations, makes sure the keyspace and the record tables exist, then
    /// reads the records and runs `run` holding the lease, which is released whether `run`
    /// succeeds or not (`run`'s error first when both fail).
    async fn leased<T>(&self, run: impl AsyncFnOnce(&Held<'_>) -> Result<T>) -> Result<T> {
        let migrations = self.migrations.load()?;
        self.prepare().await?;
        let lease = self.lease().await?;
        let outcome = async {
            // Read under the lease: what another migrator applied before is seen here.
            let records = record::read_all(&self.db, &self.keyspace).await?;
            run(&Held {
                migrations: &migrations,
                records,
                lease: &lease,
            })
            .await
        }
        .await;
        let released = lease.release().await;
        let value = outcome?;
        released?;
        Ok(value)
    }

    async fn check_keyspace(&self) -> Result<()> {
        if !orm_core::ident::is_plain_name(&self.keyspace) {
            return Err(MigrateError::BadInput(format!(
                "`{}` is not a keyspace name (letters, digits and _)",
                self.keyspace
            )));
        }
        if !record::keyspace_exists(&self.db, &self.keyspace).await? {
            return Err(MigrateError::MissingKeyspace(self.keyspace.clone()));
        }
        Ok(())
    }

    async fn prepare(&self) -> Result<()> {
        self.check_keyspace().await?;
        record::create_tables(&self.db, &self.keyspace).await?;
        self.db.use_keyspace(&self.keyspace).await?;
        Ok(())
    }

    async fn lease(&self) -> Result<Lease> {
        Lease::acquire(
            &self.db,
            &self.keyspace,
            &self.owner,
            self.options.lease_ttl,
            self.options.lease_wait,
        )
        .await
    }

    async fn up_leased(&self, held: &Held<'_>, to: Option<i64>) -> Result<Vec<i64>> {
        let (migrations, records) = (held.migrations, &held.records);
        let changed: Vec<String> = crate::status::merge(migrations, records, Some(&self.owner))
            .into_iter()
            .filter(|status| status.state == State::Changed)
            .map(|status| format!("{:04} {}", status.version, status.name))
            .collect();
        if !changed.is_empty() {
            return Err(MigrateError::ChecksumMismatch(changed));
        }
        if let Some(record) = records.iter().find(|r| r.outcome == Outcome::DownFailed) {
            return Err(MigrateError::Blocked(format!(
                "the down migration of {} ({}) failed; run `down` again once fixed, or `resolve {}` to keep it applied",
                record.version, record.name, record.version
            )));
        }
        let last_applied = records
            .iter()
            .filter(|r| r.outcome == Outcome::Applied)
            .map(|r| r.version)
            .max();
        let pending: Vec<&Migration> = migrations
            .iter()
            .filter(|m| to.is_none_or(|to| m.version <= to))
            .filter(|m| {
                records
                    .iter()
                    .find(|r| r.version == m.version)
                    .is_none_or(|r| r.outcome != Outcome::Applied)
            })
            .collect();
        if let (Some(first), Some(last)) = (pending.first(), last_applied)
            && first.version < last
        {
            return Err(MigrateError::Blocked(format!(
                "migration {} ({}) is older than {last}, which is applied: give it a version above {last}",
                first.version, first.name
            )));
        }
        let mut applied = Vec::new();
        for migration in pending {
            let record = records.iter().find(|r| r.version == migration.version);
            if let Err(mut error) = self.apply(migration, record, held.lease).await {
                if let MigrateError::Failed(failure) = &mut error {
                    failure.done.clone_from(&applied);
                }
                return Err(error);
            }
            applied.push(migration.version);
        }
        Ok(applied)
    }

    /// Runs one migration (from the statement its record stopped at) and records it.
    async fn apply(
        &self,
        migration: &Migration,
        record: Option<&Record>,
        lease: &Lease,
    ) -> Result<()> {
        let mut progress = Record {
            version: migration.version,
            name: migration.name.clone(),
            checksum: migration.checksum.clone(),
            outcome: Outcome::Running,
            statements_done: 0,
            done_checksum: checksum(&[]),
            failed_statement: None,
            failed_cql: None,
            error: None,
            at: record::now(),
            by: self.owner.clone(),
        };
        match &migration.body {
            Body::Cql { path, up, .. } => {
                let start = self.resume_at(migration, up, record)?;
                if start > 0 {
                    tracing::info!(
                        version = migration.version,
                        statement = start + 1,
                        "resuming"
                    );
                }
                progress.statements_done = start as i32;
                progress.done_checksum = checksum(&up[..start]);
                record::write(&self.db, &self.keyspace, &progress).await?;
                for (index, statement) in up.iter().enumerate().skip(start) {
                    lease.check()?;
                    if let Err(error) = self.run_statement(statement).await {
                        let ran = match index {
                            0 => "none before it ran".to_owned(),
                            1 => "statement 1 ran and will not run again".to_owned(),
                            n => format!("statements 1 to {n} ran and will not run again"),
                        };
                        let advice = format!(
                            "fix statement {} of {} ({ran}) and run `up` again: it resumes at that \
                             statement; or finish by hand and run `resolve {}`",
                            index + 1,
                            path.display(),
                            migration.version
                        );
                        return Err(self
                            .record_failure(
                                progress,
                                Some((index, statement.clone())),
                                error,
                                advice,
                            )
                            .await);
                    }
                    progress.statements_done = index as i32 + 1;
                    progress.done_checksum = checksum(&up[..=index]);
                    progress.at = record::now();
                    record::write(&self.db, &self.keyspace, &progress).await?;
                }
            }
            Body::Rust { up, .. } => {
                record::write(&self.db, &self.keyspace, &progress).await?;
                lease.check()?;
                if let Err(error) = up(&self.db).await {
                    let advice = format!(
                        "fix the function and run `up` again (it runs again from its start), or finish by hand and run `resolve {}`",
                        migration.version
                    );
                    return Err(self
                        .record_failure(progress, None, error.to_string(), advice)
                        .await);
                }
            }
        }
        progress.outcome = Outcome::Applied;
        progress.at = record::now();
        record::write(&self.db, &self.keyspace, &progress).await?;
        tracing::info!(version = migration.version, name = %migration.name, "applied");
        Ok(())
    }

    /// Where a `.cql` migration starts: 0, or where its failed (or interrupted) run stopped
    /// if the statements that ran are unchanged.
    fn resume_at(
        &self,
        migration: &Migration,
        up: &[String],
        record: Option<&Record>,
    ) -> Result<usize> {
        let Some(record) = record else { return Ok(0) };
        let done = usize::try_from(record.statements_done).unwrap_or(0);
        if done == 0 {
            return Ok(0);
        }
        if done > up.len() || checksum(&up[..done]) != record.done_checksum {
            return Err(MigrateError::Blocked(format!(
                "migration {} ({}) stopped after statement {done}, and statements 1 to {done} changed since they ran: \
                 restore them (only later ones may change), or finish by hand and run `resolve {}`",
                migration.version, migration.name, migration.version
            )));
        }
        Ok(done)
    }

    async fn run_statement(&self, statement: &str) -> std::result::Result<(), String> {
        self.db
            .query_unpaged(statement.to_owned(), ())
            .await
            .map_err(|error| chain(&error))?;
        let agreement = self.db.session().await_schema_agreement();
        match tokio::time::timeout(self.options.agreement_timeout, agreement).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(error)) => Err(format!("no schema agreement after the statement: {error}")),
            Err(_) => Err(format!(
                "no schema agreement within {:?} after the statement",
                self.options.agreement_timeout
            )),
        }
    }

    async fn record_failure(
        &self,
        mut progress: Record,
        statement: Option<(usize, String)>,
        error: String,
        advice: String,
    ) -> MigrateError {
        progress.outcome = Outcome::Failed;
        progress.failed_statement = statement.as_ref().map(|(index, _)| *index as i32);
        progress.failed_cql = statement.as_ref().map(|(_, cql)| cql.clone());
        progress.error = Some(error.clone());
        progress.at = record::now();
        if let Err(write_error) = record::write(&self.db, &self.keyspace, &progress).await {
            tracing::error!(%write_error, "recording the failure failed");
        }
        MigrateError::Failed(Box::new(Failure {
            version: progress.version,
            name: progress.name,
            statement,
            error,
            advice,
            done: Vec::new(),
        }))
    }

    async fn down_leased(&self, held: &Held<'_>, to: Option<i64>) -> Result<Vec<i64>> {
        let (migrations, records) = (held.migrations, &held.records);
        if let Some(record) = records
            .iter()
            .find(|r| matches!(r.outcome, Outcome::Failed | Outcome::Running))
        {
            return Err(MigrateError::Blocked(format!(
                "migration {} ({}) stopped midway: run `up` to finish it or `resolve {}` before reverting",
                record.version, record.name, record.version
            )));
        }
        let mut targets: Vec<&Record> = records.iter().rev().collect();
        match to {
            Some(to) => targets.retain(|r| r.version > to),
            None => targets.truncate(1),
        }
        let mut plan = Vec::new();
        for record in targets {
            let migration = migrations
                .iter()
                .find(|m| m.version == record.version && m.has_down())
                .ok_or_else(|| {
                    MigrateError::Blocked(format!(
                        "migration {} ({}) has no down file or function: nothing was reverted",
                        record.version, record.name
                    ))
                })?;
            plan.push((migration, record));
        }
        let mut reverted = Vec::new();
        for (migration, record) in plan {
            let failure = match &migration.body {
                Body::Cql {
                    path,
                    down: Some(down),
                    ..
                } => {
                    let mut failure = None;
                    for (index, statement) in down.iter().enumerate() {
                        held.lease.check()?;
                        if let Err(error) = self.run_statement(statement).await {
                            failure = Some((
                                Some((index, statement.clone())),
                                error,
                                path.display().to_string(),
                            ));
                            break;
                        }
                    }
                    failure
                }
                Body::Rust {
                    down: Some(down), ..
                } => {
                    held.lease.check()?;
                    down(&self.db)
                        .await
                        .err()
                        .map(|error| (None, error.to_string(), "the down function".into()))
                }
                _ => None,
            };
            if let Some((statement, error, source)) = failure {
                let mut failed = record.clone();
                failed.outcome = Outcome::DownFailed;
                failed.failed_statement = statement.as_ref().map(|(index, _)| *index as i32);
                failed.failed_cql = statement.as_ref().map(|(_, cql)| cql.clone());
                failed.error = Some(error.clone());
                failed.at = record::now();
                record::write(&self.db, &self.keyspace, &failed).await?;
                return Err(MigrateError::Failed(Box::new(Failure {
                    version: record.version,
                    name: record.name.clone(),
                    statement,
                    error,
                    advice: format!(
                        "the down migration stopped; fix {source} and run `down` again (it runs from its start, \
                         so write it with IF EXISTS), or `resolve {}` to keep the migration applied",
                        record.version
                    ),
                    done: reverted,
                })));
            }
            record::delete(&self.db, &self.keyspace, record.version).await?;
            tracing::info!(version = record.version, "reverted");
            reverted.push(record.version);
        }
        Ok(reverted)
    }

    async fn resolve_leased(&self, held: &Held<'_>, version: i64) -> Result<()> {
        let (migrations, records) = (held.migrations, &held.records);
        let record = records.iter().find(|r| r.version == version);
        let Some(record) = record.filter(|r| r.outcome != Outcome::Applied) else {
            return Err(MigrateError::Blocked(format!(
                "migration {version} has not failed: there is nothing to resolve"
            )));
        };
        let migration = migrations
            .iter()
            .find(|m| m.version == version)
            .ok_or_else(|| {
                MigrateError::Blocked(format!(
                    "migration {version} is not in the folder or the code"
                ))
            })?;
        let mut resolved = record.clone();
        resolved.outcome = Outcome::Applied;
        resolved.checksum = migration.checksum.clone();
        resolved.name = migration.name.clone();
        resolved.error = Some(format!(
            "resolved by hand by {} ({})",
            self.owner,
            record.error.clone().unwrap_or_default()
        ));
        resolved.at = record::now();
        record::write(&self.db, &self.keyspace, &resolved).await
    }
}

/// What `up`, `down` and `resolve` work from while they hold the lease.
struct Held<'a> {
    /// The migrations in the folder or the code.
    migrations: &'a [Migration],
    /// The keyspace's records, read once the lease was taken.
    records: Vec<Record>,
    /// The lease, checked before each statement.
    lease: &'a Lease,
}

/// An error and its sources, joined by `: `.
pub(crate) fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    std::iter::successors(Some(error), |e| e.source())
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
}
