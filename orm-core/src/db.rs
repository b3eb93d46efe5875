//! The database handle: a driver session plus this ORM's prepared-statement tables.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use scylla::client::pager::QueryPager;
use scylla::client::session::Session;
use scylla::response::query_result::QueryResult;
use scylla::response::{PagingState, PagingStateResponse};
use scylla::serialize::row::SerializeRow;
use scylla::statement::prepared::PreparedStatement;

use crate::connect::DEFAULT_REQUEST_TIMEOUT;
use crate::error::{Error, Result};
use crate::idempotence::is_idempotent;
use crate::options::{StatementOptions, UNSET};
use crate::statement::StaticStatement;

/// A handle to the database: cheap to clone, shared by every task of a program.
///
/// Statements are prepared on first use and kept per `Db`, so each statement shape is
/// prepared once per session. Fixed shapes ([`StaticStatement`]: inserts, finds, every
/// write by key, relations' own reads) are found by index; query-builder reads by their
/// CQL text.
///
/// # Example
/// ```no_run
/// # async fn run() -> orm_core::Result<()> {
/// let db = orm_core::Db::connect("127.0.0.1:9042").await?;
/// db.use_keyspace("blog").await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

struct Inner {
    session: Session,
    /// The session's request timeout: what bounds a statement (and its preparation)
    /// that sets no timeout of its own.
    default_timeout: Duration,
    /// Prepared [`StaticStatement`]s, indexed by their slot.
    by_slot: RwLock<Vec<Option<Arc<PreparedStatement>>>>,
    /// Prepared builder statements, by CQL text. Values are always bound, so the number
    /// of texts is bounded by the shapes a program builds.
    by_text: RwLock<HashMap<String, Arc<PreparedStatement>>>,
    /// Held while preparing, striped by statement: concurrent first uses of one
    /// statement (an eager load's 32 parallel fetches) wait for one PREPARE instead of
    /// each sending their own.
    preparing: [tokio::sync::Mutex<()>; PREPARE_STRIPES],
    prepared: AtomicU64,
    executed: AtomicU64,
    /// The slow-operation threshold in microseconds; `u64::MAX`: none.
    slow_us: AtomicU64,
    in_flight: AtomicUsize,
    peak_in_flight: AtomicUsize,
}

const PREPARE_STRIPES: usize = 16;

/// Marks one statement in flight while alive.
struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The text of a statement about to run: fixed, built, or built and already prepared.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cql<'a> {
    Static(&'static StaticStatement),
    Built(&'a str),
    /// A built statement whose prepared form (for this session) the caller kept, so
    /// that many executions of it skip the lookup by text.
    Prepared(&'a str, &'a Arc<PreparedStatement>),
}

impl Cql<'_> {
    pub(crate) fn text(&self) -> &str {
        match self {
            Cql::Static(statement) => statement.cql(),
            Cql::Built(text) | Cql::Prepared(text, _) => text,
        }
    }

    /// The error of a failed execution of this statement.
    pub(crate) fn execute_error(&self, source: scylla::errors::ExecutionError) -> Error {
        Error::Execute {
            cql: self.for_error(),
            source: Box::new(source),
        }
    }

    /// The text for an error value: borrowed when static.
    pub(crate) fn for_error(&self) -> Cow<'static, str> {
        match self {
            Cql::Static(statement) => Cow::Borrowed(statement.cql()),
            Cql::Built(text) | Cql::Prepared(text, _) => Cow::Owned((*text).to_owned()),
        }
    }
}

/// The prepared statement for `cql` with `options`, preparing it on first use, and the
/// statement counted as sent: `(prepared, in-flight guard)`. A macro rather than an
/// `async fn`, so the usual path (prepared already) builds and polls no nested future;
/// preparing, once per statement and session, is boxed so that it does not make every
/// execution's future larger.
macro_rules! prepared {
    ($db:expr, $cql:expr, $options:expr) => {{
        let prepared = match $db.ready($cql, $options)? {
            Some(prepared) => prepared,
            None => Box::pin($db.prepared_for($cql, $options)).await?,
        };
        crate::trace::sending($cql.text());
        (prepared, $db.start_statement())
    }};
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("keyspace", &self.inner.session.get_keyspace())
            .field("statements_executed", &self.statements_executed())
            .finish_non_exhaustive()
    }
}

