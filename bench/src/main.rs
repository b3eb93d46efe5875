//! ORM vs hand-written driver code, measured in one run against the same CQL server.
//!
//! ```sh
//! scripts/db up && cargo run --release -p orm-bench
//! cargo run --release -p orm-bench -- --help
//! ```
//!
//! Three operations, each at every concurrency of `--concurrency` (default `1,64`):
//! - `insert`: write one row;
//! - `find`: read one row by its full primary key;
//! - `stream`: read a 10,000-row partition to its end, page by page.
//!
//! Each is done two ways: through the ORM (`#[derive(Model)]`, `insert`, `find`,
//! `query().filter(..).stream(..)`) and through the `scylla` driver by hand (statements
//! prepared once, `execute_unpaged`, `execute_iter(..).rows_stream::<T>()`). Both sides share
//! one driver session, one keyspace and the same tables, and do the same work in each
//! round: cut into slices that alternate between the sides (ABBA order, flipped every
//! round), so load changing on a shared machine reaches both alike. The report gives, per
//! side, the median rate over the rounds and its spread, the ORM/raw ratio (paired by
//! round), the CPU time per operation of this process (and of the server, with
//! `--server-pid`), what else used the machine meanwhile, and heap allocations per
//! operation (an untimed pass with a counting allocator).
//!
//! With `--variants`, two hybrids join the rounds to locate a difference: the driver's own
//! calls reading rows as a tuple (`raw-tuple`), and the driver's own calls with the model's
//! derived `SerializeRow` / `DeserializeRow` (`raw+model`). `bench/callgrind.sh` counts the
//! client's instructions per operation for every side, which load does not disturb.
//!
//! This binary measures; it asserts nothing about speed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::error::Error as StdError;
use std::fmt::Write as _;
use std::future::Future;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures::{StreamExt, stream};
use orm_bench::process_cpu;
use orm_core::schema::Replication;
use orm_core::{Db, Model, render};
use scylla::DeserializeRow;
use scylla::client::session::Session;
use scylla::statement::prepared::PreparedStatement;
use uuid::Uuid;

type BoxError = Box<dyn StdError + Send + Sync>;
type Result<T, E = BoxError> = std::result::Result<T, E>;

const KEYSPACE: &str = "orm_bench";
/// Rows in the partition the `stream` operation reads.
const STREAM_ROWS: i64 = 10_000;
/// Partitions and rows per partition the `find` operation reads from.
const FIND_PARTITIONS: u64 = 2_000;
const FIND_ROWS_PER_PARTITION: i64 = 5;

// ---------------------------------------------------------------------------------------
// Counting allocator: off (one relaxed load per allocation) except in the allocation pass.

struct CountingAlloc;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static ALLOCATED_BYTES: AtomicU64 = AtomicU64::new(0);

impl CountingAlloc {
    #[inline]
    fn count(size: usize) {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
            ALLOCATED_BYTES.fetch_add(size as u64, Ordering::Relaxed);
        }
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        Self::count(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        Self::count(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        Self::count(new_size);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

// ---------------------------------------------------------------------------------------
// The tables: one shape, two tables (writes go to their own table, so the table read by
// `find` and `stream` does not change during the run).

/// The ORM's view of the table `find` and `stream` read.
#[derive(Model, Debug)]
#[orm(table = "bench_read")]
struct ReadRow {
    #[orm(partition_key)]
    pk: Uuid,
    #[orm(clustering_key)]
    ck: i64,
    name: String,
    payload: String,
    score: i32,
    views: i64,
}

/// The ORM's view of the table `insert` writes: the same shape.
#[derive(Model, Debug)]
#[orm(table = "bench_write")]
struct WriteRow {
    #[orm(partition_key)]
    pk: Uuid,
    #[orm(clustering_key)]
    ck: i64,
    name: String,
    payload: String,
    score: i32,
    views: i64,
}

/// The raw side's row: the driver's own derive (columns matched by name, its default).
/// Its fields are only read through `black_box`.
#[allow(dead_code)]
#[derive(DeserializeRow, Debug)]
struct RawRow {
    pk: Uuid,
    ck: i64,
    name: String,
    payload: String,
    score: i32,
    views: i64,
}

/// The raw side's row as a tuple (columns by position).
type RawTuple = (Uuid, i64, String, String, i32, i64);

const RAW_INSERT: &str =
    "INSERT INTO bench_write (pk, ck, name, payload, score, views) VALUES (?, ?, ?, ?, ?, ?)";
const RAW_INSERT_READ_TABLE: &str =
    "INSERT INTO bench_read (pk, ck, name, payload, score, views) VALUES (?, ?, ?, ?, ?, ?)";
const RAW_FIND: &str =
    "SELECT pk, ck, name, payload, score, views FROM bench_read WHERE pk = ? AND ck = ?";
const RAW_STREAM: &str = "SELECT pk, ck, name, payload, score, views FROM bench_read WHERE pk = ?";

/// A row's values, the same for both sides.
fn row_values(pk: Uuid, ck: i64) -> (String, String, i32, i64) {
    let name = format!("user-{ck:08}");
    let payload = format!("{pk}/{ck:016}/{}", "lorem ipsum ".repeat(3));
    (name, payload, ck as i32, ck.wrapping_mul(7))
}

fn write_row(pk: Uuid, ck: i64) -> WriteRow {
    let (name, payload, score, views) = row_values(pk, ck);
    WriteRow {
        pk,
        ck,
        name,
        payload,
        score,
        views,
    }
}

fn find_partition(i: u64) -> Uuid {
    Uuid::from_u64_pair(0xf1d0_0000_0000_0000, i)
}

fn stream_partition() -> Uuid {
    Uuid::from_u64_pair(0x5743_0000_0000_0000, 1)
}

/// Fresh partition keys for inserts: never reused within a run.
fn insert_partition(serial: u64) -> Uuid {
    Uuid::from_u64_pair(0x1a5e_0000_0000_0000, serial)
}

// ---------------------------------------------------------------------------------------
// Options.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Insert,
    Find,
    Stream,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Insert => "insert",
            Op::Find => "find",
            Op::Stream => "stream",
        }
    }

