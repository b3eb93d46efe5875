//! Polymorphic relations against the real server: `morph_many` / `morph_one` read one
//! partition of the child; `morph_to` returns the generated enum's right variant.

use orm_core::prelude::*;
use orm_core::{AccessPath, QueryError, RelationKind};
use orm_tests::{assert_query_error, db, unique_id};
use uuid::Uuid;

mod morph_models;
use morph_models::{Comment, CommentCommentable, Image, ImageImageable, Post, TABLES, Video};

/// A post titled `title`, written.
async fn inserted_post(db: &Db, title: &str) -> Post {
    let post = Post {
        id: unique_id(),
        title: title.into(),
    };
    post.insert(db).await.unwrap();
    post
}

/// A video with the key `id`, written.
async fn inserted_video(db: &Db, id: Uuid, url: &str) -> Video {
    let video = Video {
        id,
        url: url.into(),
    };
    video.insert(db).await.unwrap();
    video
}

/// A comment on no owner yet.
fn comment(id: i64, body: &str) -> Comment {
    Comment {
        id,
        body: body.into(),
        ..Comment::default()
    }
}

#[tokio::test]
async fn morph_many_reads_one_partition_of_the_child() {
    let db = db(&TABLES).await;
    let post = inserted_post(&db, "Polymorphism").await;
    let video = inserted_video(&db, post.id, "https://example.com/v").await;

    for id in 1..=3 {
        post.comments_relation()
            .create(&db, comment(id, &format!("on the post {id}")))
            .await
            .unwrap();
    }
    let mut on_video = video.comments_relation().related();
    on_video.id = 1;
    on_video.body = "on the video".into();
    on_video.insert(&db).await.unwrap();

    let query = post.comments_relation().get_query();
    assert_eq!(query.access_path(), Ok(AccessPath::SinglePartition));
    assert_eq!(
        query.cql().unwrap(),
        r#"SELECT "commentable_type", "commentable_id", "id", "body" FROM "poly_comments" WHERE "commentable_type" = ? AND "commentable_id" = ?"#
    );
    let comments = post.comments_relation().get(&db).await.unwrap();
    assert_eq!(
        comments.len(),
        3,
        "the video's comment, with the same key, is not the post's"
    );
    assert!(
        comments
            .iter()
            .all(|c| c.commentable_type == "Post" && c.commentable_id == post.id)
    );
    let video_comments = video.comments_relation().get(&db).await.unwrap();
    assert_eq!(video_comments.len(), 1);
    assert_eq!(video_comments[0].commentable_type, "Video");
    assert_eq!(
        post.comments_relation().definition().kind,
        RelationKind::MorphMany
    );
}

#[tokio::test]
async fn morph_to_returns_the_right_variant_for_each_type() {
    let db = db(&TABLES).await;
    let post = inserted_post(&db, "A post").await;
    let video = inserted_video(&db, unique_id(), "https://example.com/v").await;

    let mut on_post = comment(1, "nice post");
    on_post.associate_commentable(&post);
    let mut on_video = comment(1, "nice video");
    on_video.associate_commentable(&video);
    assert_eq!(
        (on_video.commentable_type.as_str(), on_video.commentable_id),
        ("Video", video.id)
    );

    match on_post.commentable_relation().get(&db).await.unwrap() {
        Some(CommentCommentable::Post(found)) => assert_eq!(found, post),
        _ => panic!("a comment on a post reads back a post"),
    }
    match on_video.commentable_relation().get(&db).await.unwrap() {
        Some(CommentCommentable::Video(found)) => assert_eq!(found, video),
        _ => panic!("a comment on a video reads back a video"),
    }
    let mut orphan = on_post.clone();
    orphan.commentable_id = unique_id();
    assert!(
        orphan
            .commentable_relation()
            .get(&db)
            .await
            .unwrap()
            .is_none(),
        "a missing owner is None"
    );
    assert_eq!(on_post.commentable_relation().morph_type(), Some("Post"));
}

#[tokio::test]
async fn morph_one_and_its_inverse() {
    let db = db(&TABLES).await;
    let post = inserted_post(&db, "Illustrated").await;
    assert_eq!(post.image_relation().get(&db).await.unwrap(), None);
    let image = post
        .image_relation()
        .create(
            &db,
            Image {
                url: "https://example.com/i.png".into(),
                ..Image::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        post.image_relation().get(&db).await.unwrap(),
        Some(image.clone())
    );
    match image.imageable_relation().get(&db).await.unwrap() {
        Some(ImageImageable::Post(owner)) => assert_eq!(owner, post),
        None => panic!("the image's owner exists"),
    }
}

/// A stored type the relation does not list, or no type at all, is an error: never a guess,
/// never a scan.
#[tokio::test]
async fn unknown_or_missing_types_are_errors() {
    let db = db(&TABLES).await;
    let stray = Comment {
        commentable_type: "Podcast".into(),
        commentable_id: unique_id(),
        id: 1,
        body: "?".into(),
    };
    let err = stray.commentable_relation().get(&db).await.unwrap_err();
    assert_query_error!(
        err,
        QueryError::UnknownMorphType { .. },
        "Comment::commentable: the stored type \"Podcast\" is not one of Post, Video"
    );

    let untyped = Comment::default();
    let err = untyped.commentable_relation().get(&db).await.unwrap_err();
    assert_query_error!(err, QueryError::MissingParentKey { .. });
}

/// `morph_to` takes part in eager loading: one read per distinct owner.
#[tokio::test]
async fn owners_load_eagerly() {
    let db = db(&TABLES).await;
    let post = inserted_post(&db, "Eager").await;
    let video = inserted_video(&db, unique_id(), "https://example.com/e").await;
    let mut comments = Vec::new();
    for id in 0..3 {
        let mut comment = comment(id, "hi");
        if id == 2 {
            comment.associate_commentable(&video);
        } else {
            comment.associate_commentable(&post);
        }
        comments.push(comment);
    }
    let before = db.statements_executed();
    let loaded = orm_core::eager::load(&db, comments, Comment::commentable_relation)
        .await
        .unwrap();
    assert_eq!(
        db.statements_executed() - before,
        2,
        "one read per distinct owner"
    );
    assert!(matches!(
        loaded[0].related(Comment::commentable_relation).unwrap(),
        Some(CommentCommentable::Post(p)) if *p == post
    ));
    assert!(matches!(
        loaded[2].related(Comment::commentable_relation).unwrap(),
        Some(CommentCommentable::Video(v)) if *v == video
    ));
    let counted = Post::query()
        .filter(Post::ID.eq(post.id))
        .with_count(Post::comments_relation)
        .first(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        counted.related_count(Post::comments_relation).unwrap(),
        0,
        "the comments were not inserted"
    );
    // A morph_to's rows are an enum of owner types: nothing can be nested below it.
    let err = Comment::query()
        .filter(Comment::COMMENTABLE_TYPE.eq("Post"))
        .filter(Comment::COMMENTABLE_ID.eq(post.id))
        .with("commentable.comments")
        .get(&db)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("cannot load `comments` below a morph_to relation"),
        "{err}"
    );
}
