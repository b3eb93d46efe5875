//! The ORM's tracing spans, seen by a capturing subscriber: the span tree and fields of
//! an eager load, and of failing queries; values are never logged.

mod capture;

use orm_core::eager;
use orm_core::prelude::*;
use orm_tests::{db, unique_id};
use uuid::Uuid;

use capture::{CapturedSpan, capture};

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "tracing_users")]
#[has_many(Post, foreign_key = "user_id")]
struct User {
    #[orm(partition_key)]
    id: Uuid,
    name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "tracing_posts")]
#[has_many(Comment, foreign_key = "post_id", local_key = "id")]
struct Post {
    #[orm(partition_key)]
    user_id: Uuid,
    #[orm(clustering_key)]
    id: Uuid,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "tracing_comments")]
struct Comment {
    #[orm(partition_key)]
    post_id: Uuid,
    #[orm(clustering_key)]
    id: i32,
    body: String,
}

/// A model whose table is never created: every statement on it fails on the server.
#[derive(Model, Debug)]
#[orm(table = "tracing_missing")]
struct Missing {
    #[orm(partition_key)]
    id: Uuid,
}

fn only<'a>(spans: &'a [(usize, &'a CapturedSpan)], what: &str) -> (usize, &'a CapturedSpan) {
    let found: Vec<_> = spans
        .iter()
        .filter(|(_, span)| {
            span.field("operation") == Some(what) || span.field("relation") == Some(what)
        })
        .collect();
    assert_eq!(found.len(), 1, "one `{what}` span in {spans:#?}");
    *found[0]
}

#[tokio::test]
async fn an_eager_load_is_one_span_with_a_child_per_level() {
    let db = db(&[User::TABLE, Post::TABLE, Comment::TABLE]).await;
    // Two users with two posts each, one comment per post: 1 + 2 + 4 statements.
    let users: Vec<User> = (0..2)
        .map(|i| User {
            id: unique_id(),
            name: format!("secret name {i}"),
        })
        .collect();
    for user in &users {
        user.insert(&db).await.unwrap();
        for _ in 0..2 {
            let post = Post {
                user_id: user.id,
                id: unique_id(),
            };
            post.insert(&db).await.unwrap();
            Comment {
                post_id: post.id,
                id: 1,
                body: "secret body".into(),
            }
            .insert(&db)
            .await
            .unwrap();
        }
    }

    let (captured, _guard) = capture();
    let loaded = User::query()
        .filter(User::ID.in_([users[0].id, users[1].id]))
        .with(eager(User::posts_relation).with(Post::comments_relation))
        .get(&db)
        .await
        .unwrap();
    assert_eq!(loaded.len(), 2);

    let captured = captured.lock().unwrap();
    let spans = captured.orm_spans();
    let (load, load_span) = only(&spans, "eager get");
    assert_eq!(load_span.name, "orm");
    assert_eq!(load_span.parent, None);
    assert_eq!(load_span.field("model"), Some("User"));
    assert_eq!(load_span.field("table"), Some("tracing_users"));
    assert_eq!(load_span.field("statement"), Some("SELECT"));
    assert_eq!(load_span.field("rows"), Some("2"));
    assert!(load_span.field("duration_us").is_some());
    assert_eq!(load_span.field("error"), None);

    // The users' own query, inside the load.
    let (_, select) = only(&spans, "get");
    assert_eq!(select.parent, Some(load));
    assert_eq!(select.field("rows"), Some("2"));
    assert_eq!(select.field("statements"), Some("1"));
    assert_eq!(select.field("pages"), Some("1"));

    // One level per relation: posts under the load, comments under posts.
    let (posts, posts_span) = only(&spans, "posts");
    assert_eq!(posts_span.name, "orm.level");
    assert_eq!(posts_span.parent, Some(load));
    assert_eq!(posts_span.field("related"), Some("Post"));
    assert_eq!(posts_span.field("parents"), Some("2"));
    assert_eq!(posts_span.field("distinct_keys"), Some("2"));
    let (_, comments_span) = only(&spans, "comments");
    assert_eq!(comments_span.parent, Some(posts));
    assert_eq!(comments_span.field("parents"), Some("4"));
    assert_eq!(comments_span.field("distinct_keys"), Some("4"));
    assert_eq!(spans.len(), 4, "{spans:#?}");

    // Each statement's CQL is an event inside the span that sent it: 1 + 2 + 4.
    let sent: Vec<_> = captured
        .orm_events()
        .into_iter()
        .filter(|e| e.fields.get("message").map(String::as_str) == Some("sending"))
        .collect();
    assert_eq!(sent.len(), 7);
    assert_eq!(sent.iter().filter(|e| e.span == Some(posts)).count(), 2);
    // The driver's spans nest under the ORM's.
    assert!(
        captured
            .spans
            .iter()
            .any(|s| s.name == "Request" && s.parent == Some(posts))
    );
    // The ORM never logs values (the driver's own `Request` spans record partition keys).
    let orm_spans: Vec<_> = spans.iter().map(|(_, s)| s).collect();
    let everything = format!("{orm_spans:?} {:?}", captured.orm_events());
    assert!(!everything.contains("secret"), "{everything}");
    assert!(
        !everything.contains(&users[0].id.to_string()),
        "{everything}"
    );
}

#[tokio::test]
async fn a_failing_query_records_its_error_kind() {
    let db = db(&[User::TABLE]).await;
    let (captured, _guard) = capture();

    // Refused before sending: no statement.
    let refused = User::query().filter(User::NAME.eq("x")).get(&db).await;
    assert!(refused.is_err());
    // Sent, and refused by the server: the table does not exist.
    let failed = Missing::query()
        .filter(Missing::ID.eq(unique_id()))
        .first(&db)
        .await;
    assert!(failed.is_err());

    let captured = captured.lock().unwrap();
    let spans = captured.orm_spans();
    assert_eq!(spans.len(), 2, "{spans:#?}");
    let (_, refused) = spans[0];
    assert_eq!(refused.field("model"), Some("User"));
    assert_eq!(refused.field("operation"), Some("get"));
    assert_eq!(refused.field("error"), Some("query"));
    assert_eq!(refused.field("rows"), None);
    let (_, failed) = spans[1];
    assert_eq!(failed.field("model"), Some("Missing"));
    assert_eq!(failed.field("operation"), Some("first"));
    assert_eq!(failed.field("table"), Some("tracing_missing"));
    assert_eq!(failed.field("error"), Some("prepare"));
    assert!(failed.field("duration_us").is_some());
}
