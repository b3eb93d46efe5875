//! The `metrics` feature against the real server: a recorder sees the statements sent
//! (as many as `Db` counts), each operation with its model and kind, errors by kind, and
//! a latency per operation; the driver's own metrics count the requests too.
//!
//! Built only with the feature: `cargo test -p orm-tests --features metrics --test metrics`.

use std::collections::BTreeMap;

use metrics_util::debugging::{DebugValue, DebuggingRecorder, Snapshotter};
use orm_core::prelude::*;
use orm_tests::{db, unique_id};
use uuid::Uuid;

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "metrics_users")]
struct User {
    #[orm(partition_key)]
    id: Uuid,
    name: String,
}

/// A model whose table is never created: every statement on it fails on the server.
#[derive(Model, Debug)]
#[orm(table = "metrics_missing")]
struct Missing {
    #[orm(partition_key)]
    id: Uuid,
}

/// What a snapshot holds, by metric name and labels (`key=value`, sorted).
#[derive(Default, Debug)]
struct Seen {
    counters: BTreeMap<(String, Vec<String>), u64>,
    histograms: BTreeMap<(String, Vec<String>), usize>,
}

impl Seen {
    fn take(snapshotter: &Snapshotter) -> Seen {
        let mut seen = Seen::default();
        for (key, _, _, value) in snapshotter.snapshot().into_vec() {
            let key = key.key();
            let mut labels: Vec<String> = key
                .labels()
                .map(|l| format!("{}={}", l.key(), l.value()))
                .collect();
            labels.sort();
            let id = (key.name().to_owned(), labels);
            match value {
                DebugValue::Counter(n) => *seen.counters.entry(id).or_default() += n,
                DebugValue::Histogram(values) => {
                    *seen.histograms.entry(id).or_default() += values.len()
                }
                DebugValue::Gauge(_) => {}
            }
        }
        seen
    }

    fn counter(&self, name: &str, labels: &[&str]) -> u64 {
        let labels = labels.iter().map(|l| (*l).to_owned()).collect();
        self.counters
            .get(&(name.to_owned(), labels))
            .copied()
            .unwrap_or(0)
    }

    fn latencies(&self, model: &str, operation: &str) -> usize {
        let labels = vec![format!("model={model}"), format!("operation={operation}")];
        self.histograms
            .get(&("orm_operation_duration_seconds".to_owned(), labels))
            .copied()
            .unwrap_or(0)
    }
}

#[tokio::test]
async fn a_recorder_counts_statements_operations_errors_and_latencies() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    recorder
        .install()
        .expect("the only recorder of this test binary");

    let db = db(&[User::TABLE]).await;
    let requests = |driver: &orm_core::scylla::observability::metrics::Metrics| {
        driver.get_requests_unpaged_num() + driver.get_requests_manually_paged_num()
    };
    let driver_before = requests(&db.driver_metrics());
    // What set-up sent is forgotten (a snapshot resets what it reads).
    Seen::take(&snapshotter);
    let before = db.statements_executed();

    let users: Vec<User> = (0..3)
        .map(|_| User {
            id: unique_id(),
            name: "n".into(),
        })
        .collect();
    // `insert_query` (an operation with its span), not the bare `Model::insert`, which
    // has none.
    for user in &users {
        user.insert_query().execute(&db).await.unwrap();
    }
    let ids: Vec<Uuid> = users.iter().map(|u| u.id).collect();
    let read = User::query().filter(User::ID.in_(ids));
    assert_eq!(read.get(&db).await.unwrap().len(), 3);
    User::query()
        .filter(User::NAME.eq("x"))
        .get(&db)
        .await
        .expect_err("refused before sending");
    Missing::query()
        .filter(Missing::ID.eq(unique_id()))
        .first(&db)
        .await
        .expect_err("refused by the server");

    let seen = Seen::take(&snapshotter);
    let sent = db.statements_executed() - before;
    assert_eq!(sent, 4, "three inserts and one read");
    assert_eq!(seen.counter("orm_statements_total", &[]), sent, "{seen:#?}");
    let user_insert = ["model=User", "operation=insert"];
    assert_eq!(seen.counter("orm_operations_total", &user_insert), 3);
    let user_get = ["model=User", "operation=get"];
    assert_eq!(seen.counter("orm_operations_total", &user_get), 2);
    let missing_first = ["model=Missing", "operation=first"];
    assert_eq!(seen.counter("orm_operations_total", &missing_first), 1);
    let refused = ["kind=query", "model=User", "operation=get"];
    assert_eq!(seen.counter("orm_errors_total", &refused), 1, "{seen:#?}");
    let failed = ["kind=prepare", "model=Missing", "operation=first"];
    assert_eq!(seen.counter("orm_errors_total", &failed), 1, "{seen:#?}");
    let errors: u64 = seen
        .counters
        .iter()
        .filter(|((name, _), _)| name == "orm_errors_total")
        .map(|(_, n)| n)
        .sum();
    assert_eq!(errors, 2, "{seen:#?}");
    assert_eq!(seen.latencies("User", "insert"), 3);
    assert_eq!(seen.latencies("User", "get"), 2);
    assert_eq!(seen.latencies("Missing", "first"), 1);

    // The driver's own metrics saw the requests that reached it (the failing PREPARE
    // is not a request).
    let driver = db.driver_metrics();
    assert!(requests(&driver) - driver_before >= sent, "{driver:?}");
    assert_eq!(driver.get_retries_num(), 0);
}
