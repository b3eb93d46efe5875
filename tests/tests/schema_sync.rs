//! `Schema::sync` against the real server: a v1 application with data brought to v2 (a new
//! field, a new index, a new model, a new UDT field), refusals that run nothing, and a
//! keyspace in sync diffing empty. Each test owns a fresh keyspace.

use std::time::Duration;

use orm_core::schema::{LiveKeyspace, Replication, Schema, StepKind, SyncOptions};
use orm_core::{Db, Error, Model, Udt};
use orm_tests::{error_chain, unique_id};
use uuid::Uuid;

mod v1 {
    use super::*;

    #[derive(Udt, Debug, Clone, PartialEq)]
    #[orm(name = "address")]
    pub struct Address {
        pub street: String,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(table = "users")]
    pub struct User {
        #[orm(partition_key)]
        pub id: Uuid,
        pub name: String,
        pub home: Option<Address>,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(table = "posts")]
    pub struct Post {
        #[orm(partition_key)]
        pub author: Uuid,
        #[orm(clustering_key, order = "desc")]
        pub seq: i64,
        pub title: String,
    }

    pub fn schema(keyspace: &str) -> Schema {
        users_and_posts::<User, Post>(keyspace)
    }
}

mod v2 {
    use super::*;

    /// A new field: `city`.
    #[derive(Udt, Debug, Clone, PartialEq)]
    #[orm(name = "address")]
    pub struct Address {
        pub street: String,
        pub city: Option<String>,
    }

    /// A new field (`email`) with a new index.
    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(table = "users")]
    pub struct User {
        #[orm(partition_key)]
        pub id: Uuid,
        #[orm(index)]
        pub email: Option<String>,
        pub name: String,
        pub home: Option<Address>,
    }

    /// Unchanged.
    pub use super::v1::Post;

    /// A new model.
    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(table = "comments")]
    pub struct Comment {
        #[orm(partition_key)]
        pub post: Uuid,
        #[orm(clustering_key)]
        pub id: i64,
        pub body: String,
    }

    pub fn schema(keyspace: &str) -> Schema {
        users_and_posts::<User, Post>(keyspace).model::<Comment>()
    }
}

/// v2 with a changed key: `seq` is no longer a clustering column but part of the
/// partition key.
mod key_changed {
    use super::*;

    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(table = "posts")]
    pub struct Post {
        #[orm(partition_key)]
        pub author: Uuid,
        #[orm(partition_key)]
        pub seq: i64,
        pub title: String,
    }
}

/// v2 with a changed type: `title` becomes an `int`.
mod type_changed {
    use super::*;

    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(table = "posts")]
    pub struct Post {
        pub title: i32,
        #[orm(partition_key)]
        pub author: Uuid,
        #[orm(clustering_key, order = "desc")]
        pub seq: i64,
    }
}

/// `<prefix>sync_<name>`, dropped first so each run starts from nothing.
async fn fresh_keyspace(name: &str) -> (Db, String) {
    orm_tests::fresh_keyspace(&format!("sync_{name}")).await
}

/// A `users` model and a `posts` model in `keyspace` (replication factor 1): v1, and what
/// v2 and its variants add to.
fn users_and_posts<U: Model, P: Model>(keyspace: &str) -> Schema {
    Schema::new(keyspace, Replication::Simple(1))
        .model::<U>()
        .model::<P>()
}

/// v2 with another `posts` model: a change the sync must refuse.
fn v2_with_post<P: Model>(keyspace: &str) -> Schema {
    users_and_posts::<v1::User, P>(keyspace).model::<v2::Comment>()
}

#[tokio::test]
async fn v1_rows_read_back_through_v2_models_after_sync() {
    let (db, keyspace) = fresh_keyspace("v1_to_v2").await;
    let applied = v1::schema(&keyspace).sync(&db).await.expect("v1 sync");
    assert_eq!(applied.steps[0].kind, StepKind::CreateKeyspace);
    db.use_keyspace(&keyspace).await.unwrap();

    let author = unique_id();
    let user = v1::User {
        id: author,
        name: "Ada".into(),
        home: Some(v1::Address {
            street: "1 Main St".into(),
        }),
    };
    user.insert(&db).await.unwrap();
    for seq in 1..=3 {
        let post = v1::Post {
            author,
            seq,
            title: format!("post {seq}"),
        };
        post.insert(&db).await.unwrap();
    }

    let plan = v2::schema(&keyspace).diff(&db).await.unwrap();
    assert!(plan.refused.is_empty(), "{plan}");
    let kinds: Vec<StepKind> = plan.steps.iter().map(|s| s.kind.clone()).collect();
    assert_eq!(
        kinds,
        [
            StepKind::AddTypeField {
                udt: "address".into(),
                field: "city".into()
            },
            StepKind::AddColumn {
                table: "users".into(),
                column: "email".into()
            },
            StepKind::CreateTable("comments".into()),
            StepKind::CreateIndex {
                table: "users".into(),
                column: "email".into()
            },
        ],
        "{plan}"
    );
    let applied = v2::schema(&keyspace).sync(&db).await.expect("v2 sync");
    assert_eq!(applied, plan);

    let read = v2::User::find(&db, &author)
        .await
        .unwrap()
        .expect("the v1 user");
    assert_eq!(read.name, "Ada");
    assert_eq!(read.email, None);
    assert_eq!(
        read.home,
        Some(v2::Address {
            street: "1 Main St".into(),
            city: None
        })
    );
    let posts = v2::Post::query()
        .filter(v2::Post::AUTHOR.eq(author))
        .get(&db)
        .await
        .unwrap();
    assert_eq!(posts.iter().map(|p| p.seq).collect::<Vec<_>>(), [3, 2, 1]);

    // The new index answers, and the new model's table takes rows.
    let mut with_email = read.clone();
    with_email.email = Some("ada@example.com".into());
    with_email.insert(&db).await.unwrap();
    let found = v2::User::query()
        .filter(v2::User::EMAIL.eq(Some("ada@example.com".to_owned())))
        .get(&db)
        .await
        .unwrap();
    assert_eq!(found, [with_email]);
    let comment = v2::Comment {
        post: author,
        id: 1,
        body: "first".into(),
    };
    comment.insert(&db).await.unwrap();
    assert_eq!(
        v2::Comment::find(&db, &(author, 1)).await.unwrap(),
        Some(comment)
    );

    let again = v2::schema(&keyspace).diff(&db).await.unwrap();
    assert!(again.is_empty(), "{again}");
    assert!(again.to_string().contains("nothing to do"), "{again}");
}

