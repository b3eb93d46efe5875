//! Eager loading, measured: 1,000 users x 10 posts, the posts of every user loaded
//!
//! (a) naively, one user after another,
//! (b) as the seed's TypeScript original does: one query per user, all at once,
//! (c) with this ORM's eager loading (`eager::load`), and
//! (d) with hand-written concurrent driver code,
//!
//! in one run against the same server, interleaved over several rounds. Run with
//! `cargo run --release -p orm-bench --bin eager -- [--users N] [--rounds R]`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt, stream};
use orm_core::eager;
use orm_core::prelude::*;
use orm_core::schema::Replication;
use scylla::client::session::Session;
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

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let flag = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let users_count = flag("--users", 1_000);
    let rounds = flag("--rounds", 5);
    let uri = std::env::var("SCYLLA_URI").unwrap_or_else(|_| "127.0.0.1:9042".to_owned());

    let db = Db::connect(&uri).await?;
    db.create_keyspace("orm_bench_eager", &Replication::Simple(1))
        .await?;
    db.use_keyspace("orm_bench_eager").await?;
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

    // Warm up every path once (prepares, connection pools, server caches).
    let warm = &users[..users.len().min(100)];
    naive(&db, warm).await?;
    seed_style(&db, warm).await?;
    orm(&db, warm).await?;
    raw(session, &raw_select, warm).await?;

    let mut times: HashMap<&str, Vec<Duration>> = HashMap::new();
    for round in 0..rounds {
        for (name, elapsed, posts) in [
            (
                "(a) naive, one user after another",
                timed(naive(&db, &users)).await?,
                0,
            ),
            (
                "(b) seed style, all users at once",
                timed(seed_style(&db, &users)).await?,
                0,
            ),
            (
                "(c) this ORM, eager::load",
                timed(orm(&db, &users)).await?,
                0,
            ),
            (
                "(d) hand-written driver code",
                timed(raw(session, &raw_select, &users)).await?,
                0,
            ),
        ]
        .map(|(name, (elapsed, posts), _)| (name, elapsed, posts))
        {
            assert_eq!(
                posts,
                users.len() * POSTS_PER_USER as usize,
                "{name} loaded every post"
            );
            times.entry(name).or_default().push(elapsed);
        }
        eprintln!("round {} of {rounds} done", round + 1);
    }

    let median = |name: &str| {
        let mut all = times[name].clone();
        all.sort();
        all[all.len() / 2]
    };
    println!("| variant | median | min - max | statements |");
    println!("|---|---|---|---|");
    for name in [
        "(a) naive, one user after another",
        "(b) seed style, all users at once",
        "(c) this ORM, eager::load",
        "(d) hand-written driver code",
    ] {
        let all = &times[name];
        println!(
            "| {name} | {:.1} ms | {:.1} - {:.1} ms | {} |",
            ms(median(name)),
            ms(*all.iter().min().expect("rounds > 0")),
            ms(*all.iter().max().expect("rounds > 0")),
            users.len()
        );
    }
    let (a, c, d) = (
        median("(a) naive, one user after another"),
        median("(c) this ORM, eager::load"),
        median("(d) hand-written driver code"),
    );
    println!();
    println!(
        "ORM / hand-written: {:.3}",
        c.as_secs_f64() / d.as_secs_f64()
    );
    println!("naive / ORM: {:.1}x", a.as_secs_f64() / c.as_secs_f64());
    Ok(())
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

async fn timed(work: impl Future<Output = Result<usize>>) -> Result<(Duration, usize)> {
    let start = Instant::now();
    let posts = work.await?;
    Ok((start.elapsed(), posts))
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
async fn orm(db: &Db, users: &[User]) -> Result<usize> {
    let loaded = eager::load(db, users.to_vec(), User::posts_relation).await?;
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
async fn raw(
    session: &Session,
    select: &scylla::statement::prepared::PreparedStatement,
    users: &[User],
) -> Result<usize> {
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
