//! Per-statement options reach every statement of a relation operation, many-to-many
//! included: asked for consistency THREE on a one-node server, each operation fails with
//! the server's "unavailable" for exactly that level, so the option was sent; without
//! it, the same operation succeeds.

use orm_core::prelude::*;
use orm_core::scylla::statement::Consistency;
use orm_core::{Error, Pivot};
use orm_tests::{db, unique_id};
use uuid::Uuid;

#[derive(Model, Debug, Clone, PartialEq, Default)]
#[orm(table = "ro_users")]
#[has_many(Note, foreign_key = "user_id")]
#[belongs_to_many(Topic, pivot = UserTopic)]
struct User {
    #[orm(partition_key)]
    id: Uuid,
    name: String,
}

#[derive(Model, Debug, Clone, PartialEq, Default)]
#[orm(table = "ro_notes")]
#[belongs_to(User, foreign_key = "user_id")]
struct Note {
    #[orm(partition_key)]
    user_id: Uuid,
    #[orm(clustering_key)]
    id: i32,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "ro_topics")]
struct Topic {
    #[orm(partition_key)]
    id: Uuid,
}

#[derive(Pivot, Debug, Clone, PartialEq, Default)]
#[pivot(left = User, right = Topic, table = "ro_user_topics", inverse_table = "ro_topic_users")]
struct UserTopic {
    #[pivot(left)]
    user_id: Uuid,
    #[pivot(right)]
    topic_id: Uuid,
}

const TABLES: [&orm_core::TableMeta; 5] = [
    User::TABLE,
    Note::TABLE,
    Topic::TABLE,
    UserTopic::FORWARD,
    UserTopic::INVERSE,
];

/// The operation failed because consistency THREE could not be met.
#[track_caller]
fn at_three<T: std::fmt::Debug>(what: &str, result: Result<T, Error>) {
    let err = result.expect_err(what);
    let unavailable = err
        .unavailable()
        .unwrap_or_else(|| panic!("{what}: not an unavailable error: {err}"));
    assert_eq!(unavailable.consistency, Consistency::Three, "{what}");
}

#[tokio::test]
async fn relation_reads_and_writes_send_their_options() {
    let db = db(&TABLES).await;
    let user = User {
        id: unique_id(),
        name: "Ada".into(),
    };
    user.insert(&db).await.unwrap();
    let note = Note {
        user_id: user.id,
        id: 1,
    };
    note.insert(&db).await.unwrap();
    let three = Consistency::Three;

    let notes = || user.notes_relation().consistency(three);
    at_three("has_many get", notes().get(&db).await);
    at_three("has_many first", notes().first(&db).await);
    at_three(
        "has_many where_",
        notes().where_("id", ">", 0).get(&db).await,
    );
    at_three(
        "has_many create",
        notes().create(&db, Note::default()).await,
    );
    at_three(
        "belongs_to get",
        note.user_relation().consistency(three).get(&db).await,
    );
    assert_eq!(user.notes_relation().get(&db).await.unwrap().len(), 1);

    let topic = Topic { id: unique_id() };
    topic.insert(&db).await.unwrap();
    let topics = || user.topics_relation().consistency(three);
    at_three("attach", topics().attach(&db, &topic).await);
    at_three("sync", topics().sync(&db, [topic.id]).await);
    at_three("toggle", topics().toggle(&db, [topic.id]).await);
    at_three("detach", topics().detach(&db, &topic).await);
    at_three("pivot read", topics().pivots(&db).await);
    at_three("many-to-many get", topics().get(&db).await);
    user.topics_relation().attach(&db, &topic).await.unwrap();
    assert_eq!(user.topics_relation().get(&db).await.unwrap().len(), 1);

    // Eager loads take options through their constraint.
    let this_user = || User::query().filter(User::ID.eq(user.id));
    let notes = eager(User::notes_relation).constrain(move |q| q.consistency(three));
    at_three("eager load", this_user().with(notes).get(&db).await);
    let topics = eager(User::topics_relation).constrain(move |q| q.consistency(three));
    at_three(
        "eager many-to-many load",
        this_user().with(topics).get(&db).await,
    );
}
