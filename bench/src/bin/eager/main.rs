//! Eager loading, measured: 1,000 users x 10 posts, the posts of every user loaded
//!
//! (a) naively, one user after another,
//! (b) as the seed's TypeScript original does: one query per user, all at once,
//! (c) with this ORM's eager loading (`eager::load`),
//! (d) with hand-written concurrent driver code, and
//! (e) with hand-written driver code, one user after another (the twin of (a)),
//!
//! in one run against the same server, over several rounds. Each round runs the five in a
//! different order (rotated), so that no variant always follows the same one: (b) sends
//! 1,000 requests at once and leaves the server busier for whatever runs next.
//!
//! `cargo run --release -p orm-bench --bin eager -- [--users N] [--rounds R] [--latency-ms D]`
//! `--latency-ms D` puts a proxy between client and server that delays each direction by
//! D ms (see `proxy.rs`; `0.5` is allowed), to show the loads over a network rather than
//! loopback.

mod proxy;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt, stream};
use orm_bench::process_cpu;
use orm_core::eager;
use orm_core::prelude::*;
use scylla::client::session::Session;
use scylla::statement::prepared::PreparedStatement;
use uuid::Uuid;

#[derive(Model, Debug, Clone)]
#[orm(table = "eager_users")]
#[has_many(Post, foreign_key = "user_id")]
struct User {
    #[orm(partition_key)]
    id: Uuid,
    name: String,
}

#[derive(Model, Debug, Clone)]
#[orm(table = "eager_posts")]
struct Post {
    #[orm(partition_key)]
    user_id: Uuid,
    #[orm(clustering_key)]
    id: i32,
    title: String,
    body: String,
}

const POSTS_PER_USER: i32 = 10;
/// The driver-side concurrency of (d), equal to the ORM's default for (c).
const CONCURRENCY: usize = eager::DEFAULT_CONCURRENCY;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Variant {
    Naive,
    SeedStyle,
    Orm,
    Raw,
    NaiveRaw,
}

impl Variant {
    const ALL: [Variant; 5] = [
        Variant::Naive,
        Variant::SeedStyle,
        Variant::Orm,
        Variant::Raw,
        Variant::NaiveRaw,
    ];

    /// The variant's letter, as `--only` takes it.
    fn letter(self) -> char {
        match self {
            Variant::Naive => 'a',
            Variant::SeedStyle => 'b',
            Variant::Orm => 'c',
            Variant::Raw => 'd',
            Variant::NaiveRaw => 'e',
        }
    }

    fn label(self) -> &'static str {
        match self {
            Variant::Naive => "(a) naive, one user after another",
            Variant::SeedStyle => "(b) seed style, all users at once",
            Variant::Orm => "(c) this ORM, eager::load",
            Variant::Raw => "(d) hand-written driver code",
            Variant::NaiveRaw => "(e) hand-written, one user after another",
        }
    }
}

/// What one variant took in one round.
#[derive(Debug, Clone, Copy)]
struct Sample {
    wall: Duration,
    client_cpu: Duration,
}

/// Everything a variant needs.
struct Setup<'a> {
    db: &'a Db,
    session: &'a Session,
    raw_select: &'a PreparedStatement,
}

impl Setup<'_> {
    /// Runs `variant`; (c) takes its rows by value (`eager::load` keeps them), so it
    /// gets them as `owned`, copied before the clock starts.
    async fn run(&self, variant: Variant, users: &[User], owned: Vec<User>) -> Result<usize> {
        match variant {
            Variant::Naive => naive(self.db, users).await,
            Variant::SeedStyle => seed_style(self.db, users).await,
            Variant::Orm => orm(self.db, owned).await,
            Variant::Raw => raw(self.session, self.raw_select, users).await,
            Variant::NaiveRaw => naive_raw(self.session, self.raw_select, users).await,
        }
    }

    async fn measure(&self, variant: Variant, users: &[User]) -> Result<Sample> {
        let owned = match variant {
            Variant::Orm => users.to_vec(),
            _ => Vec::new(),
        };
        let cpu = process_cpu();
        let start = Instant::now();
        let posts = self.run(variant, users, owned).await?;
        let sample = Sample {
            wall: start.elapsed(),
            client_cpu: process_cpu() - cpu,
        };
        assert_eq!(
            posts,
            users.len() * POSTS_PER_USER as usize,
            "{} loaded every post",
            variant.label()
        );
        Ok(sample)
    }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(proxy::SERVE_FLAG) {
        let delay = args.get(3).and_then(|d| d.parse().ok()).unwrap_or(1.0);
        proxy::serve(&args[2], delay);
    }
    let flag = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let users_count = flag("--users", 1_000);
    let rounds = flag("--rounds", 8);
    let latency_ms: f64 = args
        .iter()
        .position(|a| a == "--latency-ms")
        .and_then(|i| args.get(i + 1))
        .map_or(Ok(0.0), |v| v.parse())
        .map_err(|_| "--latency-ms takes milliseconds, such as 0.5")?;
    // `--only c,d` runs some variants (for profiling one of them).
    let only: Vec<Variant> = match args.iter().position(|a| a == "--only") {
        Some(i) => {
            let letters = args.get(i + 1).map_or("", String::as_str);
            Variant::ALL
                .into_iter()
                .filter(|v| letters.contains(v.letter()))
                .collect()
        }
        None => Variant::ALL.to_vec(),
    };
    if only.is_empty() {
        return Err("--only takes letters among a,b,c,d,e".into());
    }
    let server = orm_bench::scylla_uri();
    let proxy = match latency_ms {
        0.0 => None,
        delay => Some(proxy::Proxy::start(&server, delay)?),
    };
    let uri = proxy
        .as_ref()
        .map_or(server.clone(), |proxy| proxy.address.to_string());
    // `--current-thread`: one thread, for instruction counts under callgrind that timers
    // and wake-ups between worker threads do not blur.
    let runtime = if args.iter().any(|a| a == "--current-thread") {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
    } else {
        tokio::runtime::Runtime::new()?
    };
    runtime.block_on(bench(&uri, &only, users_count, rounds, latency_ms))
}