    fn unit(self) -> &'static str {
        match self {
            Op::Stream => "rows/s",
            _ => "ops/s",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// Through the ORM.
    Orm,
    /// Hand-written driver code: tuple values, `#[derive(DeserializeRow)]` rows.
    Raw,
    /// Hand-written driver code reading rows as a tuple.
    RawTuple,
    /// Hand-written driver calls, with the model's derived `SerializeRow` / `DeserializeRow`.
    RawModel,
}

impl Side {
    const ALL: [Side; 4] = [Side::Orm, Side::Raw, Side::RawTuple, Side::RawModel];

    fn name(self) -> &'static str {
        match self {
            Side::Orm => "ORM",
            Side::Raw => "raw",
            Side::RawTuple => "raw-tuple",
            Side::RawModel => "raw+model",
        }
    }

    fn applies_to(self, op: Op) -> bool {
        // An insert binds a tuple on the raw side already.
        !(op == Op::Insert && self == Side::RawTuple)
    }
}

#[derive(Debug, Clone)]
struct Args {
    uri: String,
    ops: usize,
    ops_concurrent: usize,
    streams: usize,
    streams_concurrent: usize,
    rounds: usize,
    slices: usize,
    concurrency: Vec<usize>,
    only: Vec<Op>,
    warmup: usize,
    sides: Vec<Side>,
    alloc_ops: usize,
    server_pid: Option<u32>,
    reuse_data: bool,
    current_thread: bool,
}

const USAGE: &str = "\
usage: cargo run --release -p orm-bench -- [options]

  --ops N            single-row operations (insert, find) per side per measurement,
                     at concurrency 1 [3000]
  --ops-concurrent N the same at higher concurrency [20000]
  --streams N        10,000-row partition reads per side per measurement,
                     at concurrency 1 [16]
  --streams-concurrent N
                     the same at higher concurrency (at least the concurrency) [128]
  --rounds R         rounds; each measures every operation on both sides [9]
  --slices K         single-row measurements alternate sides in K slices [8]
                     (streams alternate every 2 streams, or every C at concurrency C)
  --concurrency L    comma-separated in-flight request counts [1,64]
  --only L           comma-separated subset of insert,find,stream [all]
  --warmup N         warm-up operations per side and operation [2000]
  --variants         also time the raw-tuple and raw+model hybrids
  --sides L          comma-separated subset of orm,raw,raw-tuple,raw+model [orm,raw]
  --alloc-ops N      operations per side in the allocation-counting pass, 0 to skip [300]
  --server-pid PID   also report the server process's CPU time per operation
  --uri HOST:PORT    the CQL server [$SCYLLA_URI or 127.0.0.1:9042]
  --reuse-data       keep keyspace orm_bench and its rows from a previous run
                     (default: drop it and load afresh)
  --current-thread   run everything on one thread (tokio's current-thread runtime)
                     instead of one worker per CPU; bench/callgrind.sh uses it
";

fn parse_args() -> Result<Args> {
    let mut args = Args {
        uri: std::env::var("SCYLLA_URI").unwrap_or_else(|_| "127.0.0.1:9042".to_owned()),
        ops: 3000,
        ops_concurrent: 20_000,
        streams: 16,
        streams_concurrent: 128,
        rounds: 9,
        slices: 8,
        concurrency: vec![1, 64],
        only: vec![Op::Insert, Op::Find, Op::Stream],
        warmup: 2000,
        sides: vec![Side::Orm, Side::Raw],
        alloc_ops: 300,
        server_pid: None,
        reuse_data: false,
        current_thread: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| BoxError::from(format!("{flag} needs a value\n\n{USAGE}")))
        };
        match flag.as_str() {
            "--ops" => args.ops = value()?.parse()?,
            "--ops-concurrent" => args.ops_concurrent = value()?.parse()?,
            "--streams" => args.streams = value()?.parse()?,
            "--streams-concurrent" => args.streams_concurrent = value()?.parse()?,
            "--rounds" => args.rounds = value()?.parse()?,
            "--slices" => args.slices = value()?.parse()?,
            "--concurrency" => {
                args.concurrency = value()?
                    .split(',')
                    .map(|c| c.trim().parse())
                    .collect::<Result<_, _>>()?;
            }
            "--only" => {
                args.only = value()?
                    .split(',')
                    .map(|op| match op.trim() {
                        "insert" => Ok(Op::Insert),
                        "find" => Ok(Op::Find),
                        "stream" => Ok(Op::Stream),
                        other => Err(format!("unknown operation {other:?}")),
                    })
                    .collect::<Result<_, _>>()?;
            }
            "--warmup" => args.warmup = value()?.parse()?,
            "--variants" => args.sides = Side::ALL.to_vec(),
            "--sides" => {
                args.sides = value()?
                    .split(',')
                    .map(|side| {
                        let side = side.trim();
                        Side::ALL
                            .into_iter()
                            .find(|s| s.name().eq_ignore_ascii_case(side))
                            .ok_or_else(|| format!("unknown side {side:?}"))
                    })
                    .collect::<Result<_, _>>()?;
            }
            "--alloc-ops" => args.alloc_ops = value()?.parse()?,
            "--server-pid" => args.server_pid = Some(value()?.parse()?),
            "--uri" => args.uri = value()?,
            "--reuse-data" => args.reuse_data = true,
            "--current-thread" => args.current_thread = true,
            "-h" | "--help" => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown option {other:?}\n\n{USAGE}").into()),
        }
    }
    if [
        args.ops,
        args.ops_concurrent,
        args.streams,
        args.streams_concurrent,
        args.rounds,
        args.slices,
    ]
    .contains(&0)
    {
        return Err(
            "--ops, --streams and --rounds (and their -concurrent forms) must be positive".into(),
        );
    }
    if args.concurrency.contains(&0) {
        return Err("--concurrency values must be positive".into());
    }
    Ok(args)
}

