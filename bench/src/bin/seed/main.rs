//! Seeding, measured: a graph of users with posts written by a `Factory` (`has("posts",
//! ...)`, keys filled from the relation) against the same rows made and inserted by
//! hand-written code (`row.insert(&db)`, users then posts, the foreign key set by hand),
//! both at the same concurrency (`buffer_unordered(C)`, the factory's `concurrency(C)`).
//!
//! Both sides make their rows inside the timed part with the same fake-data calls, so the
//! difference is what the factory adds: its generators, key carrying and bookkeeping.
//! The sides alternate within each round (the first side flips every round); the ratio is
//! paired per round, so load that changes between rounds cancels out.
//!
//! `cargo run --release -p orm-bench --bin seed -- [--users N] [--posts P]
//! [--concurrency C] [--rounds R]`

use std::time::{Duration, Instant};

use futures::{StreamExt, stream};
use orm_bench::process_cpu;
use orm_core::factory::Factory;
use orm_core::factory::fake::Fake;
use orm_core::factory::fake::faker::lorem::en::Sentence;
use orm_core::factory::fake::faker::name::en::Name;
use orm_core::factory::rand::{SeedableRng, rngs::StdRng};
use orm_core::prelude::*;
use uuid::Uuid;

#[derive(Model, Debug, Clone)]
#[orm(table = "seed_users")]
#[has_many(Post, foreign_key = "user_id")]
struct User {
    #[orm(partition_key)]
    id: Uuid,
    name: String,
}

#[derive(Model, Debug, Clone)]
#[orm(table = "seed_posts")]
struct Post {
    #[orm(partition_key)]
    user_id: Uuid,
    #[orm(clustering_key)]
    id: i64,
    title: String,
}

struct Args {
    users: usize,
    posts: usize,
    concurrency: usize,
    rounds: usize,
}

fn args() -> Args {
    let mut args = Args {
        users: 200,
        posts: 9,
        concurrency: 32,
        rounds: 7,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    for pair in argv.chunks(2) {
        let value = pair.get(1).and_then(|v| v.parse().ok());
        match (pair[0].as_str(), value) {
            ("--users", Some(v)) => args.users = v,
            ("--posts", Some(v)) => args.posts = v,
            ("--concurrency", Some(v)) => args.concurrency = v,
            ("--rounds", Some(v)) => args.rounds = v,
            _ => panic!("usage: seed [--users N] [--posts P] [--concurrency C] [--rounds R]"),
        }
    }
    args
}

fn user(rng: &mut StdRng, id: Uuid) -> User {
    User {
        id,
        name: Name().fake_with_rng(rng),
    }
}

fn post(rng: &mut StdRng, user_id: Uuid, id: i64) -> Post {
    Post {
        user_id,
        id,
        title: Sentence(3..6).fake_with_rng(rng),
    }
}

/// The factory side: one `create` of the whole graph.
async fn factory(db: &Db, args: &Args) -> u64 {
    let users = Factory::new(|f| {
        let id = f.uuid();
        user(f.rng(), id)
    });
    let posts = Factory::new(|f| {
        let id = f.sequence() as i64;
        post(f.rng(), Uuid::nil(), id)
    });
    let seeded = users
        .times(args.users)
        .has("posts", posts.times(args.posts))
        .concurrency(args.concurrency)
        .create(db)
        .await
        .expect("seeding");
    seeded.report.total()
}

/// The hand-written side: the same rows, made and inserted level by level.
async fn by_hand(db: &Db, args: &Args) -> u64 {
    let mut rng = StdRng::seed_from_u64(rand_seed());
    let users: Vec<User> = (0..args.users)
        .map(|_| {
            let id = Uuid::from_u128(orm_core::factory::rand::RngExt::random(&mut rng));
            user(&mut rng, id)
        })
        .collect();
    insert_all(db, &users, args.concurrency).await;
    let mut posts = Vec::with_capacity(args.users * args.posts);
    for (i, owner) in users.iter().enumerate() {
        for j in 0..args.posts {
            posts.push(post(&mut rng, owner.id, (i * args.posts + j + 1) as i64));
        }
    }
    insert_all(db, &posts, args.concurrency).await;
    (users.len() + posts.len()) as u64
}

async fn insert_all<M: Model>(db: &Db, rows: &[M], concurrency: usize) {
    let writes: Vec<_> = rows.iter().map(|row| row.insert(db)).collect();
    let mut results = stream::iter(writes).buffer_unordered(concurrency);
    while let Some(result) = results.next().await {
        result.expect("insert");
    }
}

fn rand_seed() -> u64 {
    orm_core::factory::rand::random()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = args();
    let db = Db::connect(&orm_bench::scylla_uri()).await?;
    orm_bench::use_keyspace(&db, "orm_seed_bench", true).await?;
    User::create_table(&db).await?;
    Post::create_table(&db).await?;

    println!(
        "seed bench: {} users x {} posts = {} rows per run, concurrency {}, {} rounds; load average before: {}",
        args.users,
        args.posts,
        args.users * (1 + args.posts),
        args.concurrency,
        args.rounds,
        load_average()
    );
    // Warm-up: prepare the statements, fill the caches.
    factory(&db, &args).await;
    by_hand(&db, &args).await;

    let (mut factory_rates, mut hand_rates, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let (mut factory_cpu, mut hand_cpu, mut cpu_ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..args.rounds {
        let mut rates = [0.0; 2];
        // Client CPU (every thread, the driver's included) per row, in microseconds.
        let mut cpu = [0.0; 2];
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for side in order {
            let (start, cpu_start) = (Instant::now(), process_cpu());
            let rows = if side == 0 {
                factory(&db, &args).await
            } else {
                by_hand(&db, &args).await
            };
            let elapsed = start.elapsed().max(Duration::from_micros(1));
            rates[side] = rows as f64 / elapsed.as_secs_f64();
            cpu[side] = (process_cpu() - cpu_start).as_secs_f64() * 1e6 / rows as f64;
        }
        println!(
            "round {round}: factory {:.0} rows/s ({:.1} us CPU/row), hand-written {:.0} rows/s ({:.1} us CPU/row), ratio {:.3}",
            rates[0],
            cpu[0],
            rates[1],
            cpu[1],
            rates[0] / rates[1]
        );
        factory_rates.push(rates[0]);
        hand_rates.push(rates[1]);
        ratios.push(rates[0] / rates[1]);
        factory_cpu.push(cpu[0]);
        hand_cpu.push(cpu[1]);
        cpu_ratios.push(cpu[0] / cpu[1]);
    }
    let (low, high) = ratios
        .iter()
        .fold((f64::MAX, f64::MIN), |(l, h), r| (l.min(*r), h.max(*r)));
    println!(
        "median: factory {:.0} rows/s, hand-written {:.0} rows/s; factory/hand-written paired median {:.3} (min-max {:.3}-{:.3}); load average after: {}",
        median(&mut factory_rates),
        median(&mut hand_rates),
        median(&mut ratios),
        low,
        high,
        load_average()
    );
    println!(
        "client CPU per row, median: factory {:.1} us, hand-written {:.1} us; factory/hand-written paired median {:.3}",
        median(&mut factory_cpu),
        median(&mut hand_cpu),
        median(&mut cpu_ratios)
    );
    Ok(())
}
