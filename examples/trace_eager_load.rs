// One eager load, as a `tracing` subscriber prints it: the load's `orm` span, the users'
// query inside it, the `posts` level with one statement per distinct user, each
// statement's CQL, and what each span cost when it closed.
//
// ```text
// scripts/db up && cargo run -p orm-examples --example trace_eager_load
// ```

use std::io::Write;

use orm_core::prelude::*;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::prelude::*;

mod support;

#[derive(Model, Debug)]
#[orm(table = "trace_users")]
#[has_many(Post, foreign_key = "user_id")]
struct User {
    #[orm(partition_key)]
    id: i64,
    name: String,
}

#[derive(Model, Debug)]
#[orm(table = "trace_posts")]
struct Post {
    #[orm(partition_key)]
    user_id: i64,
    #[orm(clustering_key)]
    id: i64,
    title: String,
}

/// The ORM's spans and events (target `orm_core`, down to `debug`: the CQL sent), each
/// span's fields printed when it closes, without timestamps or colours.
fn subscriber<W>(writer: W) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let orm_only = Targets::new().with_target("orm_core", tracing::Level::DEBUG);
    let printed = tracing_subscriber::fmt::layer()
        .with_writer(writer)
        .with_span_events(FmtSpan::CLOSE)
        .with_target(false)
        .without_time();
    tracing_subscriber::registry().with(printed.with_filter(orm_only))
}

/// Two users with two posts each, then the users loaded with their posts, traced by a
/// subscriber writing to `writer`.
async fn run<W>(writer: W) -> Result<(), Box<dyn std::error::Error>>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let db = support::connect("trace_eager_load").await?;
    User::create_table(&db).await?;
    Post::create_table(&db).await?;
    for user_id in [1, 2] {
        let name = format!("user {user_id}");
        User { id: user_id, name }.insert(&db).await?;
        for id in [1, 2] {
            let title = format!("post {id}");
            Post { user_id, id, title }.insert(&db).await?;
        }
    }

    let _traced = tracing::subscriber::set_default(subscriber(writer));
    let users = User::query()
        .filter(User::ID.in_([1, 2]))
        .with(User::posts_relation)
        .get(&db)
        .await?;
    assert_eq!(users.len(), 2);
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    run(std::io::stdout).await?;
    std::io::stdout().flush()?;
    Ok(())
}