async fn bench(
    uri: &str,
    only: &[Variant],
    users_count: usize,
    rounds: usize,
    latency_ms: f64,
) -> Result<()> {
    let db = Db::connect(uri).await?;
    orm_bench::use_keyspace(&db, "orm_bench_eager", false).await?;
    User::create_table(&db).await?;
    Post::create_table(&db).await?;
    let users = seed(&db, users_count).await?;
    eprintln!("seeded {users_count} users x {POSTS_PER_USER} posts");

    let session = db.session();
    let raw_select = session
        .prepare(
            r#"SELECT "user_id", "id", "title", "body" FROM "eager_posts" WHERE "user_id" = ?"#,
        )
        .await?;
    let setup = Setup {
        db: &db,
        session,
        raw_select: &raw_select,
    };

    // Warm up every path once (prepares, connection pools, server caches).
    let warm = &users[..users.len().min(100)];
    for &variant in only {
        setup.run(variant, warm, warm.to_vec()).await?;
    }

    let mut samples: HashMap<Variant, Vec<Sample>> = HashMap::new();
    for round in 0..rounds {
        for step in 0..only.len() {
            let variant = only[(round + step) % only.len()];
            let sample = setup.measure(variant, &users).await?;
            samples.entry(variant).or_default().push(sample);
        }
        eprintln!("round {} of {rounds} done", round + 1);
    }
    report(&samples, users.len(), rounds, latency_ms);
    Ok(())
}

