//! `chrono` and `time` date and time fields against the real server (orm_core's `chrono`
//! and `time` features, on for this crate's tests): table types, insert, find, and
//! conditions by type and by name.

use orm_core::prelude::*;
use orm_core::{Select, render};
use orm_tests::{db, unique_id};
use uuid::Uuid;

/// One day's readings, keyed by a `chrono` timestamp.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "chrono_readings")]
struct ChronoReading {
    #[orm(partition_key)]
    sensor: Uuid,
    #[orm(clustering_key)]
    at: chrono::DateTime<chrono::Utc>,
    day: chrono::NaiveDate,
    local_time: Option<chrono::NaiveTime>,
    #[orm(created_at)]
    created: Option<chrono::DateTime<chrono::Utc>>,
}

/// The same with the `time` crate's types.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "time_readings")]
struct TimeReading {
    #[orm(partition_key)]
    sensor: Uuid,
    #[orm(clustering_key)]
    at: time::OffsetDateTime,
    day: time::Date,
    local_time: Option<time::Time>,
    #[orm(updated_at)]
    updated: Option<time::OffsetDateTime>,
}

/// Whole milliseconds: CQL timestamps hold no finer part.
fn chrono_at(millis: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(millis).unwrap()
}

fn time_at(millis: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000).unwrap()
}

/// Three readings of one new sensor, a minute apart from `1_764_633_600_123` ms, made by
/// `reading(sensor, at_millis, i)` and inserted.
async fn insert_readings<M: Model>(db: &Db, reading: impl Fn(Uuid, i64, i64) -> M) -> Vec<M> {
    let sensor = unique_id();
    let readings: Vec<M> = (0..3)
        .map(|i| reading(sensor, 1_764_633_600_123 + i * 60_000, i))
        .collect();
    for reading in &readings {
        reading.insert(db).await.unwrap();
    }
    readings
}

/// The row at `key`, which must exist.
async fn find<M: Model>(db: &Db, key: &M::PrimaryKey) -> M {
    M::find(db, key)
        .await
        .unwrap()
        .expect("the row was inserted")
}

/// The `at` of each row `query` reads, in order.
async fn ats<M: Model, T>(db: &Db, query: Select<M>, at: fn(&M) -> T) -> Vec<T> {
    query.get(db).await.unwrap().iter().map(at).collect()
}

#[test]
fn create_table_declares_cql_date_and_time_types() {
    assert_eq!(
        render::create_table(ChronoReading::TABLE),
        "CREATE TABLE IF NOT EXISTS \"chrono_readings\" (\"sensor\" uuid, \"at\" timestamp, \
         \"day\" date, \"local_time\" time, \"created\" timestamp, \
         PRIMARY KEY ((\"sensor\"), \"at\")) WITH CLUSTERING ORDER BY (\"at\" ASC)"
    );
    assert_eq!(
        render::create_table(TimeReading::TABLE),
        "CREATE TABLE IF NOT EXISTS \"time_readings\" (\"sensor\" uuid, \"at\" timestamp, \
         \"day\" date, \"local_time\" time, \"updated\" timestamp, \
         PRIMARY KEY ((\"sensor\"), \"at\")) WITH CLUSTERING ORDER BY (\"at\" ASC)"
    );
}

#[tokio::test]
async fn chrono_fields_are_written_found_and_compared() {
    let db = db(&[ChronoReading::TABLE]).await;
    let readings = insert_readings(&db, |sensor, millis, i| ChronoReading {
        sensor,
        at: chrono_at(millis),
        day: chrono::NaiveDate::from_ymd_opt(2025, 12, 2).unwrap(),
        local_time: chrono::NaiveTime::from_hms_milli_opt(9, 30, i as u32, 250),
        created: None,
    })
    .await;
    let sensor = readings[0].sensor;

    let found = find::<ChronoReading>(&db, &(sensor, readings[1].at)).await;
    assert_eq!(found.day, readings[1].day);
    assert_eq!(found.local_time, readings[1].local_time);
    assert!(found.created.is_some(), "created_at was not filled");

    let typed = ChronoReading::query()
        .filter(ChronoReading::SENSOR.eq(sensor))
        .filter(ChronoReading::AT.gt(readings[0].at));
    assert_eq!(
        ats(&db, typed, |r| r.at).await,
        [readings[1].at, readings[2].at]
    );
    let by_name =
        ChronoReading::query()
            .where_("sensor", "=", sensor)
            .where_("at", "<=", readings[1].at);
    assert_eq!(
        ats(&db, by_name, |r| r.at).await,
        [readings[0].at, readings[1].at]
    );
}

#[tokio::test]
async fn time_fields_are_written_found_and_compared() {
    let db = db(&[TimeReading::TABLE]).await;
    let readings = insert_readings(&db, |sensor, millis, i| TimeReading {
        day: time::Date::from_calendar_date(2025, time::Month::December, 2).unwrap(),
        local_time: Some(time::Time::from_hms_milli(9, 30, i as u8, 250).unwrap()),
        sensor,
        at: time_at(millis),
        updated: None,
    })
    .await;
    let sensor = readings[0].sensor;

    let by_name =
        TimeReading::query()
            .where_("sensor", "=", sensor)
            .where_("at", "<", readings[1].at);
    assert_eq!(ats(&db, by_name, |r| r.at).await, [readings[0].at]);
    let typed = TimeReading::query()
        .filter(TimeReading::AT.ge(readings[1].at))
        .filter(TimeReading::SENSOR.eq(sensor));
    assert_eq!(
        ats(&db, typed, |r| r.at).await,
        [readings[1].at, readings[2].at]
    );

    let found = find::<TimeReading>(&db, &(sensor, readings[2].at)).await;
    assert_eq!(found.day, readings[2].day);
    assert_eq!(found.local_time, readings[2].local_time);
    assert!(found.updated.is_some(), "updated_at was not filled");

    let inserted = find::<TimeReading>(&db, &(sensor, readings[0].at))
        .await
        .updated
        .unwrap();
    TimeReading::update(&(sensor, readings[0].at))
        .set(TimeReading::LOCAL_TIME, Some(time::Time::MIDNIGHT))
        .execute(&db)
        .await
        .unwrap();
    let updated = find::<TimeReading>(&db, &(sensor, readings[0].at)).await;
    assert_eq!(updated.local_time, Some(time::Time::MIDNIGHT));
    assert!(updated.updated.unwrap() >= inserted);
}
