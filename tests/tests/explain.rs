//! `explain()` against the real server: for queries, relation reads, eager loads, writes
//! and many-to-many reads and writes, what runs sends the statements the plan predicted
//! (their CQL, seen through the ORM's `debug` events, and their number, seen through
//! `Db::statements_executed`).

mod capture;

use std::sync::{Arc, Mutex};

use orm_core::eager;
use orm_core::explain::StatementCount;
use orm_core::prelude::*;
use orm_core::query::AccessPath;
use orm_core::relation::{Custom, CustomRelationship, Many, Optional};
use orm_core::{Explain, Pivot, Projection, QueryError, Select};
use orm_tests::{db, unique_id};
use uuid::Uuid;

use capture::{Captured, capture, clear};

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "explain_users")]
#[has_many(Post, foreign_key = "user_id")]
#[belongs_to_many(Tag, pivot = UserTag)]
#[relationship(
    Post,
    name = "derived_posts",
    local_key = "id",
    foreign_key = "user_id",
    constraints = posts_of
)]
struct User {
    #[orm(partition_key)]
    id: Uuid,
    name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "explain_posts")]
#[belongs_to(User, foreign_key = "user_id")]
struct Post {
    #[orm(partition_key)]
    user_id: Uuid,
    #[orm(clustering_key)]
    id: i64,
    title: String,
    #[orm(index)]
    status: String,
}

#[derive(Projection, Debug)]
#[orm(model = Post)]
struct Title {
    title: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "explain_tags")]
#[belongs_to_many(User, pivot = UserTag, inverse)]
struct Tag {
    #[orm(partition_key)]
    id: Uuid,
    name: String,
}

#[derive(Pivot, Debug, Clone, PartialEq, Default)]
#[pivot(
    left = User,
    right = Tag,
    table = "explain_user_tags",
    inverse_table = "explain_tag_users"
)]
struct UserTag {
    #[pivot(left)]
    user_id: Uuid,
    #[pivot(right)]
    tag_id: Uuid,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "explain_articles")]
#[morph_many(Note, name = "notable")]
struct Article {
    #[orm(partition_key)]
    id: Uuid,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "explain_videos")]
#[morph_many(Note, name = "notable")]
struct Video {
    #[orm(partition_key)]
    id: Uuid,
}

/// A note on an article or a video.
#[derive(Model, Debug, Clone, PartialEq, Default)]
#[orm(table = "explain_notes")]
#[morph_to(name = "notable", types(Article, Video), derive(Debug))]
struct Note {
    #[orm(partition_key)]
    notable_type: String,
    #[orm(partition_key)]
    notable_id: Uuid,
    #[orm(clustering_key)]
    id: i64,
}

/// A user's posts after the first, by hand; plannable (`explain_with`).
struct LaterPosts;

impl CustomRelationship for LaterPosts {
    type Parent = User;
    type Related = Post;
    type Key = Uuid;
    type Results = Many;
    const NAME: &'static str = "later_posts";
    const FOREIGN_KEY: &'static [&'static str] = &["user_id"];
    const LOCAL_KEY: &'static [&'static str] = &["id"];

    fn parent_key(&self, user: &User) -> Option<Uuid> {
        Some(user.id)
    }

    fn add_constraints(&self, query: Select<Post>, user_id: &Uuid) -> Select<Post> {
        query
            .filter(Post::USER_ID.eq(*user_id))
            .filter(Post::ID.gt(0))
    }

    fn explain_with() -> Option<(Self, Uuid)> {
        Some((LaterPosts, Uuid::nil()))
    }
}

/// The derived relationship's constraints: a user's posts.
fn posts_of(query: Select<Post>, user_id: &Uuid) -> Select<Post> {
    query.filter(Post::USER_ID.eq(*user_id))
}

/// A user's first post, by hand; without `explain_with`, so not plannable.
struct FirstPost;

impl CustomRelationship for FirstPost {
    type Parent = User;
    type Related = Post;
    type Key = Uuid;
    type Results = Optional;
    const NAME: &'static str = "first_post";
    const FOREIGN_KEY: &'static [&'static str] = &["user_id"];
    const LOCAL_KEY: &'static [&'static str] = &["id"];

    fn parent_key(&self, user: &User) -> Option<Uuid> {
        Some(user.id)
    }

    fn add_constraints(&self, query: Select<Post>, user_id: &Uuid) -> Select<Post> {
        query.filter(Post::USER_ID.eq(*user_id))
    }
}

