//! `#[derive(Model)]` round trips against the real server: insert, find, delete, keys.

use orm_core::scylla::value::CqlTimestamp;
use orm_core::{Db, Model};
use orm_tests::{db, unique_id};
use uuid::Uuid;

/// Composite partition key (sensor, day), descending clustering key, a renamed column.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "readings")]
struct Reading {
    #[orm(partition_key)]
    sensor: Uuid,
    #[orm(partition_key)]
    day: String,
    #[orm(clustering_key, order = "desc")]
    at: CqlTimestamp,
    value: f64,
    #[orm(rename = "note_text")]
    note: Option<String>,
}

/// One-column key, default table name (`plain_user`), a skipped field of a type CQL
/// cannot store.
#[derive(Model, Debug, Clone, PartialEq)]
struct PlainUser {
    #[orm(partition_key)]
    id: Uuid,
    name: String,
    tags: Vec<String>,
    #[orm(skip)]
    visits_this_session: u32,
}

/// The day of every reading [`reading`] makes.
const DAY: &str = "2026-11-26";

fn reading(sensor: Uuid, at: i64, value: f64) -> Reading {
    Reading {
        sensor,
        day: DAY.into(),
        at: CqlTimestamp(at),
        value,
        note: Some(format!("reading at {at}")),
    }
}

/// The primary key of `sensor`'s reading at `at` on `day`.
fn key_on(day: &str, sensor: Uuid, at: i64) -> (Uuid, String, CqlTimestamp) {
    (sensor, day.to_owned(), CqlTimestamp(at))
}

/// The stored reading of `sensor` at `at` on [`DAY`], if any.
async fn find_reading(db: &Db, sensor: Uuid, at: i64) -> Option<Reading> {
    Reading::find(db, &key_on(DAY, sensor, at)).await.unwrap()
}

/// A user with a fresh id, no visits.
fn plain_user(name: &str, tags: &[&str]) -> PlainUser {
    PlainUser {
        id: unique_id(),
        name: name.into(),
        tags: tags.iter().map(|tag| (*tag).to_owned()).collect(),
        visits_this_session: 0,
    }
}

/// Two readings of one sensor, at 1 000 and 2 000 ms, written.
async fn two_readings(db: &Db, values: [f64; 2]) -> (Reading, Reading) {
    let sensor = unique_id();
    let first = reading(sensor, 1_000, values[0]);
    let second = reading(sensor, 2_000, values[1]);
    first.insert(db).await.unwrap();
    second.insert(db).await.unwrap();
    (first, second)
}

#[tokio::test]
async fn composite_key_round_trip() {
    let db = db(&[Reading::TABLE]).await;
    let (first, second) = two_readings(&db, [1.5, 2.5]).await;
    let sensor = first.sensor;

    let found = find_reading(&db, sensor, 2_000).await;
    assert_eq!(found, Some(second.clone()));
    let found = find_reading(&db, sensor, 1_000).await;
    assert_eq!(found, Some(first));
}

#[tokio::test]
async fn find_on_a_missing_key_is_none() {
    let db = db(&[Reading::TABLE, PlainUser::TABLE]).await;
    let missing = find_reading(&db, unique_id(), 1).await;
    assert_eq!(missing, None);
    assert_eq!(PlainUser::find(&db, &unique_id()).await.unwrap(), None);
}

#[tokio::test]
async fn a_row_with_other_clustering_value_is_not_found() {
    let db = db(&[Reading::TABLE]).await;
    let sensor = unique_id();
    reading(sensor, 1_000, 1.0).insert(&db).await.unwrap();
    let other_time = find_reading(&db, sensor, 1_001).await;
    assert_eq!(other_time, None);
    let other_day = Reading::find(&db, &key_on("2026-11-27", sensor, 1_000))
        .await
        .unwrap();
    assert_eq!(other_day, None);
}

#[tokio::test]
async fn insert_replaces_the_row_with_the_same_key() {
    let db = db(&[PlainUser::TABLE]).await;
    let mut user = plain_user("Ada", &["math"]);
    user.insert(&db).await.unwrap();
    user.name = "Ada Lovelace".into();
    user.tags.push("engines".into());
    user.insert(&db).await.unwrap();
    assert_eq!(PlainUser::find(&db, &user.id).await.unwrap(), Some(user));
}

#[tokio::test]
async fn skipped_fields_are_not_stored_and_read_as_default() {
    let db = db(&[PlainUser::TABLE]).await;
    assert!(PlainUser::TABLE.column("visits_this_session").is_none());
    let user = PlainUser {
        visits_this_session: 7,
        ..plain_user("Edsger", &[])
    };
    user.insert(&db).await.unwrap();
    let found = PlainUser::find(&db, &user.id).await.unwrap().unwrap();
    assert_eq!(found.visits_this_session, 0);
    assert_eq!(found.name, "Edsger");
}

#[tokio::test]
async fn delete_removes_only_that_row() {
    let db = db(&[Reading::TABLE]).await;
    let (kept, deleted) = two_readings(&db, [1.0, 2.0]).await;
    let sensor = kept.sensor;

    deleted.delete(&db).await.unwrap();

    assert_eq!(find_reading(&db, sensor, 2_000).await, None);
    assert_eq!(find_reading(&db, sensor, 1_000).await, Some(kept));

    Reading::delete_by_key(&db, &key_on(DAY, sensor, 1_000))
        .await
        .unwrap();
    assert_eq!(find_reading(&db, sensor, 1_000).await, None);
}

