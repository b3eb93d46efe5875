//! The futures and streams the public API returns are `Send`, so they can be spawned on a
//! multi-threaded runtime (`tokio::spawn`) and held across `.await` in `Send` futures.
//!
//! `futures_are_send` is a compile-time check, never called: if any future it names
//! stopped being `Send`, this test binary would not compile. The test at the end spawns
//! the common operations on a multi-threaded runtime against the real server.

use futures::Stream;
use orm_core::prelude::*;
use scylla::value::CqlTimestamp;

#[derive(Model, Debug, Clone)]
#[has_many(Post, foreign_key = "user_id")]
struct User {
    #[orm(partition_key)]
    id: i64,
    name: String,
}

#[derive(Model, Debug, Clone)]
#[belongs_to(User, foreign_key = "user_id")]
struct Post {
    #[orm(partition_key)]
    user_id: i64,
    #[orm(clustering_key)]
    created_at: CqlTimestamp,
    title: String,
}

fn send<T: Send>(_: T) {}

fn send_stream<S: Stream + Send>(_: &S) {}

#[allow(dead_code)]
async fn futures_are_send(db: &Db, user: User, post: Post) -> orm_core::Result<()> {
    // Models: reads and writes by key.
    send(User::find(db, &1));
    send(user.insert(db));
    send(user.delete(db));
    send(User::delete_by_key(db, &1));
    send(Post::delete_partition(db, &1));
    send(User::create_table(db));
    send(User::update(&1).set(User::NAME, "x".to_owned()).execute(db));
    send(User::delete_query().filter(User::ID.eq(1)).execute(db));
    send(Batch::logged().execute(db));

    // Queries.
    send(User::query().filter(User::ID.eq(1)).get(db));
    send(User::query().filter(User::ID.eq(1)).first(db));
    send(User::query().filter(User::ID.eq(1)).count(db));
    send(User::query().filter(User::ID.eq(1)).exists(db));
    send(User::query().filter(User::ID.eq(1)).stream(db));
    let rows = User::query().filter(User::ID.eq(1)).stream(db).await?;
    send_stream(&rows);

    // Relations, both directions, and eager loading.
    send(user.posts_relation().get(db));
    send(user.posts_relation().first(db));
    send(user.posts_relation().count(db));
    send(post.user_relation().get(db));
    send(User::query().with(User::posts_relation).get(db));
    send(User::query().with("posts").first(db));
    Ok(())
}

/// The same operations, spawned on a multi-threaded runtime against the server: what
/// `futures_are_send` promises is what a user does with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spawned_operations_run_on_other_threads() {
    let db = orm_tests::db(&[User::TABLE, Post::TABLE]).await;
    let id = i64::from_le_bytes(orm_tests::unique_id().as_bytes()[..8].try_into().unwrap());
    let user = User {
        id,
        name: "Ada".into(),
    };
    let spawned = tokio::spawn({
        let db = db.clone();
        async move {
            user.insert(&db).await?;
            for minute in 0..3 {
                let post = Post {
                    user_id: id,
                    created_at: CqlTimestamp(minute * 60_000),
                    title: format!("post {minute}"),
                };
                post.insert(&db).await?;
            }
            let found = User::find(&db, &id).await?.expect("the user just written");
            let posts = found.posts_relation().get(&db).await?;
            let loaded = User::query()
                .filter(User::ID.eq(id))
                .with(User::posts_relation)
                .first(&db)
                .await?
                .expect("the user just written");
            let eager_posts = loaded.related(User::posts_relation)?.len();
            let mut streamed = 0;
            let mut rows = Post::query()
                .filter(Post::USER_ID.eq(id))
                .stream(&db)
                .await?;
            while let Some(row) = futures::StreamExt::next(&mut rows).await {
                row?;
                streamed += 1;
            }
            Ok::<_, orm_core::Error>((found.name, posts.len(), eager_posts, streamed))
        }
    });
    let (name, posts, eager_posts, streamed) = spawned
        .await
        .expect("the spawned task ran to its end")
        .expect("every operation succeeded");
    assert_eq!(name, "Ada");
    assert_eq!((posts, eager_posts, streamed), (3, 3, 3));
}