// ---------------------------------------------------------------------------------------
// The context both sides share.

struct Ctx {
    db: Db,
    raw_insert: PreparedStatement,
    raw_find: PreparedStatement,
    raw_stream: PreparedStatement,
    find_keys: Vec<(Uuid, i64)>,
    stream_pk: Uuid,
    /// The next fresh insert partition.
    insert_serial: AtomicU64,
}

impl Ctx {
    fn session(&self) -> &Session {
        self.db.session()
    }

    /// `n` fresh rows to insert, made before the clock starts.
    fn rows_to_insert(&self, n: usize) -> Vec<WriteRow> {
        let first = self.insert_serial.fetch_add(n as u64, Ordering::Relaxed);
        (0..n as u64)
            .map(|i| write_row(insert_partition(first + i), i as i64))
            .collect()
    }

    fn find_key(&self, offset: usize, i: usize) -> (Uuid, i64) {
        self.find_keys[(offset + i) % self.find_keys.len()]
    }
}

/// Runs `f(0..n)` with at most `concurrency` futures in flight; sums what they return.
async fn drive<F, Fut>(n: usize, concurrency: usize, f: F) -> Result<u64>
where
    F: FnMut(usize) -> Fut,
    Fut: Future<Output = Result<u64>>,
{
    let mut results = stream::iter(0..n).map(f).buffer_unordered(concurrency);
    let mut units = 0;
    while let Some(result) = results.next().await {
        units += result?;
    }
    Ok(units)
}

fn missing(what: &str) -> BoxError {
    format!("benchmark data missing: {what}").into()
}

fn check_stream(rows: u64) -> Result<u64> {
    if rows == STREAM_ROWS as u64 {
        Ok(rows)
    } else {
        Err(format!("streamed {rows} rows, expected {STREAM_ROWS}").into())
    }
}

/// Inserts `rows` on one side.
async fn run_insert(ctx: &Ctx, side: Side, concurrency: usize, rows: &[WriteRow]) -> Result<u64> {
    let db = &ctx.db;
    let session = ctx.session();
    let prepared = &ctx.raw_insert;
    match side {
        Side::Orm => {
            drive(rows.len(), concurrency, |i| async move {
                rows[i].insert(db).await?;
                Ok(1)
            })
            .await
        }
        Side::Raw | Side::RawTuple => {
            drive(rows.len(), concurrency, |i| async move {
                let r = &rows[i];
                session
                    .execute_unpaged(
                        prepared,
                        (r.pk, r.ck, &r.name, &r.payload, r.score, r.views),
                    )
                    .await?;
                Ok(1)
            })
            .await
        }
        Side::RawModel => {
            drive(rows.len(), concurrency, |i| async move {
                session.execute_unpaged(prepared, &rows[i]).await?;
                Ok(1)
            })
            .await
        }
    }
}

/// `n` reads by full primary key on one side, starting at `offset` in the key list.
async fn run_find(
    ctx: &Ctx,
    side: Side,
    concurrency: usize,
    n: usize,
    offset: usize,
) -> Result<u64> {
    let db = &ctx.db;
    let session = ctx.session();
    let prepared = &ctx.raw_find;
    match side {
        Side::Orm => {
            drive(n, concurrency, |i| async move {
                let key = ctx.find_key(offset, i);
                let row = ReadRow::find(db, &key).await?;
                black_box(row.ok_or_else(|| missing("find"))?);
                Ok(1)
            })
            .await
        }
        Side::Raw => {
            drive(n, concurrency, |i| async move {
                let key = ctx.find_key(offset, i);
                let row = session
                    .execute_unpaged(prepared, key)
                    .await?
                    .into_rows_result()?
                    .maybe_first_row::<RawRow>()?;
                black_box(row.ok_or_else(|| missing("find"))?);
                Ok(1)
            })
            .await
        }
        Side::RawTuple => {
            drive(n, concurrency, |i| async move {
                let key = ctx.find_key(offset, i);
                let row = session
                    .execute_unpaged(prepared, key)
                    .await?
                    .into_rows_result()?
                    .maybe_first_row::<RawTuple>()?;
                black_box(row.ok_or_else(|| missing("find"))?);
                Ok(1)
            })
            .await
        }
        Side::RawModel => {
            drive(n, concurrency, |i| async move {
                let key = ctx.find_key(offset, i);
                let row = session
                    .execute_unpaged(prepared, key)
                    .await?
                    .into_rows_result()?
                    .maybe_first_row::<ReadRow>()?;
                black_box(row.ok_or_else(|| missing("find"))?);
                Ok(1)
            })
            .await
        }
    }
}

