//! [`Factory::create`]: a graph of rows written at bounded concurrency, parents before
//! the rows that hold their keys, with a count of what was written.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use futures::future::BoxFuture;
use futures::{FutureExt, Stream, StreamExt};

use crate::db::Db;
use crate::factory::faker::derive_seed;
use crate::factory::{Factory, FactoryError, SeedReport, keys};
use crate::model::Model;

/// What one `create` shares across the graph: the database, the concurrency, and the
/// count of rows written so far.
pub(crate) struct Ctx<'a> {
    pub(crate) db: &'a Db,
    pub(crate) concurrency: usize,
    report: Mutex<SeedReport>,
    /// Set by the first failed write: later writes are not started.
    failed: AtomicBool,
}

impl Ctx<'_> {
    fn report(&self) -> SeedReport {
        self.report
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Drains `results` (rows per write and its outcome), counting what was written with
/// `count`; the first error is returned with everything written until then (writes
/// already started finish first, so the count is exact).
pub(crate) async fn written(
    ctx: &Ctx<'_>,
    results: impl Stream<Item = (usize, crate::Result<()>)>,
    count: impl Fn(&mut SeedReport, usize),
    model: &'static str,
) -> Result<(), FactoryError> {
    let mut results = std::pin::pin!(results);
    let mut first_error = None;
    while let Some((rows, result)) = results.next().await {
        match result {
            Ok(()) => count(
                &mut ctx.report.lock().unwrap_or_else(|e| e.into_inner()),
                rows,
            ),
            Err(err) => {
                ctx.failed.store(true, Ordering::Relaxed);
                first_error.get_or_insert(err);
            }
        }
    }
    match first_error {
        None => Ok(()),
        Some(source) => Err(FactoryError::Write {
            model,
            source: Box::new(source),
            written: ctx.report(),
        }),
    }
}

/// The rows a [`Factory::create`] made and wrote, with the count per model (related
/// rows included) and the seed it used.
#[derive(Debug)]
#[non_exhaustive]
pub struct Seeded<M> {
    /// The factory's own rows, as written (keys filled in).
    pub rows: Vec<M>,
    /// Rows written per model, related rows and pivot rows included.
    pub report: SeedReport,
    /// The seed used: the factory's, or the random one drawn (to make the same data again).
    pub seed: u64,
}

impl<M: Model> Factory<M> {
    /// Makes the rows and writes them with everything their relations ask for: owners
    /// first (`for_`), then the rows, then the rows holding their keys (`has`) and the
    /// pivot rows (`attach`), each level at most [`concurrency`](Self::concurrency)
    /// writes at a time. Counter tables are written as increments.
    ///
    /// Mistakes in the factory (or its relations' factories) are returned before anything
    /// is written; a failed write returns [`FactoryError::Write`] with what was written.
    pub async fn create(&self, db: &Db) -> Result<Seeded<M>, FactoryError> {
        self.check()?;
        let seed = self.seed.unwrap_or_else(rand::random);
        let ctx = Ctx {
            db,
            concurrency: self.concurrency,
            report: Mutex::default(),
            failed: AtomicBool::new(false),
        };
        let rows = self.create_fresh(&ctx, self.count, seed).await?;
        Ok(Seeded {
            rows,
            report: ctx.report(),
            seed,
        })
    }

    /// One row, made and written with its relations.
    pub async fn create_one(&self, db: &Db) -> Result<M, FactoryError> {
        let mut seeded = self.clone().times(1).create(db).await?;
        Ok(seeded.rows.remove(0))
    }

    /// `count` rows numbered from the factory's first, made from its own seed if it was
    /// given one, else from `seed`, and written with their relations: this factory's rows
    /// in [`create`](Self::create), and a related factory's in a `for_` or `attach`.
    pub(crate) async fn create_fresh<'a>(
        &'a self,
        ctx: &'a Ctx<'a>,
        count: usize,
        seed: u64,
    ) -> Result<Vec<M>, FactoryError> {
        let seed = self.seed.unwrap_or(seed);
        let rows = self.make_rows(seed, self.first, count);
        self.create_rows(ctx, rows, seed).await
    }

    /// Writes `rows` (made from `seed`) with their relations.
    pub(crate) fn create_rows<'a>(
        &'a self,
        ctx: &'a Ctx<'a>,
        mut rows: Vec<M>,
        seed: u64,
    ) -> BoxFuture<'a, Result<Vec<M>, FactoryError>> {
        async move {
            for part in &self.parts {
                part.before(ctx, &mut rows, derive_seed(seed, part.name()))
                    .await?;
            }
            write_rows(ctx, &rows).await?;
            for part in &self.parts {
                part.after(ctx, &rows, derive_seed(seed, part.name()))
                    .await?;
            }
            Ok(rows)
        }
        .boxed()
    }
}

/// Writes `rows`, at most `ctx.concurrency` at a time.
async fn write_rows<M: Model>(ctx: &Ctx<'_>, rows: &[M]) -> Result<(), FactoryError> {
    let counters = counters(rows)?;
    // Futures collected first: a stream mapping borrowed rows through a closure is not
    // provably `Send` to rustc (rust-lang/rust#64552).
    let writes: Vec<_> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let counters = counters.get(i);
            async move {
                if ctx.failed.load(Ordering::Relaxed) {
                    return (0, Ok(()));
                }
                (1, write_row(ctx.db, row, counters).await)
            }
        })
        .collect();
    let results = futures::stream::iter(writes).buffer_unordered(ctx.concurrency);
    written(
        ctx,
        results,
        |report, rows| report.add(M::TABLE.model, rows as u64),
        M::TABLE.model,
    )
    .await
}

/// Each row's counter values, by column, for a counter table (none for another table).
fn counters<M: Model>(rows: &[M]) -> Result<Vec<Vec<(&'static str, i64)>>, FactoryError> {
    if !M::TABLE.is_counter_table() {
        return Ok(Vec::new());
    }
    let columns: Vec<&'static str> = M::TABLE
        .columns
        .iter()
        .filter(|c| !c.is_partition_key() && !c.is_clustering_key())
        .map(|c| c.name)
        .collect();
    rows.iter()
        .map(|row| {
            columns
                .iter()
                .map(|column| Ok((*column, keys::counter(row, column)?)))
                .collect()
        })
        .collect()
}

/// One row: an insert, or for a counter table an update adding each counter's value.
async fn write_row<M: Model>(
    db: &Db,
    row: &M,
    counters: Option<&Vec<(&'static str, i64)>>,
) -> crate::Result<()> {
    let Some(counters) = counters else {
        return row.insert(db).await;
    };
    let mut update = M::update(&row.primary_key());
    for (column, by) in counters {
        update = update.increment_column(column, *by);
    }
    update.execute(db).await
}
