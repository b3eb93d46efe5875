//! Memory at scale, measured against a real server:
//!
//! 1. **stream**: one partition of 1,000,000 rows read to a given depth (10,000, 100,000,
//!    1,000,000 rows), through the ORM's `stream()` and through the raw driver's
//!    `execute_iter(..).rows_stream()`; each row is dropped as soon as it is read. Flat
//!    memory means the peak does not grow with the depth.
//! 2. **eager**: the posts of 10,000 and then 100,000 users loaded with `eager::load`; what
//!    the load holds at its peak beyond the result it returns.
//!
//! Two measures, both of this client process: the heap (live bytes, counted exactly by a
//! global allocator that adds and subtracts every allocation's size) and the resident set
//! (`VmHWM` of `/proc/self/status`, reset before each measurement through
//! `/proc/self/clear_refs`). The heap is the precise one; the resident set is what an
//! operator sees, and glibc keeps freed memory, so it only ever tells an upper bound.
//!
//! `cargo run --release -p orm-bench --bin memory -- [URI] [--rows N] [--users N]`
//! (defaults: `127.0.0.1:9042`, 1,000,000 rows, 100,000 users). Seeding writes the rows
//! once per run into the keyspace `orm_bench_memory`, which the run drops and recreates.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

use futures::{Stream, StreamExt, TryStreamExt, stream};
use orm_bench::{AllocObserver, Observed};
use orm_core::eager;
use orm_core::prelude::*;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Live heap bytes and their high-water mark, every thread.
struct LiveBytes;

static LIVE: AtomicI64 = AtomicI64::new(0);
static PEAK: AtomicI64 = AtomicI64::new(0);

impl LiveBytes {
    fn grow(by: usize) {
        let live = LIVE.fetch_add(by as i64, Ordering::Relaxed) + by as i64;
        PEAK.fetch_max(live, Ordering::Relaxed);
    }

    fn shrink(by: usize) {
        LIVE.fetch_sub(by as i64, Ordering::Relaxed);
    }

    /// Starts a measurement: the peak restarts from what is live now.
    fn reset_peak() -> i64 {
        let live = LIVE.load(Ordering::Relaxed);
        PEAK.store(live, Ordering::Relaxed);
        live
    }

    fn live() -> i64 {
        LIVE.load(Ordering::Relaxed)
    }

    fn peak() -> i64 {
        PEAK.load(Ordering::Relaxed)
    }
}

impl AllocObserver for LiveBytes {
    #[inline]
    fn allocated(size: usize) {
        Self::grow(size);
    }

    #[inline]
    fn freed(size: usize) {
        Self::shrink(size);
    }

    #[inline]
    fn reallocated(old: usize, new: usize) {
        if new >= old {
            Self::grow(new - old);
        } else {
            Self::shrink(old - new);
        }
    }
}

#[global_allocator]
static GLOBAL: Observed<LiveBytes> = Observed::new();