/// `n` reads of the whole stream partition on one side; returns the rows read.
async fn run_stream(ctx: &Ctx, side: Side, concurrency: usize, n: usize) -> Result<u64> {
    let db = &ctx.db;
    let session = ctx.session();
    let prepared = &ctx.raw_stream;
    let pk = ctx.stream_pk;
    match side {
        Side::Orm => {
            drive(n, concurrency, |_| async move {
                let mut rows = ReadRow::query()
                    .filter(ReadRow::PK.eq(pk))
                    .stream(db)
                    .await?;
                let mut count = 0;
                while let Some(row) = rows.next().await {
                    black_box(row?);
                    count += 1;
                }
                check_stream(count)
            })
            .await
        }
        Side::Raw => {
            drive(n, concurrency, |_| async move {
                let mut rows = session
                    .execute_iter(prepared.clone(), (pk,))
                    .await?
                    .rows_stream::<RawRow>()?;
                let mut count = 0;
                while let Some(row) = rows.next().await {
                    black_box(row?);
                    count += 1;
                }
                check_stream(count)
            })
            .await
        }
        Side::RawTuple => {
            drive(n, concurrency, |_| async move {
                let mut rows = session
                    .execute_iter(prepared.clone(), (pk,))
                    .await?
                    .rows_stream::<RawTuple>()?;
                let mut count = 0;
                while let Some(row) = rows.next().await {
                    black_box(row?);
                    count += 1;
                }
                check_stream(count)
            })
            .await
        }
        Side::RawModel => {
            drive(n, concurrency, |_| async move {
                let mut rows = session
                    .execute_iter(prepared.clone(), (pk,))
                    .await?
                    .rows_stream::<ReadRow>()?;
                let mut count = 0;
                while let Some(row) = rows.next().await {
                    black_box(row?);
                    count += 1;
                }
                check_stream(count)
            })
            .await
        }
    }
}

// ---------------------------------------------------------------------------------------
// Measuring.

/// CPU time of another process (the server), from `/proc/PID/stat`, in clock ticks.
fn other_process_cpu(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 here.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_secs_f64(
        ticks as f64 / clock_ticks_per_second(),
    ))
}

#[derive(Debug, Clone, Copy)]
struct Sample {
    /// Operations (rows, for `stream`) per second.
    rate: f64,
    /// Client CPU per operation (per 1,000 rows for `stream`), in microseconds.
    client_cpu_us: f64,
    /// Server CPU per operation (per 1,000 rows for `stream`), in microseconds.
    server_cpu_us: Option<f64>,
}

/// How many units a measurement of `op` at `concurrency` performs.
fn measurement_size(args: &Args, op: Op, concurrency: usize) -> usize {
    match op {
        Op::Insert | Op::Find if concurrency > 1 => args.ops_concurrent,
        Op::Insert | Op::Find => args.ops,
        Op::Stream if concurrency > 1 => args.streams_concurrent.max(concurrency),
        Op::Stream => args.streams,
    }
}

/// What one side accumulated over the slices of one measurement.
#[derive(Default)]
struct Tally {
    elapsed: Duration,
    units: u64,
    cpu: Duration,
    server_cpu: Option<Duration>,
}

impl Tally {
    fn sample(&self, op: Op) -> Sample {
        // CPU per operation; per 1,000 rows for streams.
        let per = if op == Op::Stream {
            self.units as f64 / 1000.0
        } else {
            self.units as f64
        };
        Sample {
            rate: self.units as f64 / self.elapsed.as_secs_f64(),
            client_cpu_us: self.cpu.as_secs_f64() * 1e6 / per,
            server_cpu_us: self.server_cpu.map(|cpu| cpu.as_secs_f64() * 1e6 / per),
        }
    }
}

/// One round of `op` at `concurrency`: the same work for every side in `sides`, cut into
/// slices that alternate between the sides (ABBA order), so that load changing during the
/// round reaches every side alike. Returns one sample per side.
async fn measure_round(
    ctx: &Ctx,
    args: &Args,
    op: Op,
    concurrency: usize,
    round: usize,
    sides: &[Side],
) -> Result<Vec<(Side, Sample)>> {
    let n = measurement_size(args, op, concurrency);
    let slice = match op {
        Op::Stream if concurrency > 1 => concurrency,
        Op::Stream => 2,
        Op::Insert | Op::Find => n.div_ceil(args.slices).max(concurrency),
    };
    // Inputs are made before the clock starts; every side inserts fresh rows.
    let rows: Vec<Vec<WriteRow>> = sides
        .iter()
        .map(|_| {
            if op == Op::Insert {
                ctx.rows_to_insert(n)
            } else {
                Vec::new()
            }
        })
        .collect();
    // Every side of a round reads the same keys; rounds move on through the key list.
    let offset = round * n;
    let mut tallies: Vec<Tally> = sides.iter().map(|_| Tally::default()).collect();

    let mut order: Vec<usize> = (0..sides.len()).collect();
    if round % 2 == 1 {
        order.reverse();
    }
    for (number, start) in (0..n).step_by(slice).enumerate() {
        let range = start..(start + slice).min(n);
        // ABBA: the side that went last goes first in the next slice.
        if number > 0 {
            order.reverse();
        }
        for &i in &order {
            let side = sides[i];
            let server_before = args.server_pid.and_then(other_process_cpu);
            let cpu_before = process_cpu();
            let clock = Instant::now();
            let units = match op {
                Op::Insert => run_insert(ctx, side, concurrency, &rows[i][range.clone()]).await?,
                Op::Find => {
                    run_find(ctx, side, concurrency, range.len(), offset + range.start).await?
                }
                Op::Stream => run_stream(ctx, side, concurrency, range.len()).await?,
            };
            let elapsed = clock.elapsed();
            let cpu = process_cpu() - cpu_before;
            let server_after = args.server_pid.and_then(other_process_cpu);
            let tally = &mut tallies[i];
            tally.elapsed += elapsed;
            tally.units += units;
            tally.cpu += cpu;
            if let (Some(before), Some(after)) = (server_before, server_after) {
                *tally.server_cpu.get_or_insert(Duration::ZERO) += after.saturating_sub(before);
            }
        }
    }
    Ok(sides
        .iter()
        .zip(&tallies)
        .map(|(&side, tally)| (side, tally.sample(op)))
        .collect())
}