impl User {
    fn later_posts_relation(&self) -> Custom<LaterPosts> {
        Custom::new(LaterPosts, self)
    }

    fn first_post_relation(&self) -> Custom<FirstPost> {
        Custom::new(FirstPost, self)
    }
}

async fn setup() -> Db {
    db(&[User::TABLE, Post::TABLE]).await
}

/// Runs `run` and checks it sent exactly what `plan` predicted: the CQL of each statement
/// in order, and `plan.requests(distinct_keys)` requests.
async fn sends_as_planned<T>(
    db: &Db,
    captured: &Arc<Mutex<Captured>>,
    plan: &Explain,
    distinct_keys: impl Fn(&str) -> u64,
    run: impl Future<Output = orm_core::Result<T>>,
) -> T {
    clear(captured);
    let before = db.statements_executed();
    let value = run.await.expect("the planned operation runs");
    let sent = db.statements_executed() - before;
    assert_eq!(
        sent,
        plan.requests(distinct_keys),
        "requests sent for\n{plan}"
    );
    let planned: Vec<String> = plan.statements.iter().map(|s| s.cql.clone()).collect();
    let seen = captured.lock().unwrap().sent();
    let mut seen_distinct = seen.clone();
    seen_distinct.dedup();
    assert_eq!(seen_distinct, planned, "CQL sent for\n{plan}");
    value
}

async fn user_with_posts(db: &Db, posts: i64) -> User {
    let user = User {
        id: unique_id(),
        name: "Ada".into(),
    };
    user.insert(db).await.unwrap();
    for id in 0..posts {
        Post {
            user_id: user.id,
            id,
            title: format!("post {id}"),
            status: if id % 2 == 0 { "draft" } else { "live" }.into(),
        }
        .insert(db)
        .await
        .unwrap();
    }
    user
}