/// Runs `schema`'s sync against a v1 keyspace, expects it refused naming `column` and
/// `reason`, and checks the keyspace did not change (the safe part of the plan, a new
/// table, was not run either).
async fn refused_and_nothing_run(
    name: &str,
    schema: fn(&str) -> Schema,
    column: &str,
    reason: &str,
) {
    let (db, keyspace) = fresh_keyspace(name).await;
    v1::schema(&keyspace).sync(&db).await.expect("v1 sync");
    let before = LiveKeyspace::read(&db, &keyspace).await.unwrap();

    let error = schema(&keyspace)
        .sync(&db)
        .await
        .expect_err("a refused change");
    let message = error_chain(&error);
    assert!(matches!(error, Error::SchemaRefused { .. }), "{message}");
    assert!(message.contains(column), "{message}");
    assert!(message.contains(reason), "{message}");
    assert!(message.contains("ran nothing"), "{message}");

    let after = LiveKeyspace::read(&db, &keyspace).await.unwrap();
    assert_eq!(
        before, after,
        "sync changed the keyspace although it refused"
    );
}

/// A key change and a type change of `posts`: each refused, and nothing runs.
#[tokio::test]
async fn a_key_or_type_change_is_refused_and_nothing_runs() {
    let changes = [
        (
            "key_change",
            v2_with_post::<key_changed::Post> as fn(&str) -> Schema,
            "posts.seq",
            "is clustering column 1 on the server and partition key column 2 in the model",
        ),
        (
            "type_change",
            v2_with_post::<type_changed::Post>,
            "posts.title",
            "type is text on the server and int in the model",
        ),
    ];
    for (name, schema, column, reason) in changes {
        refused_and_nothing_run(name, schema, column, reason).await;
    }
}

#[tokio::test]
async fn safe_only_runs_the_safe_part_of_a_refused_plan() {
    let (db, keyspace) = fresh_keyspace("safe_only").await;
    v1::schema(&keyspace).sync(&db).await.expect("v1 sync");
    let schema = v2_with_post::<type_changed::Post>(&keyspace);
    let applied = schema
        .sync_with(&db, SyncOptions::default().safe_only(true))
        .await
        .expect("the safe part runs");
    assert_eq!(applied.steps.len(), 1, "{applied}");
    assert_eq!(applied.refused.len(), 1, "{applied}");
    let live = LiveKeyspace::read(&db, &keyspace).await.unwrap().unwrap();
    assert!(live.tables.contains_key("comments"));
    assert_eq!(live.tables["posts"].columns["title"].cql_type, "text");
}

#[tokio::test]
async fn the_live_schema_describes_keys_types_udts_and_indexes() {
    let (db, keyspace) = fresh_keyspace("live").await;
    v2::schema(&keyspace).sync(&db).await.expect("v2 sync");
    let live = LiveKeyspace::read(&db, &keyspace)
        .await
        .unwrap()
        .expect("the keyspace");
    let posts = &live.tables["posts"];
    let seq = &posts.columns["seq"];
    assert_eq!(
        (
            seq.kind.as_str(),
            seq.position,
            seq.clustering_order.as_str()
        ),
        ("clustering", 0, "desc")
    );
    assert_eq!(posts.columns["author"].kind, "partition_key");
    assert_eq!(
        live.tables["users"].columns["home"].cql_type,
        "frozen<address>"
    );
    assert_eq!(
        live.udts["address"].fields,
        [
            ("street".to_owned(), "text".to_owned()),
            ("city".to_owned(), "text".to_owned())
        ]
    );
    assert_eq!(
        live.tables["users"].indexes.values().collect::<Vec<_>>(),
        ["email"]
    );
    assert!(
        LiveKeyspace::read(&db, &format!("{keyspace}_missing"))
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn no_agreement_within_the_timeout_is_a_clear_error_and_stops_the_run() {
    let (db, keyspace) = fresh_keyspace("agreement").await;
    // A zero timeout runs out before any node answers the agreement check.
    let options = SyncOptions::default().agreement_timeout(Duration::ZERO);
    let error = v1::schema(&keyspace)
        .sync_with(&db, options)
        .await
        .expect_err("no agreement in no time");
    let message = error_chain(&error);
    assert!(
        matches!(&error, Error::SchemaAgreement { cql, .. } if cql.starts_with("CREATE KEYSPACE")),
        "{message}"
    );
    assert!(
        message.contains("did not agree on the schema within 0ns"),
        "{message}"
    );
    // The statement before the wait ran; none after it did.
    let live = LiveKeyspace::read(&db, &keyspace)
        .await
        .unwrap()
        .expect("the keyspace");
    assert!(live.tables.is_empty() && live.udts.is_empty(), "{live:?}");
}
