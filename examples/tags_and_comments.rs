//! Tags on posts (many-to-many) and comments on posts or videos (polymorphic), stored in
//! a real ScyllaDB (or Cassandra), with each read served by single partitions.
//!
//! Run it with `scripts/db up && cargo run -p orm-examples --example tags_and_comments`;
//! it connects to `SCYLLA_URI` (default `127.0.0.1:9042`).

use orm_core::prelude::*;
use orm_core::{Pivot, eager};
use uuid::Uuid;

mod support;

/// A post with tags (through `PostTag`) and comments (through the polymorphic `Comment`).
#[derive(Model, Debug, Clone)]
#[orm(table = "ex_posts")]
#[belongs_to_many(Tag, pivot = PostTag)]
#[morph_many(Comment, name = "commentable")]
struct Post {
    #[orm(partition_key)]
    id: Uuid,
    title: String,
}

#[derive(Model, Debug, Clone)]
#[orm(table = "ex_tags")]
#[belongs_to_many(Post, pivot = PostTag, inverse)]
struct Tag {
    #[orm(partition_key)]
    id: Uuid,
    name: String,
}

/// One row per (post, tag), kept in two tables: `ex_post_tags` by post and
/// `ex_tag_posts` by tag, so both directions read one partition. Writes go to both in
/// one `LOGGED` batch.
#[derive(Pivot, Debug, Clone, Default)]
#[pivot(left = Post, right = Tag, table = "ex_post_tags", inverse_table = "ex_tag_posts")]
struct PostTag {
    #[pivot(left)]
    post_id: Uuid,
    #[pivot(right)]
    tag_id: Uuid,
    /// An extra column on the join, read back with each tag.
    added_by: Option<String>,
}

#[derive(Model, Debug, Clone)]
#[orm(table = "ex_videos")]
#[morph_many(Comment, name = "commentable")]
struct Video {
    #[orm(partition_key)]
    id: Uuid,
    url: String,
}

/// A comment on a post or a video: the owner's type and key are the partition key, so
/// one owner's comments are one partition.
#[derive(Model, Debug, Clone, Default)]
#[orm(table = "ex_comments")]
#[morph_to(name = "commentable", types(Post, Video), derive(Debug))]
struct Comment {
    #[orm(partition_key)]
    commentable_type: String,
    #[orm(partition_key)]
    commentable_id: Uuid,
    #[orm(clustering_key)]
    id: i64,
    body: String,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let db = support::connect("orm_tags_example").await?;
    Post::create_table(&db).await?;
    Tag::create_table(&db).await?;
    PostTag::create_tables(&db).await?;
    Video::create_table(&db).await?;
    Comment::create_table(&db).await?;

    let post = Post {
        id: Uuid::new_v4(),
        title: "Pivots without scans".into(),
    };
    post.insert(&db).await?;
    let mut tags = Vec::new();
    for name in ["rust", "scylladb", "orm"] {
        let tag = Tag {
            id: Uuid::new_v4(),
            name: name.into(),
        };
        tag.insert(&db).await?;
        tags.push(tag);
    }

    // Many-to-many: attach with a pivot column, then make the set exactly two tags.
    let relation = post.tags_relation();
    relation
        .attach_with(
            &db,
            PostTag {
                tag_id: tags[0].id,
                added_by: Some("ada".into()),
                ..PostTag::default()
            },
        )
        .await?;
    let changes = relation.sync(&db, [tags[0].id, tags[1].id]).await?;
    println!(
        "sync attached {} and detached {}",
        changes.attached.len(),
        changes.detached.len()
    );
    for tag in relation.get(&db).await? {
        println!("tag   {} (added by {:?})", tag.name, tag.pivot.added_by);
    }
    // The other direction reads the tag's own pivot partition.
    let tagged = tags[1].posts_relation().get(&db).await?;
    println!("posts tagged {}: {}", tags[1].name, tagged.len());

    // Polymorphic: comments on the post and on a video, one partition per owner.
    let video = Video {
        id: Uuid::new_v4(),
        url: "https://example.com/talk".into(),
    };
    video.insert(&db).await?;
    for (id, body) in [(1, "Clear."), (2, "What about sync?")] {
        let comment = Comment {
            id,
            body: body.into(),
            ..Comment::default()
        };
        post.comments_relation().create(&db, comment).await?;
    }
    let on_video = Comment {
        id: 1,
        body: "Nice talk.".into(),
        ..Comment::default()
    };
    let on_video = video.comments_relation().create(&db, on_video).await?;
    println!(
        "the post has {} comments",
        post.comments_relation().count(&db).await?
    );
    // `morph_to` gives a generated enum of the owner types it was declared with.
    match on_video.commentable_relation().get(&db).await? {
        Some(CommentCommentable::Video(video)) => println!("comment on video {}", video.url),
        Some(CommentCommentable::Post(post)) => println!("comment on post {}", post.title),
        None => println!("the comment's owner is gone"),
    }

    // Eager loading: tags and comments of several posts, by relation name.
    let before = db.statements_executed();
    let loaded = eager::load(&db, vec![post.clone()], ["tags", "comments"]).await?;
    for post in &loaded {
        println!(
            "eager {:?}: {} tags, {} comments, {} statements",
            post.title,
            post.related(Post::tags_relation)?.len(),
            post.related(Post::comments_relation)?.len(),
            db.statements_executed() - before
        );
    }

    // Clean up this run's rows; the tables stay for the next run.
    relation.sync(&db, []).await?;
    Comment::delete_partition(&db, &("Post".to_owned(), post.id)).await?;
    Comment::delete_partition(&db, &("Video".to_owned(), video.id)).await?;
    for tag in &tags {
        tag.delete(&db).await?;
    }
    post.delete(&db).await?;
    video.delete(&db).await?;
    Ok(())
}