impl Db {
    /// Opens a session to the nodes at `uri`: `host:port`, or several separated by
    /// commas. [`Db::builder`] sets credentials, TLS, timeouts and policies too.
    pub async fn connect(uri: &str) -> Result<Db> {
        Db::builder().known_nodes(uri).build().await
    }

    /// Wraps a session built with the driver's own
    /// [`SessionBuilder`](scylla::client::session_builder::SessionBuilder), for full
    /// control over its configuration. Its default profile's request timeout bounds
    /// preparation too.
    pub fn from_session(session: Session) -> Db {
        let default_timeout = session
            .get_default_execution_profile_handle()
            .to_profile()
            .get_request_timeout()
            .unwrap_or(DEFAULT_REQUEST_TIMEOUT);
        Db {
            inner: Arc::new(Inner {
                session,
                default_timeout,
                by_slot: RwLock::new(Vec::new()),
                by_text: RwLock::new(HashMap::new()),
                preparing: std::array::from_fn(|_| tokio::sync::Mutex::new(())),
                prepared: AtomicU64::new(0),
                executed: AtomicU64::new(0),
                slow_us: AtomicU64::new(u64::MAX),
                in_flight: AtomicUsize::new(0),
                peak_in_flight: AtomicUsize::new(0),
            }),
        }
    }

    /// The driver session underneath, for anything the ORM does not cover.
    pub fn session(&self) -> &Session {
        &self.inner.session
    }

    /// Makes `keyspace` the default for unqualified table names.
    ///
    /// Statements prepared so far are forgotten, since the server resolved their table
    /// names in the previous keyspace.
    pub async fn use_keyspace(&self, keyspace: &str) -> Result<()> {
        self.inner
            .session
            .use_keyspace(keyspace, true)
            .await
            .map_err(|source| Error::UseKeyspace {
                keyspace: keyspace.to_owned(),
                source: Box::new(source),
            })?;
        write(&self.inner.by_slot).clear();
        write(&self.inner.by_text).clear();
        Ok(())
    }

    /// How many statements this handle (and its clones) has sent to the server; a paged
    /// read counts once per page.
    ///
    /// Useful to check that an operation costs the round trips it promises.
    pub fn statements_executed(&self) -> u64 {
        self.inner.executed.load(Ordering::Relaxed)
    }

    /// How many statements this handle (and its clones) has prepared: each statement
    /// shape once per session (again after [`use_keyspace`](Self::use_keyspace)).
    ///
    /// # Example
    /// ```no_run
    /// # async fn run(db: &orm_core::Db) {
    /// let before = db.statements_prepared();
    /// // ... the same queries a second time prepare nothing:
    /// assert_eq!(db.statements_prepared(), before);
    /// # }
    /// ```
    pub fn statements_prepared(&self) -> u64 {
        self.inner.prepared.load(Ordering::Relaxed)
    }

    /// Runs unprepared CQL, such as schema changes, with bound `values`.
    pub async fn query_unpaged(
        &self,
        cql: impl Into<Cow<'static, str>>,
        values: impl SerializeRow,
    ) -> Result<QueryResult> {
        let cql = cql.into();
        let _in_flight = self.start_statement();
        tracing::debug!(cql = %cql, "query (unprepared)");
        self.inner
            .session
            .query_unpaged(cql.as_ref(), values)
            .await
            .map_err(|source| Error::Execute {
                cql,
                source: Box::new(source),
            })
    }

    /// Executes a fixed-shape statement with `values`, preparing it on first use.
    pub fn execute_static(
        &self,
        statement: &'static StaticStatement,
        values: impl SerializeRow,
    ) -> impl Future<Output = Result<QueryResult>> {
        self.execute(Cql::Static(statement), values, &UNSET)
    }

    /// The prepared form of `statement` for this session, preparing it if needed.
    ///
    /// Tasks racing on the very first use wait for one of them to prepare it.
    pub async fn prepared(
        &self,
        statement: &'static StaticStatement,
    ) -> Result<Arc<PreparedStatement>> {
        self.prepared_static(statement, self.inner.default_timeout)
            .await
    }

