//! Static columns against the real server: written by partition key (with or without a
//! clustering row, by update or insert), read back with the rows, and the key mistakes
//! refused before anything is sent.

use orm_core::QueryError;
use orm_core::prelude::*;
use orm_core::scylla::value::CqlTimestamp;
use orm_tests::{assert_query_error, db, unique_id};
use uuid::Uuid;

/// A channel's videos, newest first; the channel's name and video count are shared by its
/// rows.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "channel_videos")]
struct ChannelVideo {
    #[orm(partition_key)]
    channel: Uuid,
    #[orm(clustering_key, order = "desc")]
    added: i64,
    #[orm(static)]
    channel_name: Option<String>,
    #[orm(static)]
    video_count: Option<i32>,
    title: String,
}

/// The partition's static columns, readable whether or not it has clustering rows.
#[derive(Projection, Debug, PartialEq)]
#[orm(model = ChannelVideo)]
struct ChannelHeader {
    channel: Uuid,
    channel_name: Option<String>,
    video_count: Option<i32>,
}

async fn header(db: &Db, channel: Uuid) -> Option<ChannelHeader> {
    ChannelVideo::query()
        .filter(ChannelVideo::CHANNEL.eq(channel))
        .select::<ChannelHeader>()
        .first(db)
        .await
        .unwrap()
}

/// The partition's statics read back as `name` and `count`.
async fn assert_header(db: &Db, channel: Uuid, name: &str, count: i32) {
    let expected = ChannelHeader {
        channel,
        channel_name: Some(name.into()),
        video_count: Some(count),
    };
    assert_eq!(header(db, channel).await, Some(expected));
}

/// A video with its static columns left unset.
fn video(channel: Uuid, added: i64, title: &str) -> ChannelVideo {
    ChannelVideo {
        channel,
        added,
        channel_name: None,
        video_count: None,
        title: title.into(),
    }
}

/// The row at `(channel, added)`, which the test wrote.
async fn stored(db: &Db, channel: Uuid, added: i64) -> ChannelVideo {
    ChannelVideo::find(db, &(channel, added))
        .await
        .unwrap()
        .expect("the row was written")
}

/// Sets the channel's video count by partition key.
async fn set_video_count(db: &Db, channel: Uuid, count: i32) {
    let update = ChannelVideo::update_partition(&channel);
    let update = update.set(ChannelVideo::VIDEO_COUNT, Some(count));
    update.execute(db).await.unwrap();
}

/// Sets the channel's video count if it is `was`; whether it was applied.
async fn set_video_count_if(db: &Db, channel: Uuid, count: i32, was: i32) -> bool {
    let update = ChannelVideo::update_partition(&channel);
    let update = update.set(ChannelVideo::VIDEO_COUNT, Some(count));
    let update = update.if_(ChannelVideo::VIDEO_COUNT.eq(Some(was)));
    update.execute(db).await.unwrap().applied
}

#[tokio::test]
async fn statics_are_written_by_partition_key_without_a_clustering_row() {
    let db = db(&[ChannelVideo::TABLE]).await;
    let channel = unique_id();

    ChannelVideo::update_partition(&channel)
        .set(ChannelVideo::CHANNEL_NAME, Some("Rust talks".to_owned()))
        .set(ChannelVideo::VIDEO_COUNT, Some(0))
        .execute(&db)
        .await
        .unwrap();
    // No video yet: the partition holds its statics only.
    assert_header(&db, channel, "Rust talks", 0).await;

    video(channel, 1, "Ownership").insert(&db).await.unwrap();
    set_video_count(&db, channel, 1).await;

    // The row reads the partition's statics: the insert left its `None`s unset.
    let stored = stored(&db, channel, 1).await;
    assert_eq!(stored.channel_name.as_deref(), Some("Rust talks"));
    assert_eq!(stored.video_count, Some(1));
    assert_eq!(stored.title, "Ownership");
}

#[tokio::test]
async fn statics_only_inserts_the_partition_key_and_statics_without_a_row() {
    let db = db(&[ChannelVideo::TABLE]).await;
    let channel = unique_id();
    let first = ChannelVideo {
        channel,
        added: 99,
        channel_name: Some("Go talks".into()),
        video_count: Some(0),
        title: "not written".into(),
    };
    let insert = first.insert_query().statics_only();
    assert_eq!(
        insert.cql().unwrap(),
        r#"INSERT INTO "channel_videos" ("channel", "channel_name", "video_count") VALUES (?, ?, ?)"#
    );
    insert.execute(&db).await.unwrap();

    assert_header(&db, channel, "Go talks", 0).await;
    assert_eq!(
        ChannelVideo::find(&db, &(channel, 99)).await.unwrap(),
        None,
        "a clustering row was written"
    );
}

#[derive(Model)]
#[orm(table = "no_statics")]
struct NoStatics {
    #[orm(partition_key)]
    id: Uuid,
    name: String,
}

#[test]
fn statics_only_needs_static_columns() {
    let row = NoStatics {
        id: unique_id(),
        name: "x".into(),
    };
    assert_eq!(
        row.insert_query()
            .statics_only()
            .cql()
            .unwrap_err()
            .to_string(),
        "NoStatics has no static column, so `statics_only()` has nothing to write besides the partition key; use `insert`"
    );
}

