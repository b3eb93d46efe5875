//! The ORM's tracing spans, seen by a capturing subscriber: the span tree and fields of
//! an eager load, of failing queries, of streams, pages and relation reads; values are
//! never logged; the slow-operation warning.

mod capture;
mod post_comments;

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use orm_core::Pivot;
use orm_core::eager;
use orm_core::prelude::*;
use orm_tests::{db, unique_id};
use scylla::response::PagingState;
use uuid::Uuid;

use capture::{CapturedSpan, capture};
use post_comments::Comment;

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
#[orm(table = "tracing_tags")]
#[belongs_to_many(Article, pivot = ArticleTag, inverse)]
struct Tag {
    #[orm(partition_key)]
    id: Uuid,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "tracing_articles")]
#[belongs_to_many(Tag, pivot = ArticleTag)]
struct Article {
    #[orm(partition_key)]
    id: Uuid,
}

#[derive(Pivot, Debug, Clone, PartialEq, Default)]
#[pivot(
    left = Article,
    right = Tag,
    table = "tracing_article_tags",
    inverse_table = "tracing_tag_articles"
)]
struct ArticleTag {
    #[pivot(left)]
    article_id: Uuid,
    #[pivot(right)]
    tag_id: Uuid,
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
    let sent = captured.orm_events_saying("sending");
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
    let spans = captured.orm_spans_counted(2);
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

/// A write's span opens when the write is first polled, as an `async fn`'s would: a
/// write built and dropped unpolled opens none (and sends nothing).
#[tokio::test]
async fn a_write_opens_its_span_when_polled_not_when_built() {
    let db = db(&[User::TABLE]).await;
    let user = User {
        id: unique_id(),
        name: "first".into(),
    };
    user.insert(&db).await.unwrap();
    let (captured, _guard) = capture();
    let sent = db.statements_executed();

    drop(
        User::update(&user.id)
            .set(User::NAME, "second")
            .execute(&db),
    );
    drop(User::delete_by_key(&db, &user.id));
    drop(user.insert_query().ttl(60).execute(&db));
    assert_eq!(captured.lock().unwrap().orm_spans_counted(0).len(), 0);
    assert_eq!(db.statements_executed(), sent, "nothing is sent unpolled");

    let update = User::update(&user.id)
        .set(User::NAME, "second")
        .execute(&db);
    assert_eq!(captured.lock().unwrap().orm_spans_counted(0).len(), 0);
    update.await.unwrap();
    {
        let captured = captured.lock().unwrap();
        let spans = captured.orm_spans_counted(1);
        let (_, span) = only(&spans, "update");
        assert_eq!(span.field("statements"), Some("1"));
    }
    let found = User::find(&db, &user.id).await.unwrap().unwrap();
    assert_eq!(found.name, "second");
}

/// A user with `posts` posts, inserted.
async fn user_with_posts(db: &Db, posts: usize) -> User {
    let user = User {
        id: unique_id(),
        name: "secret name".into(),
    };
    user.insert(db).await.unwrap();
    for _ in 0..posts {
        let post = Post {
            user_id: user.id,
            id: unique_id(),
        };
        post.insert(db).await.unwrap();
    }
    user
}

#[tokio::test]
async fn a_stream_is_one_span_ending_with_the_rows_it_gave() {
    let db = db(&[User::TABLE, Post::TABLE]).await;
    let user = user_with_posts(&db, 3).await;
    let (captured, _guard) = capture();

    let stream = Post::query()
        .filter(Post::USER_ID.eq(user.id))
        .stream(&db)
        .await
        .unwrap();
    let rows: Vec<Post> = stream.try_collect().await.unwrap();
    assert_eq!(rows.len(), 3);
    // A stream dropped after two rows records the two it gave.
    let mut partly = Box::pin(
        Post::query()
            .filter(Post::USER_ID.eq(user.id))
            .stream(&db)
            .await
            .unwrap(),
    );
    partly.next().await.unwrap().unwrap();
    partly.next().await.unwrap().unwrap();
    drop(partly);
    // A stream refused before sending records its error kind.
    let refused = Post::query()
        .filter(Post::ID.eq(unique_id()))
        .stream(&db)
        .await;
    assert!(refused.is_err());

    let captured = captured.lock().unwrap();
    let spans = captured.orm_spans_counted(3);
    for (_, span) in &spans {
        assert_eq!(span.name, "orm");
        assert_eq!(span.field("operation"), Some("stream"));
        assert_eq!(span.field("model"), Some("Post"));
        assert_eq!(span.field("table"), Some("tracing_posts"));
        assert!(span.field("duration_us").is_some(), "{span:#?}");
    }
    let (whole, whole_span) = spans[0];
    assert_eq!(whole_span.field("rows"), Some("3"));
    assert_eq!(whole_span.field("statements"), Some("1"));
    assert_eq!(whole_span.field("error"), None);
    assert_eq!(spans[1].1.field("rows"), Some("2"));
    assert_eq!(spans[2].1.field("error"), Some("query"));
    assert_eq!(spans[2].1.field("rows"), None);
    // The statement is sent inside the stream's span.
    let sent = captured.orm_events_saying("sending");
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].span, Some(whole));
}