#[tokio::test]
async fn null_column_reads_back_as_none() {
    let db = db(&[Reading::TABLE]).await;
    let mut row = reading(unique_id(), 5, 0.5);
    row.note = None;
    row.insert(&db).await.unwrap();
    let key = (row.sensor, row.day.clone(), row.at);
    assert_eq!(Reading::find(&db, &key).await.unwrap(), Some(row));
}

/// The table the server holds is the one the metadata describes: the renamed column has
/// its CQL name, and the clustering order is descending.
#[tokio::test]
async fn schema_follows_the_metadata() {
    let db = db(&[Reading::TABLE]).await;
    let sensor = unique_id();
    for at in [1_000, 3_000, 2_000] {
        reading(sensor, at, 0.0).insert(&db).await.unwrap();
    }
    let rows = db
        .session()
        .query_unpaged(
            r#"SELECT "at", "note_text" FROM "readings" WHERE "sensor" = ? AND "day" = ?"#,
            (sensor, DAY),
        )
        .await
        .unwrap()
        .into_rows_result()
        .unwrap();
    let read: Vec<(CqlTimestamp, Option<String>)> = rows
        .rows::<(CqlTimestamp, Option<String>)>()
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let times: Vec<i64> = read.iter().map(|(at, _)| at.0).collect();
    assert_eq!(times, [3_000, 2_000, 1_000], "clustering order is DESC");
    assert_eq!(read[0].1.as_deref(), Some("reading at 3000"));
}

/// The model reads rows written by the driver's own statements, and the model binds to
/// them, since the derive implements the driver's row traits.
#[tokio::test]
async fn model_works_with_the_driver_traits() {
    let db = db(&[PlainUser::TABLE]).await;
    let user = plain_user("Grace", &[]);
    // Bind markers in another order than the struct's fields: values are matched by name.
    db.session()
        .query_unpaged(
            r#"INSERT INTO "plain_user" ("name", "tags", "id") VALUES (?, ?, ?)"#,
            &user,
        )
        .await
        .unwrap();
    let rows = db
        .session()
        .query_unpaged(
            r#"SELECT "id", "name", "tags" FROM "plain_user" WHERE "id" = ?"#,
            (user.id,),
        )
        .await
        .unwrap()
        .into_rows_result()
        .unwrap();
    // An empty list is stored as null; it reads back as an empty Vec.
    assert_eq!(rows.single_row::<PlainUser>().unwrap(), user);
}

/// Columns are matched by name: any order reads; missing columns are an error naming
/// both column lists.
#[tokio::test]
async fn rows_are_read_by_column_name() {
    let db = db(&[PlainUser::TABLE]).await;
    let user = plain_user("Barbara", &["clu"]);
    user.insert(&db).await.unwrap();
    let select = |cql: &'static str| {
        let db = db.clone();
        async move {
            db.session()
                .query_unpaged(cql, (user.id,))
                .await
                .unwrap()
                .into_rows_result()
                .unwrap()
        }
    };

    let reordered = select(r#"SELECT "tags", "name", "id" FROM "plain_user" WHERE "id" = ?"#).await;
    assert_eq!(reordered.single_row::<PlainUser>().unwrap(), user);

    let partial = select(r#"SELECT "name", "id" FROM "plain_user" WHERE "id" = ?"#).await;
    let Err(err) = partial.rows::<PlainUser>() else {
        panic!("the type check accepted a row without the `tags` column");
    };
    let message = err.to_string();
    assert!(
        message.contains(
            "PlainUser reads the columns [id, name, tags], but the statement returns [name, id]"
        ),
        "{message}"
    );
}

/// `server_kind` tells ScyllaDB from Cassandra: only ScyllaDB can select
/// `supported_features` from `system.local`.
#[tokio::test]
async fn the_server_kind_is_detected() {
    let db = db(&[]).await;
    let kind = db.server_kind().await.unwrap();
    let has_features = db
        .session()
        .query_unpaged("SELECT supported_features FROM system.local", ())
        .await
        .is_ok();
    assert_eq!(
        kind == orm_core::schema::ServerKind::ScyllaDb,
        has_features,
        "{kind:?}"
    );
}

/// An acronym in a model's name is one word of its default table name, and of the foreign
/// key other models' relations default to.
#[allow(clippy::upper_case_acronyms)]
#[derive(Model, Debug, Clone, PartialEq)]
struct HTTPServer {
    #[orm(partition_key)]
    id: Uuid,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[belongs_to(HTTPServer)]
struct HTTPRequest {
    #[orm(partition_key)]
    http_server_id: Uuid,
    #[orm(clustering_key)]
    id: i64,
}

#[tokio::test]
async fn acronyms_are_one_word_in_default_names() {
    assert_eq!(HTTPServer::TABLE.name, "http_server");
    assert_eq!(HTTPRequest::TABLE.name, "http_request");
    let relation = HTTPRequest {
        http_server_id: unique_id(),
        id: 1,
    }
    .http_server_relation();
    assert_eq!(relation.get_foreign_key_name(), "http_server_id");

    let db = db(&[HTTPServer::TABLE, HTTPRequest::TABLE]).await;
    let server = HTTPServer { id: unique_id() };
    server.insert(&db).await.unwrap();
    let request = HTTPRequest {
        http_server_id: server.id,
        id: 1,
    };
    request.insert(&db).await.unwrap();
    assert_eq!(
        request.http_server_relation().get(&db).await.unwrap(),
        Some(server)
    );
}