    /// [`prepared`](Self::prepared), preparing within `timeout` if needed.
    async fn prepared_static(
        &self,
        statement: &'static StaticStatement,
        timeout: Duration,
    ) -> Result<Arc<PreparedStatement>> {
        let slot = statement.slot();
        let cached = || read(&self.inner.by_slot).get(slot).cloned().flatten();
        if let Some(prepared) = cached() {
            return Ok(prepared);
        }
        let _preparing = self.inner.preparing[slot % PREPARE_STRIPES].lock().await;
        if let Some(prepared) = cached() {
            return Ok(prepared);
        }
        let prepared = self.prepare_now(Cql::Static(statement), timeout).await?;
        let mut table = write(&self.inner.by_slot);
        if table.len() <= slot {
            table.resize(slot + 1, None);
        }
        table[slot] = Some(Arc::clone(&prepared));
        Ok(prepared)
    }

    /// The prepared form of a built statement, preparing it if needed within `timeout`.
    pub(crate) async fn prepared_text(
        &self,
        cql: &str,
        timeout: Duration,
    ) -> Result<Arc<PreparedStatement>> {
        let cached = || read(&self.inner.by_text).get(cql).cloned();
        if let Some(prepared) = cached() {
            return Ok(prepared);
        }
        let stripe = {
            use std::hash::{BuildHasher, RandomState};
            // Any hash spreads texts over the stripes; only the miss path pays for it.
            static STRIPES: std::sync::OnceLock<RandomState> = std::sync::OnceLock::new();
            STRIPES.get_or_init(RandomState::new).hash_one(cql) as usize % PREPARE_STRIPES
        };
        let _preparing = self.inner.preparing[stripe].lock().await;
        if let Some(prepared) = cached() {
            return Ok(prepared);
        }
        let prepared = self.prepare_now(Cql::Built(cql), timeout).await?;
        write(&self.inner.by_text).insert(cql.to_owned(), Arc::clone(&prepared));
        Ok(prepared)
    }

    /// Prepares `cql`, giving up after `timeout` (the driver's PREPARE has no timeout of
    /// its own and waits on a stalled node), and marks it idempotent when it is.
    async fn prepare_now(&self, cql: Cql<'_>, timeout: Duration) -> Result<Arc<PreparedStatement>> {
        tracing::debug!(cql = cql.text(), "preparing");
        self.inner.prepared.fetch_add(1, Ordering::Relaxed);
        let preparing = tokio::time::timeout(timeout, self.inner.session.prepare(cql.text()));
        let mut prepared = match preparing.await {
            Ok(prepared) => prepared.map_err(|source| Error::Prepare {
                cql: cql.for_error(),
                source: Box::new(source),
            })?,
            Err(_) => {
                return Err(Error::Timeout {
                    cql: cql.for_error(),
                    after: timeout,
                });
            }
        };
        prepared.set_is_idempotent(is_idempotent(cql.text()));
        Ok(Arc::new(prepared))
    }

    /// The session's request timeout, which bounds every statement (and its preparation)
    /// that sets no timeout of its own.
    pub fn default_timeout(&self) -> Duration {
        self.inner.default_timeout
    }

    /// What bounds a statement run with `options`: its own timeout, else the session's.
    fn timeout_of(&self, options: &StatementOptions) -> Duration {
        options.timeout.unwrap_or(self.inner.default_timeout)
    }

    /// The prepared statement for `cql`, with `options` applied to a copy when set;
    /// prepares it first if this session has not.
    async fn prepared_for(
        &self,
        cql: Cql<'_>,
        options: &StatementOptions,
    ) -> Result<Arc<PreparedStatement>> {
        options.check()?;
        let prepared = match cql {
            Cql::Static(statement) => {
                self.prepared_static(statement, self.timeout_of(options))
                    .await?
            }
            Cql::Built(text) => self.prepared_text(text, self.timeout_of(options)).await?,
            Cql::Prepared(_, prepared) => Arc::clone(prepared),
        };
        Ok(with_options(prepared, options))
    }

    /// [`prepared_for`](Self::prepared_for) when the statement is prepared already
    /// (`Ok(None)` when it is not). Synchronous, so the usual path builds and polls no
    /// nested future.
    fn ready(
        &self,
        cql: Cql<'_>,
        options: &StatementOptions,
    ) -> Result<Option<Arc<PreparedStatement>>> {
        options.check()?;
        Ok(self
            .cached(cql)
            .map(|prepared| with_options(prepared, options)))
    }