#[tokio::test]
async fn a_page_is_one_span_with_its_rows() {
    let db = db(&[User::TABLE, Post::TABLE]).await;
    let user = user_with_posts(&db, 3).await;
    let (captured, _guard) = capture();

    let page = Post::query()
        .filter(Post::USER_ID.eq(user.id))
        .page_size(2)
        .page(&db, PagingState::start())
        .await
        .unwrap();
    assert_eq!(page.rows.len(), 2);

    let captured = captured.lock().unwrap();
    let spans = captured.orm_spans_counted(1);
    let (_, span) = spans[0];
    assert_eq!(span.field("operation"), Some("page"));
    assert_eq!(span.field("model"), Some("Post"));
    assert_eq!(span.field("rows"), Some("2"));
    assert_eq!(span.field("statements"), Some("1"));
    assert!(span.field("duration_us").is_some());
}

#[tokio::test]
async fn a_relation_read_is_one_span_naming_the_relation() {
    let db = db(&[User::TABLE, Post::TABLE]).await;
    let user = user_with_posts(&db, 2).await;
    let (captured, _guard) = capture();

    let posts = user.posts_relation().get(&db).await.unwrap();
    assert_eq!(posts.len(), 2);
    let first = user.posts_relation().first(&db).await.unwrap();
    assert!(first.is_some());

    let captured = captured.lock().unwrap();
    let spans = captured.orm_spans_counted(2);
    let (get, get_span) = spans[0];
    assert_eq!(get_span.field("operation"), Some("get"));
    assert_eq!(get_span.field("relation"), Some("posts"));
    assert_eq!(get_span.field("model"), Some("Post"));
    assert_eq!(get_span.field("rows"), Some("2"));
    assert_eq!(get_span.field("statements"), Some("1"));
    let (_, first_span) = spans[1];
    assert_eq!(first_span.field("operation"), Some("first"));
    assert_eq!(first_span.field("relation"), Some("posts"));
    assert_eq!(first_span.field("rows"), Some("1"));
    let sent = captured.orm_events_saying("sending");
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].span, Some(get));
}

#[tokio::test]
async fn a_many_to_many_stream_is_one_span_over_its_reads() {
    let tables = [
        Article::TABLE,
        Tag::TABLE,
        ArticleTag::FORWARD,
        ArticleTag::INVERSE,
    ];
    let db = db(&tables).await;
    let article = Article { id: unique_id() };
    article.insert(&db).await.unwrap();
    for _ in 0..3 {
        let tag = Tag { id: unique_id() };
        tag.insert(&db).await.unwrap();
        article.tags_relation().attach(&db, &tag).await.unwrap();
    }
    let (captured, _guard) = capture();

    let tags: Vec<_> = article
        .tags_relation()
        .stream(&db)
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(tags.len(), 3);

    let captured = captured.lock().unwrap();
    let spans = captured.orm_spans();
    let (stream, stream_span) = only(&spans, "stream");
    assert_eq!(stream_span.parent, None);
    assert_eq!(stream_span.field("relation"), Some("tags"));
    assert_eq!(stream_span.field("model"), Some("Tag"));
    assert_eq!(stream_span.field("table"), Some("tracing_article_tags"));
    assert_eq!(stream_span.field("rows"), Some("3"));
    assert!(stream_span.field("duration_us").is_some());
    // The pivot read and the three reads of related rows are all inside it.
    let sent = captured.orm_events_saying("sending");
    assert_eq!(sent.len(), 4);
    for event in sent {
        let mut span = event.span;
        while let Some(index) = span
            && index != stream
        {
            span = captured.spans[index].parent;
        }
        assert_eq!(span, Some(stream), "{event:#?}");
    }
}

#[tokio::test]
async fn an_operation_over_the_slow_threshold_warns_with_its_plan() {
    let db = db(&[User::TABLE, Post::TABLE]).await;
    let user = user_with_posts(&db, 1).await;
    let (captured, _guard) = capture();

    // No threshold: no warning.
    assert_eq!(db.slow_operation_threshold(), None);
    let query = || Post::query().filter(Post::USER_ID.eq(user.id));
    query().get(&db).await.unwrap();
    // A zero threshold: every operation is slow.
    db.set_slow_operation_threshold(Some(Duration::ZERO));
    query().get(&db).await.unwrap();
    db.set_slow_operation_threshold(None);
    query().get(&db).await.unwrap();

    let captured = captured.lock().unwrap();
    let warnings = captured.orm_events_saying("slow operation");
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    let warning = warnings[0];
    assert_eq!(
        warning.fields.get("model").map(String::as_str),
        Some("Post")
    );
    assert_eq!(
        warning.fields.get("operation").map(String::as_str),
        Some("get")
    );
    assert_eq!(
        warning.fields.get("threshold_us").map(String::as_str),
        Some("0")
    );
    let plan = &warning.fields["plan"];
    assert!(plan.contains("single partition"), "{plan}");
    let cql = query().cql().unwrap();
    assert!(plan.contains(&cql), "{plan}");
    // Inside the operation's span.
    let spans = captured.orm_spans_counted(3);
    assert_eq!(warning.span, Some(spans[1].0));
}