// ---------------------------------------------------------------------------------------
// Setup.

/// Whether a previous run left the rows `find` and `stream` read (checked roughly: the
/// stream partition and the last find partition are complete).
async fn loaded(session: &Session, stream_pk: Uuid) -> Result<bool> {
    let count = |pk: Uuid| async move {
        let (count,) = session
            .query_unpaged("SELECT COUNT(*) FROM bench_read WHERE pk = ?", (pk,))
            .await?
            .into_rows_result()?
            .first_row::<(i64,)>()?;
        Ok::<i64, BoxError>(count)
    };
    Ok(count(stream_pk).await? == STREAM_ROWS
        && count(find_partition(FIND_PARTITIONS - 1)).await? == FIND_ROWS_PER_PARTITION)
}

async fn setup(args: &Args) -> Result<Ctx> {
    let db = Db::connect(&args.uri).await.map_err(|err| {
        format!(
            "{err}\nno CQL server at {}? start one with `scripts/db up` or set SCYLLA_URI",
            args.uri
        )
    })?;
    if !args.reuse_data {
        eprintln!("dropping and creating keyspace {KEYSPACE} (replication factor 1)");
        db.drop_keyspace(KEYSPACE).await?;
    }
    db.create_keyspace(KEYSPACE, &Replication::Simple(1))
        .await?;
    db.use_keyspace(KEYSPACE).await?;
    ReadRow::create_table(&db).await?;
    WriteRow::create_table(&db).await?;

    let session = db.session();
    let raw_insert = session.prepare(RAW_INSERT).await?;
    let raw_find = session.prepare(RAW_FIND).await?;
    let raw_stream = session.prepare(RAW_STREAM).await?;
    let load = session.prepare(RAW_INSERT_READ_TABLE).await?;

    // The data read: one 10,000-row partition, and FIND_PARTITIONS small partitions.
    let stream_pk = stream_partition();
    let mut keys: Vec<(Uuid, i64)> = (0..STREAM_ROWS).map(|ck| (stream_pk, ck)).collect();
    let find_keys: Vec<(Uuid, i64)> = (0..FIND_PARTITIONS)
        .flat_map(|p| (0..FIND_ROWS_PER_PARTITION).map(move |ck| (find_partition(p), ck)))
        .collect();
    keys.extend(&find_keys);
    if args.reuse_data && loaded(session, stream_pk).await? {
        eprintln!("reusing the rows of bench_read");
    } else {
        eprintln!("loading {} rows into bench_read", keys.len());
        let load = &load;
        drive(keys.len(), 64, |i| {
            let (pk, ck) = keys[i];
            async move {
                let (name, payload, score, views) = row_values(pk, ck);
                session
                    .execute_unpaged(load, (pk, ck, name, payload, score, views))
                    .await?;
                Ok(1)
            }
        })
        .await?;
    }

    // Visit the find keys in a scattered but fixed order.
    let mut find_keys = find_keys;
    let len = find_keys.len();
    let scattered: Vec<(Uuid, i64)> = (0..len).map(|i| find_keys[(i * 7919) % len]).collect();
    find_keys = scattered;

    Ok(Ctx {
        db,
        raw_insert,
        raw_find,
        raw_stream,
        find_keys,
        stream_pk,
        insert_serial: AtomicU64::new(0),
    })
}

async fn warm_up(ctx: &Ctx, args: &Args) -> Result<()> {
    if args.warmup == 0 {
        return Ok(());
    }
    let streams = (args.warmup / 100).max(4);
    eprintln!(
        "warming up: {} inserts, {} finds and {streams} streams per side",
        args.warmup, args.warmup
    );
    for &side in &args.sides {
        for &op in &args.only {
            if !side.applies_to(op) {
                continue;
            }
            match op {
                Op::Insert => {
                    let rows = ctx.rows_to_insert(args.warmup);
                    run_insert(ctx, side, 64, &rows).await?;
                    run_insert(ctx, side, 1, &rows[..rows.len().min(100)]).await?;
                }
                Op::Find => {
                    run_find(ctx, side, 64, args.warmup, 0).await?;
                    run_find(ctx, side, 1, args.warmup.min(100), 0).await?;
                }
                Op::Stream => {
                    run_stream(ctx, side, 8, streams).await?;
                    run_stream(ctx, side, 1, 2).await?;
                }
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Statistics and the report.

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    }
}

fn min_max(values: &[f64]) -> (f64, f64) {
    values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        })
}

/// `12,345`.
fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

struct Series {
    op: Op,
    concurrency: usize,
    side: Side,
    samples: Vec<Sample>,
}

impl Series {
    fn rates(&self) -> Vec<f64> {
        self.samples.iter().map(|s| s.rate).collect()
    }
}

