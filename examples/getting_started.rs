use orm_core::prelude::*;
use orm_core::schema::Replication;
use uuid::Uuid;

/// A user, found by id.
#[derive(Model, Debug)]
#[orm(table = "gs_users")]
#[has_many(Post, foreign_key = "user_id")]
struct User {
    #[orm(partition_key)]
    id: Uuid,
    name: String,
}

/// A post, stored in its author's partition (`user_id`), newest first.
#[derive(Model, Debug)]
#[orm(table = "gs_posts")]
#[belongs_to(User, foreign_key = "user_id")]
struct Post {
    #[orm(partition_key)]
    user_id: Uuid,
    #[orm(clustering_key, order = "desc")]
    id: i64,
    title: String,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Connect, then create a keyspace and the two tables (each call is a no-op when it
    // already exists).
    let uri = std::env::var("SCYLLA_URI").unwrap_or_else(|_| "127.0.0.1:9042".to_owned());
    let db = Db::connect(&uri).await?;
    db.create_keyspace("getting_started", &Replication::Simple(1))
        .await?;
    db.use_keyspace("getting_started").await?;
    User::create_table(&db).await?;
    Post::create_table(&db).await?;

    // Write a user and two posts.
    let ada = User {
        id: Uuid::new_v4(),
        name: "Ada".into(),
    };
    ada.insert(&db).await?;
    for (id, title) in [(1, "Hello"), (2, "Notes on the Analytical Engine")] {
        let post = Post {
            user_id: ada.id,
            id,
            title: title.into(),
        };
        post.insert(&db).await?;
    }

    // Read by primary key, then through the relations: each is one partition read.
    let first = Post::find(&db, &(ada.id, 1))
        .await?
        .ok_or("post 1 is missing")?;
    let author = first.user_relation().get(&db).await?.ok_or("no author")?;
    let posts = ada.posts_relation().get(&db).await?;
    let older = ada.posts_relation().where_("id", "<", 2).get(&db).await?;
    let older_title = older.first().map(|post| post.title.as_str());
    println!(
        "{} wrote {} posts; the older: {older_title:?}",
        author.name,
        posts.len()
    );

    // Eager loading: users and their posts, one query per distinct user.
    let users = User::query()
        .filter(User::ID.eq(ada.id))
        .with(User::posts_relation)
        .get(&db)
        .await?;
    for user in &users {
        let titles: Vec<&str> = user
            .related(User::posts_relation)?
            .iter()
            .map(|post| post.title.as_str())
            .collect();
        println!("{}: {titles:?}", user.name);
    }
    Ok(())
}