    /// The prepared statement for `cql` if this session has it already.
    fn cached(&self, cql: Cql<'_>) -> Option<Arc<PreparedStatement>> {
        match cql {
            Cql::Static(statement) => read(&self.inner.by_slot)
                .get(statement.slot())
                .and_then(Option::clone),
            Cql::Built(text) => read(&self.inner.by_text).get(text).cloned(),
            Cql::Prepared(_, prepared) => Some(Arc::clone(prepared)),
        }
    }

    /// Executes a statement in one request, without paging.
    pub(crate) fn execute(
        &self,
        cql: Cql<'_>,
        values: impl SerializeRow,
        options: &StatementOptions,
    ) -> impl Future<Output = Result<QueryResult>> {
        self.execute_then(cql, values, options, Ok)
    }

    /// [`execute`](Self::execute) for a write whose result is not read.
    pub(crate) fn execute_write(
        &self,
        cql: Cql<'_>,
        values: impl SerializeRow,
        options: &StatementOptions,
    ) -> impl Future<Output = Result<()>> {
        self.execute_then(cql, values, options, |_| Ok(()))
    }

    /// Executes a statement in one request, without paging, and hands its result to
    /// `then` inside the boxed future below: only what `then` returns moves out through
    /// the futures around it (a write's `()`, a find's row), not the driver's result of
    /// about 250 bytes, copied once per layer.
    pub(crate) async fn execute_then<T>(
        &self,
        cql: Cql<'_>,
        values: impl SerializeRow,
        options: &StatementOptions,
        then: impl FnOnce(QueryResult) -> Result<T>,
    ) -> Result<T> {
        let (prepared, _in_flight) = prepared!(self, cql, options);
        // Boxed: the driver's future is about 4 KB, and every layer around it (the
        // operation's span, the write builder, the caller's task) would otherwise copy it
        // whole each time it moves; one allocation costs less than those copies. What is
        // boxed is a small future that builds the driver's in the box when first polled.
        // It is written into memory allocated first (`Box::write`): `Box::pin(future)`
        // built it on the stack and copied all of its 4 KB (mostly not yet used) into the
        // box, about 400 client instructions per statement (`bench/callgrind.sh`).
        let session = &self.inner.session;
        let sending = Box::write(Box::new_uninit(), async move {
            let result = session
                .execute_unpaged(&prepared, values)
                .await
                .map_err(|source| cql.execute_error(source))?;
            log_tracing(&result);
            then(result)
        });
        Box::into_pin(sending).await
    }

    /// Executes a statement and fetches one page from `paging_state`.
    pub(crate) async fn execute_page(
        &self,
        cql: Cql<'_>,
        values: impl SerializeRow,
        options: &StatementOptions,
        paging_state: PagingState,
    ) -> Result<(QueryResult, PagingStateResponse)> {
        let (prepared, _in_flight) = prepared!(self, cql, options);
        let (result, next) = self
            .inner
            .session
            .execute_single_page(&prepared, values, paging_state)
            .await
            .map_err(|source| cql.execute_error(source))?;
        log_tracing(&result);
        Ok((result, next))
    }

    /// Executes a statement as a pager fetching page after page on demand.
    pub(crate) async fn execute_iter(
        &self,
        cql: Cql<'_>,
        values: impl SerializeRow,
        options: &StatementOptions,
    ) -> Result<QueryPager> {
        let (prepared, _in_flight) = prepared!(self, cql, options);
        self.inner
            .session
            .execute_iter(Arc::unwrap_or_clone(prepared), values)
            .await
            .map_err(|source| Error::Pager {
                cql: cql.for_error(),
                source: Box::new(source),
            })
    }