fn find_series(all: &[Series], op: Op, concurrency: usize, side: Side) -> Option<&Series> {
    all.iter()
        .find(|s| s.op == op && s.concurrency == concurrency && s.side == side)
}

/// The median over rounds of `side`'s metric divided by raw's in the same round.
fn paired(
    all: &[Series],
    op: Op,
    concurrency: usize,
    side: Side,
    metric: fn(&Sample) -> f64,
) -> Option<f64> {
    let this = find_series(all, op, concurrency, side)?;
    let raw = find_series(all, op, concurrency, Side::Raw)?;
    let ratios: Vec<f64> = this
        .samples
        .iter()
        .zip(&raw.samples)
        .map(|(a, b)| metric(a) / metric(b))
        .collect();
    (!ratios.is_empty()).then(|| median(&ratios))
}

fn report(args: &Args, all: &[Series]) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(
        w,
        "\n## Throughput: median of {} rounds (spread = min-max across rounds)\n\n\
         Paired ORM/raw: each round's ORM rate over the same round's raw rate (the two sides \
         alternate within the round), then the median and range of those ratios: the \
         comparison that load changing between rounds does not skew. ORM/raw of medians: the \
         ratio of the two median columns.\n",
        args.rounds
    );
    let _ = writeln!(
        w,
        "| operation | concurrency | unit | ORM (median) | raw (median) | paired ORM/raw (median) | paired ORM/raw (min-max) | ORM/raw of medians | ORM (min-max) | raw (min-max) |"
    );
    let _ = writeln!(w, "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|");
    for &op in &args.only {
        for &concurrency in &args.concurrency {
            let (Some(orm), Some(raw)) = (
                find_series(all, op, concurrency, Side::Orm),
                find_series(all, op, concurrency, Side::Raw),
            ) else {
                continue;
            };
            let (orm_rates, raw_rates) = (orm.rates(), raw.rates());
            let ratios: Vec<f64> = orm_rates
                .iter()
                .zip(&raw_rates)
                .map(|(o, r)| o / r)
                .collect();
            let (olo, ohi) = min_max(&orm_rates);
            let (rlo, rhi) = min_max(&raw_rates);
            let (qlo, qhi) = min_max(&ratios);
            let _ = writeln!(
                w,
                "| {} | {} | {} | {} | {} | {:.3} | {:.3}-{:.3} | {:.3} | {}-{} | {}-{} |",
                op.name(),
                concurrency,
                op.unit(),
                thousands(median(&orm_rates)),
                thousands(median(&raw_rates)),
                median(&ratios),
                qlo,
                qhi,
                median(&orm_rates) / median(&raw_rates),
                thousands(olo),
                thousands(ohi),
                thousands(rlo),
                thousands(rhi),
            );
        }
    }

    let sides = args.sides.as_slice();
    let server = args.server_pid.is_some();
    let _ = writeln!(
        w,
        "\n## CPU per operation (per 1,000 rows for stream), median of rounds, in microseconds\n"
    );
    let _ = writeln!(
        w,
        "Client = this whole process (every thread, the driver's included){}.\n",
        if server {
            "; server = the server process (coarse: clock ticks)"
        } else {
            ""
        }
    );
    let mut header = String::from("| operation | concurrency |");
    let mut rule = String::from("|---|---:|");
    for side in sides {
        let _ = write!(header, " client {} |", side.name());
        rule.push_str("---:|");
    }
    header.push_str(" client ORM/raw (paired) |");
    rule.push_str("---:|");
    if server {
        for side in sides {
            let _ = write!(header, " server {} |", side.name());
            rule.push_str("---:|");
        }
    }
    let _ = writeln!(w, "{header}\n{rule}");
    for &op in &args.only {
        for &concurrency in &args.concurrency {
            let mut line = format!("| {} | {} |", op.name(), concurrency);
            for &side in sides {
                match find_series(all, op, concurrency, side) {
                    Some(series) => {
                        let cpu: Vec<f64> =
                            series.samples.iter().map(|s| s.client_cpu_us).collect();
                        let _ = write!(line, " {:.1} |", median(&cpu));
                    }
                    None => line.push_str(" - |"),
                }
            }
            match paired(all, op, concurrency, Side::Orm, |s| s.client_cpu_us) {
                Some(ratio) => {
                    let _ = write!(line, " {ratio:.3} |");
                }
                None => line.push_str(" - |"),
            }
            if server {
                for &side in sides {
                    let cpu: Vec<f64> = find_series(all, op, concurrency, side)
                        .map(|series| {
                            series
                                .samples
                                .iter()
                                .filter_map(|s| s.server_cpu_us)
                                .collect()
                        })
                        .unwrap_or_default();
                    if cpu.is_empty() {
                        line.push_str(" - |");
                    } else {
                        let _ = write!(line, " {:.0} |", median(&cpu));
                    }
                }
            }
            let _ = writeln!(w, "{line}");
        }
    }

    if args.sides.len() > 2 {
        let _ = writeln!(
            w,
            "\n## Every side: median throughput (paired ratio to raw; paired client-CPU ratio to raw)\n\n\
             raw-tuple = driver calls reading rows as a tuple; raw+model = driver calls with \
             the model's derived SerializeRow/DeserializeRow.\n"
        );
        let mut header = String::from("| operation | concurrency | unit |");
        let mut rule = String::from("|---|---:|---|");
        for side in sides {
            let _ = write!(header, " {} |", side.name());
            rule.push_str("---:|");
        }
        let _ = writeln!(w, "{header}\n{rule}");
        for &op in &args.only {
            for &concurrency in &args.concurrency {
                if find_series(all, op, concurrency, Side::Raw).is_none() {
                    continue;
                }
                let mut line = format!("| {} | {} | {} |", op.name(), concurrency, op.unit());
                for &side in sides {
                    match find_series(all, op, concurrency, side) {
                        Some(series) => {
                            let rate = paired(all, op, concurrency, side, |s| s.rate);
                            let cpu = paired(all, op, concurrency, side, |s| s.client_cpu_us);
                            let _ = write!(
                                line,
                                " {} ({:.3}; cpu {:.3}) |",
                                thousands(median(&series.rates())),
                                rate.unwrap_or(f64::NAN),
                                cpu.unwrap_or(f64::NAN)
                            );
                        }
                        None => line.push_str(" - |"),
                    }
                }
                let _ = writeln!(w, "{line}");
            }
        }
    }
    out
}