/// The resident set of this process: `(now, peak since the last reset)`, in bytes.
fn resident() -> (i64, i64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<i64>()
                    .ok()
            })
            .map_or(0, |kb| kb * 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Restarts both high-water marks; returns `(heap, resident)` as they are now.
fn start_measurement() -> (i64, i64) {
    // "5" resets the peak resident set (Linux, proc(5)); without it the peaks stay
    // cumulative and the report says so through equal figures.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    (LiveBytes::reset_peak(), resident().0)
}

fn mib(bytes: i64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

#[derive(Model, Debug, Clone)]
#[orm(table = "memory_rows")]
struct Wide {
    #[orm(partition_key)]
    pk: i32,
    #[orm(clustering_key)]
    ck: i64,
    payload: String,
}

#[derive(scylla::DeserializeRow)]
#[allow(dead_code)] // read to be dropped: the fields are what a real row costs
struct RawWide {
    pk: i32,
    ck: i64,
    payload: String,
}

#[derive(Model, Debug, Clone)]
#[orm(table = "memory_users")]
#[has_many(Post, foreign_key = "user_id")]
struct User {
    #[orm(partition_key)]
    id: i64,
    name: String,
}

#[derive(Model, Debug, Clone)]
#[orm(table = "memory_posts")]
struct Post {
    #[orm(partition_key)]
    user_id: i64,
    #[orm(clustering_key)]
    id: i32,
    title: String,
}

const PARTITION: i32 = 1;
const WRITERS: usize = 128;

struct Args {
    uri: String,
    rows: i64,
    users: i64,
}

fn args() -> Result<Args> {
    let mut parsed = Args {
        uri: orm_bench::scylla_uri(),
        rows: 1_000_000,
        users: 100_000,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Result<i64> {
            let value = args.next().ok_or(format!("{name} wants a number"))?;
            Ok(value.parse()?)
        };
        match arg.as_str() {
            "--rows" => parsed.rows = number("--rows")?,
            "--users" => parsed.users = number("--users")?,
            "--help" | "-h" => {
                println!("memory [URI] [--rows N] [--users N]");
                std::process::exit(0);
            }
            uri if !uri.starts_with('-') => parsed.uri = uri.to_owned(),
            other => return Err(format!("unknown option {other}").into()),
        }
    }
    Ok(parsed)
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = args()?;
    let db = Db::connect(&args.uri).await?;
    orm_bench::use_keyspace(&db, "orm_bench_memory", true).await?;
    Wide::create_table(&db).await?;
    User::create_table(&db).await?;
    Post::create_table(&db).await?;

    seed_rows(&db, args.rows).await?;
    println!("## Streaming one partition of {} rows\n", args.rows);
    println!("| rows read | side | heap peak above start | resident peak above start |");
    println!("|---:|---|---:|---:|");
    let mut depth = 10_000;
    while depth <= args.rows {
        for side in ["ORM", "raw"] {
            let (heap, rss) = start_measurement();
            let read = if side == "ORM" {
                stream_orm(&db, depth).await?
            } else {
                stream_raw(&db, depth).await?
            };
            assert_eq!(read, depth, "the partition holds fewer rows than seeded");
            let (_, rss_peak) = resident();
            println!(
                "| {read} | {side} | {} | {} |",
                mib(LiveBytes::peak() - heap),
                mib(rss_peak - rss)
            );
        }
        depth *= 10;
    }

    seed_users(&db, args.users).await?;
    println!("\n## Eager loading the posts of many users (one post each)\n");
    println!(
        "| parents | heap: result held | heap: peak beyond the result | resident peak above start |"
    );
    println!("|---:|---:|---:|---:|");
    let mut parents = 10_000.min(args.users);
    loop {
        let users: Vec<User> = (0..parents).map(user).collect();
        let (heap, rss) = start_measurement();
        let loaded = eager::load(&db, users, User::posts_relation).await?;
        let held = LiveBytes::live() - heap;
        let (_, rss_peak) = resident();
        let posts: usize = loaded
            .iter()
            .map(|user| user.related(User::posts_relation).map_or(0, Vec::len))
            .sum();
        assert_eq!(posts as i64, parents, "every user has one post");
        println!(
            "| {parents} | {} | {} | {} |",
            mib(held),
            mib(LiveBytes::peak() - heap - held),
            mib(rss_peak - rss)
        );
        drop(loaded);
        if parents == args.users {
            break;
        }
        parents = (parents * 10).min(args.users);
    }
    db.drop_keyspace("orm_bench_memory").await?;
    Ok(())
}

async fn stream_orm(db: &Db, depth: i64) -> Result<i64> {
    let rows = Wide::query()
        .filter(Wide::PK.eq(PARTITION))
        .stream(db)
        .await?;
    read_and_drop(rows, depth).await
}

async fn stream_raw(db: &Db, depth: i64) -> Result<i64> {
    let session = db.session();
    let select = session
        .prepare(r#"SELECT "pk", "ck", "payload" FROM "memory_rows" WHERE "pk" = ?"#)
        .await?;
    let rows = session
        .execute_iter(select, (PARTITION,))
        .await?
        .rows_stream::<RawWide>()?;
    read_and_drop(rows, depth).await
}

/// Reads up to `depth` rows of `rows`, dropping each as soon as it is read; how many.
async fn read_and_drop<T, E>(
    rows: impl Stream<Item = std::result::Result<T, E>>,
    depth: i64,
) -> Result<i64>
where
    E: std::error::Error + 'static,
{
    let mut rows = std::pin::pin!(rows.take(depth as usize));
    let mut read = 0;
    while let Some(row) = rows.next().await {
        drop(row?);
        read += 1;
    }
    Ok(read)
}

async fn seed_rows(db: &Db, rows: i64) -> Result<()> {
    let started = Instant::now();
    stream::iter(0..rows)
        .map(|ck| async move {
            let row = Wide {
                pk: PARTITION,
                ck,
                payload: format!("{ck:0>100}"),
            };
            row.insert(db).await
        })
        .buffer_unordered(WRITERS)
        .try_collect::<()>()
        .await?;
    eprintln!("seeded {rows} rows in {:.0?}", started.elapsed());
    Ok(())
}

fn user(id: i64) -> User {
    User {
        id,
        name: format!("user {id}"),
    }
}

async fn seed_users(db: &Db, users: i64) -> Result<()> {
    let started = Instant::now();
    stream::iter(0..users)
        .map(|id| async move {
            user(id).insert(db).await?;
            let post = Post {
                user_id: id,
                id: 1,
                title: format!("the post of user {id}"),
            };
            post.insert(db).await
        })
        .buffer_unordered(WRITERS)
        .try_collect::<()>()
        .await?;
    eprintln!(
        "seeded {users} users with a post each in {:.0?}",
        started.elapsed()
    );
    Ok(())
}