    /// Sends `items` as one batch, each statement prepared (and cached) first.
    pub(crate) async fn execute_batch(
        &self,
        kind: scylla::statement::batch::BatchType,
        items: &[crate::write::BatchItem<'_>],
        options: &StatementOptions,
    ) -> Result<()> {
        options.check()?;
        let mut batch = scylla::statement::batch::Batch::new(kind);
        let timeout = self.timeout_of(options);
        let mut idempotent = true;
        for item in items {
            let prepared = self.prepared_static(item.statement, timeout).await?;
            idempotent &= prepared.get_is_idempotent();
            batch.append_statement((*prepared).clone());
        }
        batch.set_is_idempotent(idempotent);
        options.apply_to_batch(&mut batch);
        for item in items {
            crate::trace::sending(item.cql());
        }
        let values: Vec<&(dyn SerializeRow + Send + Sync)> =
            items.iter().map(|item| item.values.as_ref()).collect();
        let _in_flight = self.start_statement();
        self.inner
            .session
            .batch(&batch, values)
            .await
            .map_err(|source| Error::Execute {
                cql: Cow::Owned(
                    items
                        .iter()
                        .map(|item| item.cql())
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                source: Box::new(source),
            })?;
        Ok(())
    }

    /// Counts a statement as sent and in flight until the guard drops.
    fn start_statement(&self) -> InFlight<'_> {
        self.inner.executed.fetch_add(1, Ordering::Relaxed);
        #[cfg(feature = "metrics")]
        crate::metrics::statement();
        let now = self.inner.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
        self.inner.peak_in_flight.fetch_max(now, Ordering::Relaxed);
        InFlight(&self.inner.in_flight)
    }

    /// Logs a `tracing` warning (target `orm_core`, message `slow operation`) for every
    /// operation that takes `threshold` or longer, with its plan (the CQL and access path
    /// of [`explain`](crate::explain)); `None` turns the warning off (the default).
    /// Shared by every clone of this `Db`. While a threshold is set, each operation
    /// renders its plan before it runs.
    ///
    /// # Example
    /// ```no_run
    /// # async fn run(db: orm_core::Db) {
    /// use std::time::Duration;
    /// db.set_slow_operation_threshold(Some(Duration::from_millis(100)));
    /// assert_eq!(db.slow_operation_threshold(), Some(Duration::from_millis(100)));
    /// # }
    /// ```
    pub fn set_slow_operation_threshold(&self, threshold: Option<Duration>) {
        let micros = threshold.map_or(u64::MAX, |t| {
            u64::try_from(t.as_micros()).unwrap_or(u64::MAX - 1)
        });
        self.inner.slow_us.store(micros, Ordering::Relaxed);
    }

    /// The slow-operation threshold, if set; see
    /// [`set_slow_operation_threshold`](Self::set_slow_operation_threshold).
    pub fn slow_operation_threshold(&self) -> Option<Duration> {
        match self.inner.slow_us.load(Ordering::Relaxed) {
            u64::MAX => None,
            micros => Some(Duration::from_micros(micros)),
        }
    }

    /// The driver's own metrics (requests, errors, retries, latency percentiles,
    /// connections) for this session; with the `metrics` feature, which turns on the
    /// driver's.
    ///
    /// # Example
    /// ```no_run
    /// # async fn run(db: orm_core::Db) {
    /// let driver = db.driver_metrics();
    /// println!("{} errors, {} retries", driver.get_errors_num(), driver.get_retries_num());
    /// # }
    /// ```
    #[cfg(feature = "metrics")]
    pub fn driver_metrics(&self) -> Arc<scylla::observability::metrics::Metrics> {
        self.inner.session.get_metrics()
    }

    /// The most statements this handle had in flight at once since it was created or
    /// since [`reset_peak_concurrency`](Self::reset_peak_concurrency): shows whether work
    /// meant to run concurrently did.
    pub fn peak_concurrency(&self) -> usize {
        self.inner.peak_in_flight.load(Ordering::Relaxed)
    }

    /// Starts measuring [`peak_concurrency`](Self::peak_concurrency) afresh.
    pub fn reset_peak_concurrency(&self) {
        self.inner.peak_in_flight.store(
            self.inner.in_flight.load(Ordering::Relaxed),
            Ordering::Relaxed,
        );
    }
}

fn log_tracing(result: &QueryResult) {
    if let Some(id) = result.tracing_id() {
        tracing::info!(tracing_id = %id, "request traced");
    }
}

/// `prepared`, or a copy with `options` applied when any is set.
fn with_options(
    prepared: Arc<PreparedStatement>,
    options: &StatementOptions,
) -> Arc<PreparedStatement> {
    // The fixed writes borrow `UNSET`: one comparison of addresses instead of fields.
    if std::ptr::eq(options, &UNSET) || options.is_default() {
        prepared
    } else {
        Arc::new(options.apply(&prepared))
    }
}

// A panic while holding one of these locks cannot leave a table half-written: every write
// is a single insertion, so a poisoned lock is still consistent.
fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}
