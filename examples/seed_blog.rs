//! Seeding a blog in one call: users with posts, comments and tags, made by factories
//! that fill every key from the relations the models declare, then read back with eager
//! loading.
//!
//! Run it with `scripts/db up && cargo run -p orm-examples --example seed_blog`; it
//! connects to `SCYLLA_URI` (default `127.0.0.1:9042`).

use orm_core::factory::fake::Fake;
use orm_core::factory::fake::faker::{
    internet::en::SafeEmail, lorem::en::Sentence, name::en::Name,
};
use orm_core::factory::{Factory, FactoryError, Seeder, Seeding};
use orm_core::prelude::*;
use orm_core::schema::{Replication, Schema};
use orm_core::{Pivot, eager};
use uuid::Uuid;

#[derive(Model, Debug, Clone)]
#[orm(table = "seed_users")]
#[has_many(Post, foreign_key = "user_id")]
struct User {
    #[orm(partition_key)]
    id: Uuid,
    name: String,
    email: String,
}

/// A post; its author's posts are found through the index on `user_id`.
#[derive(Model, Debug, Clone)]
#[orm(table = "seed_posts")]
#[belongs_to(User, foreign_key = "user_id")]
#[has_many(Comment, foreign_key = "post_id")]
#[belongs_to_many(Tag, pivot = PostTag)]
struct Post {
    #[orm(partition_key)]
    id: Uuid,
    #[orm(index)]
    user_id: Uuid,
    title: String,
}

/// A comment, in its post's partition.
#[derive(Model, Debug, Clone)]
#[orm(table = "seed_comments")]
struct Comment {
    #[orm(partition_key)]
    post_id: Uuid,
    #[orm(clustering_key)]
    n: i64,
    body: String,
}

#[derive(Model, Debug, Clone)]
#[orm(table = "seed_tags")]
#[belongs_to_many(Post, pivot = PostTag, inverse)]
struct Tag {
    #[orm(partition_key)]
    id: Uuid,
    name: String,
}

#[derive(Pivot, Debug, Clone, Default)]
#[pivot(left = Post, right = Tag, table = "seed_post_tags", inverse_table = "seed_tag_posts")]
struct PostTag {
    #[pivot(left)]
    post_id: Uuid,
    #[pivot(right)]
    tag_id: Uuid,
}

/// The whole blog: 8 tags, then 10 users with 3 posts each, 2 comments and 2 tags per
/// post. Seeded, so every run makes the same data.
struct BlogSeeder;

impl Seeder for BlogSeeder {
    async fn run(&self, seeding: &mut Seeding<'_>) -> Result<(), FactoryError> {
        let tags = Factory::new(|f| Tag {
            id: f.uuid(),
            name: format!("topic-{}", f.sequence()),
        })
        .times(8)
        .seed(1);
        let tags = seeding.create(&tags).await?.rows;

        let users = Factory::new(|f| User {
            id: f.uuid(),
            name: Name().fake_with_rng(f.rng()),
            email: SafeEmail().fake_with_rng(f.rng()),
        });
        let posts = Factory::new(|f| Post {
            id: f.uuid(),
            user_id: Uuid::nil(), // filled in from `has("posts", ...)`
            title: Sentence(3..6).fake_with_rng(f.rng()),
        });
        let comments = Factory::new(|f| Comment {
            post_id: Uuid::nil(), // filled in from `has("comments", ...)`
            n: f.sequence() as i64,
            body: Sentence(4..10).fake_with_rng(f.rng()),
        });
        let blog = users.times(10).seed(2).has(
            "posts",
            posts
                .times(3)
                .has("comments", comments.times(2))
                .attach_existing("tags", &tags, 2, |_| PostTag::default()),
        );
        seeding.create(&blog).await?;
        Ok(())
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let uri = std::env::var("SCYLLA_URI").unwrap_or_else(|_| "127.0.0.1:9042".to_owned());
    let db = Db::connect(&uri).await?;
    let schema = Schema::new("orm_seed_example", Replication::Simple(1))
        .model::<User>()
        .model::<Post>()
        .model::<Comment>()
        .model::<Tag>()
        .pivot::<PostTag>();
    // The keyspace and every table listed, created where missing.
    schema.sync(&db).await?;
    db.use_keyspace(schema.keyspace()).await?;

    // One call: empty the tables, then seed.
    let report = Seeding::new(&db).truncate(&schema).run(&BlogSeeder).await?;
    println!("seeded {report}");

    // Read it back with eager loading: every user's posts, with their comments and tags.
    let statements = db.statements_executed();
    let users = User::query()
        .full_scan()
        .with(
            eager(User::posts_relation)
                .with(Post::comments_relation)
                .with(Post::tags_relation),
        )
        .get(&db)
        .await?;
    let mut posts = 0;
    let mut comments = 0;
    let mut tags = 0;
    for user in &users {
        for post in user.related(User::posts_relation)? {
            posts += 1;
            comments += post.related(Post::comments_relation)?.len();
            tags += post.related(Post::tags_relation)?.len();
        }
    }
    println!(
        "read back {} users, {posts} posts, {comments} comments, {tags} post tags in {} statements",
        users.len(),
        db.statements_executed() - statements
    );
    if (users.len(), posts, comments, tags) != (10, 30, 60, 60) {
        return Err("the blog did not read back as seeded".into());
    }
    Ok(())
}