#[tokio::test]
async fn a_partition_update_can_be_conditional_on_statics() {
    let db = db(&[ChannelVideo::TABLE]).await;
    let channel = unique_id();
    set_video_count(&db, channel, 1).await;

    let stale = set_video_count_if(&db, channel, 3, 2).await;
    assert!(!stale);
    let current = set_video_count_if(&db, channel, 2, 1).await;
    assert!(current);
    assert_eq!(header(&db, channel).await.unwrap().video_count, Some(2));
}

#[tokio::test]
async fn key_mistakes_with_statics_are_refused_before_sending() {
    let db = db(&[ChannelVideo::TABLE]).await;
    let channel = unique_id();
    let before = db.statements_executed();

    let statics_by_row = ChannelVideo::update(&(channel, 1))
        .set(ChannelVideo::CHANNEL_NAME, Some("x".to_owned()))
        .set(ChannelVideo::VIDEO_COUNT, Some(1))
        .execute(&db)
        .await
        .unwrap_err();
    assert_query_error!(
        statics_by_row,
        QueryError::StaticsByRowKey { .. },
        "ChannelVideo: this update assigns only static columns (channel_name, video_count), \
         which belong to the partition, so the server refuses a clustering key for it: use \
         `ChannelVideo::update_partition(&partition_key)` (partition key: channel)"
    );

    let row_by_partition = ChannelVideo::update_partition(&channel)
        .set(ChannelVideo::VIDEO_COUNT, Some(1))
        .set(ChannelVideo::TITLE, "x")
        .execute(&db)
        .await
        .unwrap_err();
    assert_eq!(
        row_by_partition.to_string(),
        "ChannelVideo.title is not a static column, and `update_partition` writes only static \
         columns (one value per partition): to write `title`, update its row with \
         `ChannelVideo::update(&primary_key)`, which adds the clustering key (added)"
    );

    let checks_a_row = ChannelVideo::update_partition(&channel)
        .set(ChannelVideo::VIDEO_COUNT, Some(1))
        .if_(ChannelVideo::TITLE.eq("x"))
        .execute(&db)
        .await
        .unwrap_err();
    assert_query_error!(
        checks_a_row,
        QueryError::NotStatic {
            column: "title",
            ..
        }
    );
    let guarded_by_row = ChannelVideo::update(&(channel, 1))
        .set(ChannelVideo::VIDEO_COUNT, Some(1))
        .if_exists()
        .execute(&db)
        .await
        .unwrap_err();
    assert_query_error!(guarded_by_row, QueryError::StaticsByRowKey { .. });
    assert_eq!(
        db.statements_executed(),
        before,
        "a refused update was sent"
    );
}

/// A condition on a regular column makes it a row's update: the server takes the full key.
#[tokio::test]
async fn statics_guarded_by_a_regular_column_update_by_row() {
    let db = db(&[ChannelVideo::TABLE]).await;
    let channel = unique_id();
    video(channel, 5, "Traits").insert(&db).await.unwrap();
    let outcome = ChannelVideo::update(&(channel, 5))
        .set(ChannelVideo::VIDEO_COUNT, Some(1))
        .if_(ChannelVideo::TITLE.eq("Traits"))
        .execute(&db)
        .await
        .unwrap();
    assert!(outcome.applied);
    assert_eq!(header(&db, channel).await.unwrap().video_count, Some(1));
}

#[tokio::test]
async fn a_row_update_may_assign_statics_with_regular_columns() {
    let db = db(&[ChannelVideo::TABLE]).await;
    let channel = unique_id();
    ChannelVideo::update(&(channel, 7))
        .set(ChannelVideo::TITLE, "Lifetimes")
        .set(ChannelVideo::CHANNEL_NAME, Some("Rust talks".to_owned()))
        .execute(&db)
        .await
        .unwrap();
    let stored = stored(&db, channel, 7).await;
    assert_eq!(stored.title, "Lifetimes");
    assert_eq!(stored.channel_name.as_deref(), Some("Rust talks"));
}

/// A model with a regular `updated_at` column: a partition update cannot set it.
#[derive(Model, Debug)]
#[orm(table = "channel_posts")]
struct ChannelPost {
    #[orm(partition_key)]
    channel: Uuid,
    #[orm(clustering_key)]
    id: i64,
    #[orm(static)]
    pinned: Option<i64>,
    body: Option<String>,
    #[orm(updated_at)]
    updated_at: Option<CqlTimestamp>,
}

#[tokio::test]
async fn a_partition_update_leaves_a_regular_updated_at_alone() {
    let db = db(&[ChannelPost::TABLE]).await;
    let channel = unique_id();
    ChannelPost::update_partition(&channel)
        .set(ChannelPost::PINNED, Some(3))
        .execute(&db)
        .await
        .unwrap();
    // A row update of statics alone is a row update here: `updated_at` is written too.
    ChannelPost::update(&(channel, 1))
        .set(ChannelPost::PINNED, Some(4))
        .execute(&db)
        .await
        .unwrap();
    let row = ChannelPost::find(&db, &(channel, 1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.pinned, Some(4));
    assert!(row.updated_at.is_some());
}