#[tokio::test]
async fn queries_send_the_planned_statement() {
    let (captured, _guard) = capture();
    let db = setup().await;
    let user = user_with_posts(&db, 3).await;

    let query = Post::query().filter(Post::USER_ID.eq(user.id));
    let plan = query.explain().unwrap();
    assert_eq!(plan.statements.len(), 1);
    assert_eq!(
        plan.statements[0].access_path,
        Some(AccessPath::SinglePartition)
    );
    assert_eq!(plan.statements[0].count, StatementCount::PerPage);
    assert!(plan.idempotent);
    let rows = sends_as_planned(&db, &captured, &plan, |_| 0, query.get(&db)).await;
    assert_eq!(rows.len(), 3);

    let first = Post::query().filter(Post::USER_ID.eq(user.id));
    let plan = first.explain_first().unwrap();
    assert_eq!(plan.statements[0].count, StatementCount::One);
    assert!(plan.statements[0].cql.ends_with("LIMIT ?"));
    sends_as_planned(&db, &captured, &plan, |_| 0, first.first(&db)).await;

    // A secondary index alone, and a projection.
    let status = format!("live {}", user.id);
    Post::update(&(user.id, 1))
        .set(Post::STATUS, status.clone())
        .execute(&db)
        .await
        .unwrap();
    let by_index = Post::query()
        .filter(Post::STATUS.eq(status))
        .select::<Title>();
    let plan = by_index.explain().unwrap();
    assert_eq!(
        plan.statements[0].access_path,
        Some(AccessPath::Index("status"))
    );
    assert!(plan.statements[0].cql.starts_with(r#"SELECT "title" FROM"#));
    let titles = sends_as_planned(&db, &captured, &plan, |_| 0, by_index.get(&db)).await;
    assert_eq!(titles.len(), 1);
    assert_eq!(titles[0].title, "post 1");

    // Several partitions with `IN`, and a page size.
    let other = user_with_posts(&db, 1).await;
    let several = Post::query()
        .filter(Post::USER_ID.in_([user.id, other.id]))
        .page_size(2);
    let plan = several.explain().unwrap();
    assert_eq!(plan.statements[0].access_path, Some(AccessPath::Partitions));
    assert_eq!(plan.page_size, Some(2));
    // Four rows in pages of two: the plan says one request per page, so two pages (and
    // a third the server may need to say the read is over) are what `get` sends.
    clear(&captured);
    let before = db.statements_executed();
    let rows = several.get(&db).await.unwrap();
    assert_eq!(rows.len(), 4);
    let pages = db.statements_executed() - before;
    assert!((2..=3).contains(&pages), "{pages} pages");
    assert!(
        captured
            .lock()
            .unwrap()
            .sent()
            .iter()
            .all(|cql| *cql == plan.statements[0].cql)
    );
}

#[tokio::test]
async fn relation_reads_send_the_planned_statement() {
    let (captured, _guard) = capture();
    let db = setup().await;
    let user = user_with_posts(&db, 2).await;

    let posts = user.posts_relation();
    let plan = posts.explain().unwrap();
    assert_eq!(plan.statements[0].cql, posts.get_query().cql().unwrap());
    let rows = sends_as_planned(&db, &captured, &plan, |_| 0, posts.get(&db)).await;
    assert_eq!(rows.len(), 2);

    let plan = posts.explain_first().unwrap();
    sends_as_planned(&db, &captured, &plan, |_| 0, posts.first(&db)).await;

    let post = rows[0].clone();
    let author = post.user_relation();
    let plan = author.explain_first().unwrap();
    assert_eq!(
        plan.statements[0].access_path,
        Some(AccessPath::SinglePartition)
    );
    let found = sends_as_planned(&db, &captured, &plan, |_| 0, author.first(&db)).await;
    assert_eq!(found, Some(user.clone()));

    // The relation's query, refined: still one partition.
    let live = user.posts_relation().where_("status", "=", "live");
    let plan = live.explain().unwrap();
    assert_eq!(
        plan.statements[0].access_path,
        Some(AccessPath::SinglePartition)
    );
    sends_as_planned(&db, &captured, &plan, |_| 0, live.get(&db)).await;
}

#[tokio::test]
async fn writes_send_the_planned_statement() {
    let (captured, _guard) = capture();
    let db = setup().await;
    let post = Post {
        user_id: unique_id(),
        id: 1,
        title: "Hello".into(),
        status: "draft".into(),
    };

    let insert = post.insert_query().ttl(3600);
    let plan = insert.explain().unwrap();
    assert_eq!(plan.statements[0].access_path, None);
    assert!(plan.idempotent);
    sends_as_planned(&db, &captured, &plan, |_| 0, insert.execute(&db)).await;

    let insert = post.insert_query().if_not_exists();
    let plan = insert.explain().unwrap();
    assert!(
        !plan.idempotent,
        "a lightweight transaction is not idempotent"
    );
    sends_as_planned(&db, &captured, &plan, |_| 0, insert.execute(&db)).await;

    let key = (post.user_id, post.id);
    let update = Post::update(&key).set(Post::TITLE, "Hi");
    let plan = update.explain().unwrap();
    assert_eq!(
        plan.statements[0].access_path,
        Some(AccessPath::SinglePartition)
    );
    sends_as_planned(&db, &captured, &plan, |_| 0, update.execute(&db)).await;

    let conditional = Post::update(&key).set(Post::STATUS, "live").if_exists();
    let plan = conditional.explain().unwrap();
    assert!(!plan.idempotent);
    let outcome = sends_as_planned(&db, &captured, &plan, |_| 0, conditional.execute(&db)).await;
    assert!(outcome.applied);

    let second = Post {
        id: 2,
        ..post.clone()
    };
    let batch = Batch::logged()
        .push(Post::update(&key).set(Post::TITLE, "Batched"))
        .push(second.insert_query());
    let plan = batch.explain().unwrap();
    assert_eq!(plan.statements.len(), 2);
    assert!(
        plan.statements
            .iter()
            .all(|s| s.count == StatementCount::InBatch)
    );
    assert_eq!(plan.requests(|_| 0), 1, "a batch is one request");
    sends_as_planned(&db, &captured, &plan, |_| 0, batch.execute(&db)).await;

    let delete = Post::delete_query()
        .filter(Post::USER_ID.eq(post.user_id))
        .filter(Post::ID.eq(2_i64))
        .if_exists();
    let plan = delete.explain().unwrap();
    assert!(!plan.idempotent);
    sends_as_planned(&db, &captured, &plan, |_| 0, delete.execute(&db)).await;

    let delete = Post::delete_query().filter(Post::USER_ID.in_([post.user_id, unique_id()]));
    let plan = delete.explain().unwrap();
    assert_eq!(plan.statements[0].access_path, Some(AccessPath::Partitions));
    sends_as_planned(&db, &captured, &plan, |_| 0, delete.execute(&db)).await;
    assert!(Post::find(&db, &key).await.unwrap().is_none());
}

#[tokio::test]
async fn eager_loads_send_one_planned_statement_per_distinct_key() {
    let (captured, _guard) = capture();
    let db = setup().await;
    let (a, b) = (user_with_posts(&db, 2).await, user_with_posts(&db, 2).await);

    // 4 posts (N parents) of 2 users (D distinct keys): 1 + 2 requests.
    let load = Post::query()
        .filter(Post::USER_ID.in_([a.id, b.id]))
        .with(Post::user_relation);
    let plan = load.explain().unwrap();
    assert_eq!(plan.statements.len(), 2);
    assert_eq!(
        plan.statements[1].count,
        StatementCount::PerDistinctKey {
            relation: "user".into(),
            concurrency: 32
        }
    );
    assert!(
        plan.statements[1].cql.ends_with("LIMIT ?"),
        "a belongs_to reads one row"
    );
    let keys = |path: &str| if path == "user" { 2 } else { 0 };
    let posts = sends_as_planned(&db, &captured, &plan, keys, load.get(&db)).await;
    assert_eq!(posts.len(), 4);

    // Nested, by accessor and by name: users, their posts, and the posts' authors.
    let nested = User::query()
        .filter(User::ID.in_([a.id, b.id]))
        .with(eager(User::posts_relation).with(Post::user_relation));
    let plan = nested.explain().unwrap();
    let paths: Vec<_> = plan
        .statements
        .iter()
        .map(|s| match &s.count {
            StatementCount::PerDistinctKey { relation, .. } => relation.as_str(),
            _ => "",
        })
        .collect();
    assert_eq!(paths, ["", "posts", "posts.user"]);
    let by_name = User::query()
        .filter(User::ID.in_([a.id, b.id]))
        .with("posts.user")
        .explain()
        .unwrap();
    assert_eq!(by_name, plan);
    let keys = |path: &str| match path {
        "posts" => 2,      // two users
        "posts.user" => 2, // four posts of two users
        _ => 0,
    };
    sends_as_planned(&db, &captured, &plan, keys, nested.get(&db)).await;

    // A constraint changes each parent's statement; counts read `COUNT(*)`.
    let constrained = User::query()
        .filter(User::ID.in_([a.id, b.id]))
        .with(eager(User::posts_relation).constrain(|posts| posts.limit(1)))
        .with_count(User::posts_relation)
        .concurrency(4);
    let plan = constrained.explain().unwrap();
    assert_eq!(plan.statements.len(), 3);
    assert!(plan.statements[1].cql.ends_with("LIMIT ?"));
    assert!(plan.statements[2].cql.starts_with("SELECT COUNT(*)"));
    assert!(matches!(
        plan.statements[2].count,
        StatementCount::PerDistinctKey { concurrency: 4, .. }
    ));
    clear(&captured);
    let before = db.statements_executed();
    let users = constrained.get(&db).await.unwrap();
    assert_eq!(users.len(), 2);
    assert_eq!(db.statements_executed() - before, plan.requests(|_| 2));
    // The two levels run concurrently: compare the statements sent as sets.
    let mut sent = captured.lock().unwrap().sent();
    sent.sort();
    sent.dedup();
    let mut planned: Vec<String> = plan.statements.iter().map(|s| s.cql.clone()).collect();
    planned.sort();
    assert_eq!(sent, planned);
}

#[tokio::test]
async fn a_custom_relationship_level_sends_its_planned_statement() {
    let (captured, _guard) = capture();
    let db = setup().await;
    // Posts 0, 1, 2 and 0, 1: later posts 1, 2 and 1.
    let (a, b) = (user_with_posts(&db, 3).await, user_with_posts(&db, 2).await);
    let users = || User::query().filter(User::ID.in_([a.id, b.id]));
    let keys = |path: &str| if path == "later_posts" { 2 } else { 0 };

    // One statement per distinct user: the relationship's own constraints.
    let load = users().with(User::later_posts_relation);
    let plan = load.explain().unwrap();
    assert_eq!(plan.statements.len(), 2, "{plan}");
    assert_eq!(
        plan.statements[1].count,
        StatementCount::PerDistinctKey {
            relation: "later_posts".into(),
            concurrency: 32
        }
    );
    assert_eq!(
        plan.statements[1].access_path,
        Some(AccessPath::SinglePartition)
    );
    assert!(plan.statements[1].cql.contains(r#""id" > ?"#), "{plan}");
    let loaded = sends_as_planned(&db, &captured, &plan, keys, load.get(&db)).await;
    let mut later: Vec<usize> = loaded
        .iter()
        .map(|user| user.related(User::later_posts_relation).unwrap().len())
        .collect();
    later.sort();
    assert_eq!(later, [1, 2]);

    // With the load's own constraint on top, and counted.
    let constrained = users().with(eager(User::later_posts_relation).constrain(|q| q.limit(1)));
    let plan = constrained.explain().unwrap();
    assert!(plan.statements[1].cql.ends_with("LIMIT ?"), "{plan}");
    sends_as_planned(&db, &captured, &plan, keys, constrained.get(&db)).await;
    let counted = users().with_count(User::later_posts_relation);
    let plan = counted.explain().unwrap();
    assert!(
        plan.statements[1].cql.starts_with("SELECT COUNT(*)"),
        "{plan}"
    );
    sends_as_planned(&db, &captured, &plan, keys, counted.get(&db)).await;

    // A derived relationship plans with its key type's default (a `Uuid`: nil).
    let derived = users().with(User::derived_posts_relation);
    let plan = derived.explain().unwrap();
    assert_eq!(plan.statements.len(), 2, "{plan}");
    assert_eq!(
        plan.statements[1].count,
        StatementCount::PerDistinctKey {
            relation: "derived_posts".into(),
            concurrency: 32
        }
    );
    let derived_keys = |path: &str| if path == "derived_posts" { 2 } else { 0 };
    let loaded = sends_as_planned(&db, &captured, &plan, derived_keys, derived.get(&db)).await;
    let mut posts: Vec<usize> = loaded
        .iter()
        .map(|user| user.related(User::derived_posts_relation).unwrap().len())
        .collect();
    posts.sort();
    assert_eq!(posts, [2, 3]);

    // Without `explain_with` there is no key to plan with: not explained, and says so.
    let error = users()
        .with(User::first_post_relation)
        .explain()
        .unwrap_err();
    match &error {
        QueryError::NotExplained { relation, reason } => {
            assert_eq!(relation, "first_post");
            assert!(reason.contains("explain_with"), "{error}");
        }
        other => panic!("expected NotExplained, got {other:?}"),
    }
}

/// `count` tags, inserted.
async fn new_tags(db: &Db, count: usize) -> Vec<Tag> {
    let mut tags = Vec::new();
    for i in 0..count {
        let tag = Tag {
            id: unique_id(),
            name: format!("tag {i}"),
        };
        tag.insert(db).await.unwrap();
        tags.push(tag);
    }
    tags
}

#[tokio::test]
async fn many_to_many_reads_send_the_planned_statements() {
    let (captured, _guard) = capture();
    let tables = [User::TABLE, Tag::TABLE, UserTag::FORWARD, UserTag::INVERSE];
    let db = db(&tables).await;
    let (a, b) = (user_with_posts(&db, 0).await, user_with_posts(&db, 0).await);
    let tags = new_tags(&db, 3).await;
    for tag in &tags {
        a.tags_relation().attach(&db, tag).await.unwrap();
    }
    b.tags_relation().attach(&db, &tags[0]).await.unwrap();

    // The pivot partition, then each of the three tags by primary key.
    let plan = a.tags_relation().explain().unwrap();
    assert_eq!(plan.statements.len(), 2);
    assert_eq!(
        plan.statements[0].access_path,
        Some(AccessPath::SinglePartition)
    );
    assert_eq!(plan.statements[0].count, StatementCount::PerPage);
    assert_eq!(
        plan.statements[1].count,
        StatementCount::PerRelatedRow {
            relation: "tags".into(),
            concurrency: 32
        }
    );
    let related = |set: &str| if set == "tags (related rows)" { 3 } else { 0 };
    let tags_of_a = a.tags_relation();
    let read = tags_of_a.get(&db);
    let rows = sends_as_planned(&db, &captured, &plan, related, read).await;
    assert_eq!(rows.len(), 3);

    // With a condition, each related row is read by a query on its key that checks it.
    let query = a.tags_relation().where_("name", "=", "tag 1");
    let plan = query.explain().unwrap();
    assert!(plan.statements[1].cql.contains("ALLOW FILTERING"), "{plan}");
    let rows = sends_as_planned(&db, &captured, &plan, related, query.get(&db)).await;
    assert_eq!(rows.len(), 1);

    // Counting is one COUNT(*) of the pivot partition.
    let plan = a.tags_relation().explain_count().unwrap();
    assert!(plan.statements[0].cql.starts_with("SELECT COUNT(*)"));
    let count = tags_of_a.count(&db);
    assert_eq!(
        sends_as_planned(&db, &captured, &plan, |_| 0, count).await,
        3
    );

    // Eager: one pivot partition per distinct user, then each distinct tag once.
    let load = User::query()
        .filter(User::ID.in_([a.id, b.id]))
        .with(User::tags_relation);
    let plan = load.explain().unwrap();
    assert_eq!(plan.statements.len(), 3, "{plan}");
    assert_eq!(plan.statements[1].cql, a.tags_relation().pivot_cql());
    assert!(matches!(
        &plan.statements[2].count,
        StatementCount::PerRelatedRow { relation, .. } if relation == "tags"
    ));
    let keys = |set: &str| match set {
        "tags" => 2,                // two users
        "tags (related rows)" => 3, // three distinct tags among them
        _ => 0,
    };
    let users = sends_as_planned(&db, &captured, &plan, keys, load.get(&db)).await;
    assert_eq!(users.len(), 2);

    // Eager counts: one COUNT(*) per distinct user.
    let counted = User::query()
        .filter(User::ID.in_([a.id, b.id]))
        .with_count(User::tags_relation);
    let plan = counted.explain().unwrap();
    assert!(
        plan.statements[1].cql.starts_with("SELECT COUNT(*)"),
        "{plan}"
    );
    let keys = |set: &str| if set == "tags" { 2 } else { 0 };
    sends_as_planned(&db, &captured, &plan, keys, counted.get(&db)).await;

    // Constrained: each user's pivot partition, then each distinct tag once, read by a
    // query on its key that checks the condition.
    let constrained = User::query()
        .filter(User::ID.in_([a.id, b.id]))
        .with(eager(User::tags_relation).constrain(|tags| tags.where_("name", "=", "tag 0")));
    let plan = constrained.explain().unwrap();
    assert_eq!(plan.statements.len(), 3, "{plan}");
    assert_eq!(plan.statements[1].cql, a.tags_relation().pivot_cql());
    assert!(plan.statements[2].cql.contains("ALLOW FILTERING"), "{plan}");
    let keys = |set: &str| match set {
        "tags" => 2,                // two users
        "tags (related rows)" => 3, // three distinct tags among them
        _ => 0,
    };
    let load = constrained.get(&db);
    let users = sends_as_planned(&db, &captured, &plan, keys, load).await;
    for user in &users {
        assert_eq!(user.related(User::tags_relation).unwrap().len(), 1);
    }

    // Constrained counts: with options only, one COUNT(*) per distinct user; with a
    // condition each parent's related rows are read, which the plan cannot predict.
    let counted = User::query()
        .filter(User::ID.in_([a.id, b.id]))
        .with_count(eager(User::tags_relation).constrain(|tags| tags.concurrency(4)));
    let plan = counted.explain().unwrap();
    assert!(
        plan.statements[1].cql.starts_with("SELECT COUNT(*)"),
        "{plan}"
    );
    let keys = |set: &str| if set == "tags" { 2 } else { 0 };
    sends_as_planned(&db, &captured, &plan, keys, counted.get(&db)).await;
    let error = User::query()
        .filter(User::ID.in_([a.id, b.id]))
        .with_count(eager(User::tags_relation).constrain(|tags| tags.where_("name", "=", "x")))
        .explain()
        .unwrap_err();
    match &error {
        QueryError::NotExplained { relation, reason } => {
            assert_eq!(relation, "tags");
            assert!(reason.contains("related rows"), "{error}");
        }
        other => panic!("expected NotExplained, got {other:?}"),
    }
}

#[tokio::test]
async fn many_to_many_writes_send_the_planned_batches() {
    let (captured, _guard) = capture();
    let tables = [User::TABLE, Tag::TABLE, UserTag::FORWARD, UserTag::INVERSE];
    let db = db(&tables).await;
    let user = user_with_posts(&db, 0).await;
    let tags = new_tags(&db, 3).await;
    let relation = user.tags_relation();

    let plan = relation.explain_attach();
    assert_eq!(plan.statements.len(), 2);
    assert!(plan.statements.iter().all(|s| s.cql.starts_with("INSERT")));
    let attach = relation.attach(&db, &tags[0]);
    sends_as_planned(&db, &captured, &plan, |_| 0, attach).await;

    let plan = relation.explain_detach();
    assert!(plan.statements.iter().all(|s| s.cql.starts_with("DELETE")));
    let detach = relation.detach(&db, &tags[0]);
    sends_as_planned(&db, &captured, &plan, |_| 0, detach).await;

    // Joined: tag 0. Sync to tag 1: read the pivot partition, attach one, detach one.
    relation.attach(&db, &tags[0]).await.unwrap();
    let plan = relation.explain_sync();
    assert_eq!(plan.statements.len(), 5, "{plan}");
    assert_eq!(plan.statements[0].cql, relation.pivot_cql());
    let one_each = |set: &str| match set {
        "attached" | "detached" => 1,
        _ => 0,
    };
    let sync = relation.sync(&db, [tags[1].id]);
    let changes = sends_as_planned(&db, &captured, &plan, one_each, sync).await;
    assert_eq!((changes.attached.len(), changes.detached.len()), (1, 1));

    // Joined: tag 1. Toggle tags 1 and 2: look both up (one IN), attach 2, detach 1.
    let plan = relation.explain_toggle();
    assert!(plan.statements[0].cql.contains(" IN "), "{plan}");
    let toggled = |set: &str| match set {
        "keys" => 2,
        "attached" | "detached" => 1,
        _ => 0,
    };
    let toggle = relation.toggle(&db, [tags[1].id, tags[2].id]);
    let changes = sends_as_planned(&db, &captured, &plan, toggled, toggle).await;
    assert_eq!(changes.attached, [tags[2].id]);
    assert_eq!(changes.detached, [tags[1].id]);
}

#[tokio::test]
async fn a_morph_to_level_sends_each_owner_types_find() {
    let (captured, _guard) = capture();
    let db = db(&[Article::TABLE, Video::TABLE, Note::TABLE]).await;
    let article = Article { id: unique_id() };
    let video = Video { id: unique_id() };
    article.insert(&db).await.unwrap();
    video.insert(&db).await.unwrap();
    // Two notes on the article, one on the video: two distinct owners.
    for id in 0..2 {
        let mut note = article.notes_relation().related();
        note.id = id;
        note.insert(&db).await.unwrap();
    }
    let mut note = video.notes_relation().related();
    note.id = 0;
    note.insert(&db).await.unwrap();

    let load = Note::query().full_scan().with(Note::notable_relation);
    let plan = load.explain().unwrap();
    assert_eq!(plan.statements.len(), 3, "{plan}");
    let owners: Vec<_> = plan.statements[1..]
        .iter()
        .map(|s| s.count.key_set().unwrap())
        .collect();
    assert_eq!(owners, ["notable (Article)", "notable (Video)"]);
    let keys = |set: &str| match set {
        "notable (Article)" | "notable (Video)" => 1,
        _ => 0,
    };
    clear(&captured);
    let before = db.statements_executed();
    let notes = load.get(&db).await.unwrap();
    assert_eq!(notes.len(), 3);
    for note in &notes {
        let owner = note.related(Note::notable_relation).unwrap();
        match owner {
            Some(NoteNotable::Article(owner)) => assert_eq!(owner.id, article.id),
            Some(NoteNotable::Video(owner)) => assert_eq!(owner.id, video.id),
            None => panic!("every note has its owner"),
        }
    }
    assert_eq!(db.statements_executed() - before, plan.requests(keys));
    // The owners are read concurrently: compare the statements sent as sets.
    let mut sent = captured.lock().unwrap().sent();
    sent.sort();
    sent.dedup();
    let mut planned: Vec<String> = plan.statements.iter().map(|s| s.cql.clone()).collect();
    planned.sort();
    assert_eq!(sent, planned);
}