/// Sizes of what each side moves per operation (futures) and per row (stream items): the
/// ORM's extra layers show up here.
fn sizes(ctx: &Ctx) -> String {
    use scylla::errors::NextRowError;
    use std::mem::{size_of, size_of_val};

    let db = &ctx.db;
    let session = ctx.session();
    let key = ctx.find_key(0, 0);
    let row = write_row(Uuid::nil(), 0);
    let orm_find = ReadRow::find(db, &key);
    let raw_find = session.execute_unpaged(&ctx.raw_find, key);
    let orm_insert = row.insert(db);
    let raw_insert = session.execute_unpaged(
        &ctx.raw_insert,
        (
            row.pk,
            row.ck,
            &row.name,
            &row.payload,
            row.score,
            row.views,
        ),
    );
    let orm_stream = ReadRow::query()
        .filter(ReadRow::PK.eq(ctx.stream_pk))
        .stream(db);
    let raw_stream = session.execute_iter(ctx.raw_stream.clone(), (ctx.stream_pk,));
    let mut out = String::from(
        "\n## Sizes in bytes (futures as created, before their first poll)\n\n\
         | what | ORM | raw |\n|---|---:|---:|\n",
    );
    let mut line = |what: &str, orm: usize, raw: usize| {
        let _ = writeln!(out, "| {what} | {orm} | {raw} |");
    };
    line(
        "insert future",
        size_of_val(&orm_insert),
        size_of_val(&raw_insert),
    );
    line(
        "find future (raw: execute_unpaged only)",
        size_of_val(&orm_find),
        size_of_val(&raw_find),
    );
    line(
        "stream-opening future",
        size_of_val(&orm_stream),
        size_of_val(&raw_stream),
    );
    line(
        "stream item (`Result<row, error>`)",
        size_of::<Result<ReadRow, orm_core::Error>>(),
        size_of::<Result<RawRow, NextRowError>>(),
    );
    line(
        "error type",
        size_of::<orm_core::Error>(),
        size_of::<NextRowError>(),
    );
    out
}

/// Heap allocations per operation (per stream, and per row, for `stream`), every thread.
async fn allocation_pass(ctx: &Ctx, args: &Args) -> Result<String> {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(
        w,
        "\n## Heap allocations per operation (concurrency 1, {} operations, whole process)\n",
        args.alloc_ops
    );
    let _ = writeln!(
        w,
        "| operation | side | allocations/op | bytes/op | allocations per row |"
    );
    let _ = writeln!(w, "|---|---|---:|---:|---:|");
    for &op in &args.only {
        for side in Side::ALL {
            if !side.applies_to(op) {
                continue;
            }
            let n = match op {
                Op::Stream => (args.alloc_ops / 100).max(2),
                _ => args.alloc_ops,
            };
            let rows = if op == Op::Insert {
                ctx.rows_to_insert(n)
            } else {
                Vec::new()
            };
            ALLOCATIONS.store(0, Ordering::Relaxed);
            ALLOCATED_BYTES.store(0, Ordering::Relaxed);
            COUNTING.store(true, Ordering::Relaxed);
            let result = match op {
                Op::Insert => run_insert(ctx, side, 1, &rows).await,
                Op::Find => run_find(ctx, side, 1, n, 0).await,
                Op::Stream => run_stream(ctx, side, 1, n).await,
            };
            COUNTING.store(false, Ordering::Relaxed);
            let units = result?;
            let allocations = ALLOCATIONS.load(Ordering::Relaxed) as f64 / n as f64;
            let bytes = ALLOCATED_BYTES.load(Ordering::Relaxed) as f64 / n as f64;
            let per_row = if op == Op::Stream {
                format!("{:.3}", allocations * n as f64 / units as f64)
            } else {
                "-".to_owned()
            };
            let _ = writeln!(
                w,
                "| {} | {} | {:.1} | {} | {} |",
                op.name(),
                side.name(),
                allocations,
                thousands(bytes),
                per_row
            );
        }
    }
    Ok(out)
}

/// Busy CPU time of the whole machine, from `/proc/stat` (all CPUs, clock ticks).
fn machine_busy() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    // user nice system idle iowait irq softirq steal: everything but idle and iowait.
    let busy: u64 = fields
        .iter()
        .take(8)
        .enumerate()
        .filter(|(i, _)| *i != 3 && *i != 4)
        .map(|(_, v)| v)
        .sum();
    Some(Duration::from_secs_f64(
        busy as f64 / clock_ticks_per_second(),
    ))
}

fn clock_ticks_per_second() -> f64 {
    // SAFETY: `sysconf` has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if hz > 0 { hz as f64 } else { 100.0 }
}

