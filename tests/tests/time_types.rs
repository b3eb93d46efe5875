//! `chrono` and `time` date and time fields against the real server (orm_core's `chrono`
//! and `time` features, on for this crate's tests): table types, insert, find, and
//! conditions by type and by name.

use orm_core::prelude::*;
use orm_core::render;
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
    let sensor = unique_id();
    let readings: Vec<ChronoReading> = (0..3)
        .map(|i| ChronoReading {
            sensor,
            at: chrono_at(1_764_633_600_123 + i * 60_000),
            day: chrono::NaiveDate::from_ymd_opt(2025, 12, 2).unwrap(),
            local_time: chrono::NaiveTime::from_hms_milli_opt(9, 30, i as u32, 250),
            created: None,
        })
        .collect();
    for reading in &readings {
        reading.insert(&db).await.unwrap();
    }

    let found = ChronoReading::find(&db, &(sensor, readings[1].at))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.day, readings[1].day);
    assert_eq!(found.local_time, readings[1].local_time);
    assert!(found.created.is_some(), "created_at was not filled");

    let typed = ChronoReading::query()
        .filter(ChronoReading::SENSOR.eq(sensor))
        .filter(ChronoReading::AT.gt(readings[0].at))
        .get(&db)
        .await
        .unwrap();
    assert_eq!(
        typed.iter().map(|r| r.at).collect::<Vec<_>>(),
        [readings[1].at, readings[2].at]
    );
    let by_name = ChronoReading::query()
        .where_("sensor", "=", sensor)
        .where_("at", "<=", readings[1].at)
        .get(&db)
        .await
        .unwrap();
    assert_eq!(
        by_name.iter().map(|r| r.at).collect::<Vec<_>>(),
        [readings[0].at, readings[1].at]
    );
}

#[tokio::test]
async fn time_fields_are_written_found_and_compared() {
    let db = db(&[TimeReading::TABLE]).await;
    let sensor = unique_id();
    let readings: Vec<TimeReading> = (0..3)
        .map(|i| TimeReading {
            sensor,
            at: time_at(1_764_633_600_123 + i * 60_000),
            day: time::Date::from_calendar_date(2025, time::Month::December, 2).unwrap(),
            local_time: Some(time::Time::from_hms_milli(9, 30, i as u8, 250).unwrap()),
            updated: None,
        })
        .collect();
    for reading in &readings {
        reading.insert(&db).await.unwrap();
    }

    let found = TimeReading::find(&db, &(sensor, readings[2].at))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.day, readings[2].day);
    assert_eq!(found.local_time, readings[2].local_time);
    assert!(found.updated.is_some(), "updated_at was not filled");

    let typed = TimeReading::query()
        .filter(TimeReading::SENSOR.eq(sensor))
        .filter(TimeReading::AT.ge(readings[1].at))
        .get(&db)
        .await
        .unwrap();
    assert_eq!(
        typed.iter().map(|r| r.at).collect::<Vec<_>>(),
        [readings[1].at, readings[2].at]
    );
    let by_name = TimeReading::query()
        .where_("sensor", "=", sensor)
        .where_("at", "<", readings[1].at)
        .get(&db)
        .await
        .unwrap();
    assert_eq!(
        by_name.iter().map(|r| r.at).collect::<Vec<_>>(),
        [readings[0].at]
    );
    let inserted = TimeReading::find(&db, &(sensor, readings[0].at))
        .await
        .unwrap()
        .unwrap()
        .updated
        .unwrap();
    TimeReading::update(&(sensor, readings[0].at))
        .set(TimeReading::LOCAL_TIME, Some(time::Time::MIDNIGHT))
        .execute(&db)
        .await
        .unwrap();
    let updated = TimeReading::find(&db, &(sensor, readings[0].at))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(updated.local_time, Some(time::Time::MIDNIGHT));
    assert!(updated.updated.unwrap() >= inserted);
}