fn report(samples: &HashMap<Variant, Vec<Sample>>, users: usize, rounds: usize, latency_ms: f64) {
    if Variant::ALL.iter().any(|v| !samples.contains_key(v)) {
        // A partial run (`--only`) is for profiling; its numbers are not compared.
        for (variant, all) in samples {
            let wall: Vec<f64> = all.iter().map(|s| ms(s.wall)).collect();
            println!("{}: {wall:.1?} ms", variant.label());
        }
        return;
    }
    let median = |variant: Variant, of: fn(&Sample) -> Duration| {
        let mut all: Vec<Duration> = samples[&variant].iter().map(of).collect();
        all.sort();
        all[all.len() / 2]
    };
    let wall = |s: &Sample| s.wall;
    let cpu = |s: &Sample| s.client_cpu;
    if latency_ms > 0.0 {
        println!("{users} users, {rounds} rounds, through a proxy adding {latency_ms} ms each way");
    } else {
        println!("{users} users, {rounds} rounds, loopback");
    }
    // The naive loop waits for every query in turn: its time per query is the round
    // trip as the client sees it, server work included.
    println!(
        "one query's round trip (naive time / users): {:.3} ms",
        ms(median(Variant::Naive, wall)) / users as f64
    );
    println!();
    println!("| variant | median | min - max | client CPU (median) | statements |");
    println!("|---|---:|---:|---:|---:|");
    for variant in Variant::ALL {
        let all = &samples[&variant];
        println!(
            "| {} | {:.1} ms | {:.1} - {:.1} ms | {:.1} ms | {users} |",
            variant.label(),
            ms(median(variant, wall)),
            ms(all.iter().map(|s| s.wall).min().expect("rounds > 0")),
            ms(all.iter().map(|s| s.wall).max().expect("rounds > 0")),
            ms(median(variant, cpu)),
        );
    }
    // Paired per round: the ORM's time over the hand-written code's in the same round.
    let mut paired: Vec<f64> = samples[&Variant::Orm]
        .iter()
        .zip(&samples[&Variant::Raw])
        .map(|(orm, raw)| orm.wall.as_secs_f64() / raw.wall.as_secs_f64())
        .collect();
    paired.sort_by(f64::total_cmp);
    let ratio = |a: Variant, b: Variant, of: fn(&Sample) -> Duration| {
        median(a, of).as_secs_f64() / median(b, of).as_secs_f64()
    };
    println!();
    println!(
        "ORM / hand-written: {:.3} (medians), {:.3} (paired per round, median; {:.3} - {:.3})",
        ratio(Variant::Orm, Variant::Raw, wall),
        paired[paired.len() / 2],
        paired[0],
        paired[paired.len() - 1],
    );
    println!(
        "client CPU, ORM / hand-written: {:.3}",
        ratio(Variant::Orm, Variant::Raw, cpu)
    );
    println!(
        "naive / ORM: {:.1}x",
        ratio(Variant::Naive, Variant::Orm, wall)
    );
    // The relation API alone, one query at a time: `posts_relation().get()` against the
    // same statement executed by hand.
    println!(
        "one after another, ORM relation / hand-written: {:.3} (wall), {:.3} (client CPU)",
        ratio(Variant::Naive, Variant::NaiveRaw, wall),
        ratio(Variant::Naive, Variant::NaiveRaw, cpu)
    );
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

async fn seed(db: &Db, count: usize) -> Result<Vec<User>> {
    let users: Vec<User> = (0..count)
        .map(|i| User {
            id: Uuid::new_v4(),
            name: format!("user {i}"),
        })
        .collect();
    let posts = users.iter().flat_map(|user| {
        (0..POSTS_PER_USER).map(move |id| Post {
            user_id: user.id,
            id,
            title: format!("post {id}"),
            body: "x".repeat(200),
        })
    });
    stream::iter(users.iter())
        .map(|user| user.insert(db))
        .buffer_unordered(64)
        .try_collect::<Vec<()>>()
        .await?;
    let posts: Vec<Post> = posts.collect();
    stream::iter(posts.iter())
        .map(|post| post.insert(db))
        .buffer_unordered(64)
        .try_collect::<Vec<()>>()
        .await?;
    Ok(users)
}

/// (a) One user after another.
async fn naive(db: &Db, users: &[User]) -> Result<usize> {
    let mut total = 0;
    for user in users {
        total += user.posts_relation().get(db).await?.len();
    }
    Ok(total)
}

/// (b) One query per user, all sent at once, as the seed's original does.
async fn seed_style(db: &Db, users: &[User]) -> Result<usize> {
    let relations: Vec<_> = users.iter().map(|u| u.posts_relation()).collect();
    let all = futures::future::try_join_all(relations.iter().map(|r| r.get(db))).await?;
    Ok(all.iter().map(Vec::len).sum())
}

/// (c) This ORM's eager loading.
async fn orm(db: &Db, users: Vec<User>) -> Result<usize> {
    let loaded = eager::load(db, users, User::posts_relation).await?;
    let mut total = 0;
    for user in &loaded {
        total += user.related(User::posts_relation)?.len();
    }
    Ok(total)
}

/// A post row as the hand-written code reads it.
type PostRow = (Uuid, i32, String, String);

/// (d) What a careful user writes by hand: one prepared statement, bounded
/// concurrency, rows regrouped by user.
async fn raw(session: &Session, select: &PreparedStatement, users: &[User]) -> Result<usize> {
    let pages: Vec<(Uuid, Vec<PostRow>)> = stream::iter(users.iter().map(|u| u.id))
        .map(|id| async move {
            let rows = session
                .execute_unpaged(select, (id,))
                .await?
                .into_rows_result()?
                .rows::<PostRow>()?
                .collect::<std::result::Result<Vec<_>, _>>()?;
            Ok::<_, Box<dyn std::error::Error>>((id, rows))
        })
        .buffer_unordered(CONCURRENCY)
        .try_collect()
        .await?;
    let grouped: HashMap<Uuid, Vec<PostRow>> = pages.into_iter().collect();
    Ok(grouped.values().map(Vec::len).sum())
}

/// (e) The hand-written twin of (a): one user after another.
async fn naive_raw(session: &Session, select: &PreparedStatement, users: &[User]) -> Result<usize> {
    let mut total = 0;
    for user in users {
        let rows = session
            .execute_unpaged(select, (user.id,))
            .await?
            .into_rows_result()?
            .rows::<PostRow>()?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        total += rows.len();
    }
    Ok(total)
}