/// Who used the machine's CPUs while the rounds ran: this client, the server, the rest.
struct CpuShare {
    wall: Instant,
    machine: Option<Duration>,
    client: Duration,
    server: Option<Duration>,
}

impl CpuShare {
    fn now(args: &Args) -> Self {
        CpuShare {
            wall: Instant::now(),
            machine: machine_busy(),
            client: process_cpu(),
            server: args.server_pid.and_then(other_process_cpu),
        }
    }

    /// "machine 91% busy: client 20%, server 60%, other processes 11%".
    fn since(&self, args: &Args) -> String {
        let end = CpuShare::now(args);
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let capacity = end.wall.duration_since(self.wall).as_secs_f64() * cores as f64;
        let pct = |d: Duration| 100.0 * d.as_secs_f64() / capacity;
        let Some(machine) = end
            .machine
            .zip(self.machine)
            .map(|(b, a)| b.saturating_sub(a))
        else {
            return "unknown".to_owned();
        };
        let client = end.client.saturating_sub(self.client);
        let mut text = format!(
            "machine {:.0}% busy (of {cores} CPUs for {:.0} s): this client {:.0}%",
            pct(machine),
            end.wall.duration_since(self.wall).as_secs_f64(),
            pct(client)
        );
        match end
            .server
            .zip(self.server)
            .map(|(b, a)| b.saturating_sub(a))
        {
            Some(server) => {
                let other = machine.saturating_sub(client).saturating_sub(server);
                let _ = write!(
                    text,
                    ", the server {:.0}%, other processes {:.0}%",
                    pct(server),
                    pct(other)
                );
            }
            None => {
                let _ = write!(
                    text,
                    ", the server and other processes {:.0}% (pass --server-pid to separate them)",
                    pct(machine.saturating_sub(client))
                );
            }
        }
        text
    }
}

/// What was measured, where, and with which settings.
async fn settings(ctx: &Ctx, args: &Args, cpu_share: &str) -> String {
    let version = async {
        ctx.session()
            .query_unpaged("SELECT release_version FROM system.local", ())
            .await
            .ok()?
            .into_rows_result()
            .ok()?
            .maybe_first_row::<(String,)>()
            .ok()?
            .map(|(version,)| version)
    }
    .await
    .unwrap_or_else(|| "unknown".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!(
        "\n## Settings\n\n\
         server {} (release_version {version}); client: {cores} logical CPUs; \
         rounds {}; concurrency {:?}; per measurement: {} ops at concurrency 1, {} above; \
         {} streams of {STREAM_ROWS} rows at concurrency 1, {} above.\n\n\
         CPU use during the timed rounds: {cpu_share}.\n",
        args.uri,
        args.rounds,
        args.concurrency,
        args.ops,
        args.ops_concurrent,
        args.streams,
        args.streams_concurrent,
    )
}

// ---------------------------------------------------------------------------------------

fn main() -> Result<()> {
    let args = parse_args()?;
    let runtime = if args.current_thread {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    }
    .enable_all()
    .build()?;
    runtime.block_on(run(args))
}

async fn run(args: Args) -> Result<()> {
    let wall = Instant::now();
    let ctx = setup(&args).await?;

    eprintln!("ORM statements:");
    eprintln!("  insert: {}", render::insert(WriteRow::TABLE));
    eprintln!(
        "  find:   {}",
        render::select_by_primary_key(ReadRow::TABLE)
    );
    eprintln!(
        "  stream: {}",
        ReadRow::query().filter(ReadRow::PK.eq(Uuid::nil())).cql()?
    );
    eprintln!(
        "raw statements:\n  insert: {RAW_INSERT}\n  find:   {RAW_FIND}\n  stream: {RAW_STREAM}"
    );

    warm_up(&ctx, &args).await?;
    let cpu_before = CpuShare::now(&args);

    let sides = args.sides.as_slice();
    let mut all: Vec<Series> = Vec::new();
    for &op in &args.only {
        for &concurrency in &args.concurrency {
            for &side in sides {
                if side.applies_to(op) {
                    all.push(Series {
                        op,
                        concurrency,
                        side,
                        samples: Vec::new(),
                    });
                }
            }
        }
    }

    for round in 0..args.rounds {
        eprintln!("round {}/{}", round + 1, args.rounds);
        for &op in &args.only {
            for &concurrency in &args.concurrency {
                let here: Vec<Side> = sides.iter().copied().filter(|s| s.applies_to(op)).collect();
                let samples = measure_round(&ctx, &args, op, concurrency, round, &here).await?;
                let mut line = format!("  {:<6} c={:<3}", op.name(), concurrency);
                for (side, sample) in samples {
                    let _ = write!(
                        line,
                        "  {} {:>9} {} ({:.1} us cpu)",
                        side.name(),
                        thousands(sample.rate),
                        op.unit(),
                        sample.client_cpu_us
                    );
                    all.iter_mut()
                        .find(|s| s.op == op && s.concurrency == concurrency && s.side == side)
                        .expect("every series was created above")
                        .samples
                        .push(sample);
                }
                eprintln!("{line}");
            }
        }
    }

    let cpu_share = cpu_before.since(&args);
    let mut text = settings(&ctx, &args, &cpu_share).await;
    text.push_str(&report(&args, &all));
    text.push_str(&sizes(&ctx));
    if args.alloc_ops > 0 {
        text.push_str(&allocation_pass(&ctx, &args).await?);
    }
    println!("{text}");
    eprintln!("total time {:.0} s", wall.elapsed().as_secs_f64());
    Ok(())
}
