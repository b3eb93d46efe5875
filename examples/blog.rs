//! A tiny blog: users and their posts, stored in a real ScyllaDB (or Cassandra).
//!
//! Run it with `scripts/db up && cargo run -p orm-examples --example blog`; it connects to
//! `SCYLLA_URI` (default `127.0.0.1:9042`).

use orm_core::prelude::*;
use orm_core::scylla::value::CqlTimestamp;
use uuid::Uuid;

mod support;

/// A user, looked up by id. Their posts are one partition of `posts`.
#[derive(Model, Debug)]
#[orm(table = "users")]
#[has_many(Post, foreign_key = "user_id")]
struct User {
    #[orm(partition_key)]
    id: Uuid,
    name: String,
    email: String,
}

/// A post, stored in its author's partition, newest first.
#[derive(Model, Debug)]
#[orm(table = "posts")]
#[belongs_to(User, foreign_key = "user_id")]
struct Post {
    #[orm(partition_key)]
    user_id: Uuid,
    #[orm(clustering_key, order = "desc")]
    created_at: CqlTimestamp,
    title: String,
    #[orm(rename = "body_text")]
    body: String,
}

/// Just the titles of posts.
#[derive(Projection, Debug)]
#[orm(model = Post)]
struct PostTitle {
    title: String,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let db = support::connect("orm_blog_example").await?;
    User::create_table(&db).await?;
    Post::create_table(&db).await?;

    let ada = User {
        id: Uuid::new_v4(),
        name: "Ada Lovelace".into(),
        email: "ada@example.com".into(),
    };
    ada.insert(&db).await?;

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis() as i64;
    let posts = [
        (
            "Notes on the Analytical Engine",
            "It weaves algebraic patterns.",
        ),
        (
            "On Bernoulli numbers",
            "A program, before there were computers.",
        ),
    ];
    for (i, (title, body)) in posts.into_iter().enumerate() {
        let post = Post {
            user_id: ada.id,
            created_at: CqlTimestamp(now + i as i64),
            title: title.into(),
            body: body.into(),
        };
        post.insert(&db).await?;
    }

    let user = User::find(&db, &ada.id)
        .await?
        .ok_or("the user we just wrote is missing")?;
    println!("user  {} <{}> ({})", user.name, user.email, user.id);

    // Through the relation: one partition read, the author's posts, newest first.
    let posts = user.posts_relation();
    println!("query {}", posts.get_query().cql()?);
    let written = posts.get(&db).await?;
    for post in &written {
        println!("post  {:?}: {}", post.title, post.body);
    }

    // Change one column of one post; the others are not rewritten.
    let newest = &written[0];
    Post::update(&(newest.user_id, newest.created_at))
        .set(Post::TITLE, format!("{} (revised)", newest.title))
        .execute(&db)
        .await?;
    let titles: Vec<String> = posts
        .get_query()
        .select::<PostTitle>()
        .get(&db)
        .await?
        .into_iter()
        .map(|p| p.title)
        .collect();
    println!("titles now {titles:?}");

    // And back: a post's author, by the author's partition key.
    let author = newest.user_relation().get(&db).await?;
    println!("author of {:?}: {:?}", newest.title, author.map(|u| u.name));

    // Eager loading: the user with their posts and a count, in two more round trips.
    let loaded = User::query()
        .filter(User::ID.eq(ada.id))
        .with(User::posts_relation)
        .with_count(User::posts_relation)
        .first(&db)
        .await?
        .ok_or("the user we just wrote is missing")?;
    println!(
        "eager {} has {} posts (counted {})",
        loaded.name,
        loaded.related(User::posts_relation)?.len(),
        loaded.related_count(User::posts_relation)?
    );

    // Clean up this run's rows; the tables stay for the next run.
    Post::delete_partition(&db, &ada.id).await?;
    user.delete(&db).await?;
    println!(
        "read back 1 user and {} posts; {} statements sent",
        written.len(),
        db.statements_executed()
    );
    Ok(())
}
