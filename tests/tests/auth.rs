//! Password authentication against a real server with `PasswordAuthenticator`: no
//! credentials, a wrong password and the right one each behave as a user expects.
//!
//! The server is a second dev server on port 9242 (`DB_AUTH=password scripts/db up`),
//! started by this test when it does not answer; `SCYLLA_URI=127.0.0.1:9242 scripts/db
//! down` stops it.

use std::time::{Duration, Instant};

use orm_core::{Db, Error};
use orm_tests::{error_chain_with, run_script};

const URI: &str = "127.0.0.1:9242";

fn start_server() {
    run_script(
        "db",
        &["up"],
        &[("SCYLLA_URI", URI), ("DB_AUTH", "password")],
        "DB_AUTH=password scripts/db up",
    );
}

/// The error and every source below it, one message each.
fn chain(error: &Error) -> String {
    error_chain_with(error, " / ")
}

async fn connect(user: Option<(&str, &str)>) -> Result<Db, Error> {
    let mut builder = Db::builder()
        .known_nodes(URI)
        .connect_timeout(Duration::from_secs(20));
    if let Some((name, password)) = user {
        builder = builder.user(name, password);
    }
    builder.build().await
}

#[tokio::test]
async fn no_credentials_wrong_password_and_right_password() {
    tokio::task::spawn_blocking(start_server).await.unwrap();
    // The default superuser is created just after the server starts answering.
    let started = Instant::now();
    let db = loop {
        match connect(Some(("cassandra", "cassandra"))).await {
            Ok(db) => break db,
            Err(err) => {
                assert!(
                    started.elapsed() < Duration::from_secs(90),
                    "{}",
                    chain(&err)
                );
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    };
    let rows = db
        .query_unpaged("SELECT release_version FROM system.local", ())
        .await
        .unwrap()
        .into_rows_result()
        .unwrap()
        .rows_num();
    assert_eq!(rows, 1, "the right password gives a working session");

    let err = connect(None).await.unwrap_err();
    println!("no credentials: {}", chain(&err));
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(
        chain(&err).to_lowercase().contains("authenticat"),
        "{}",
        chain(&err)
    );

    let err = connect(Some(("cassandra", "wrong"))).await.unwrap_err();
    println!("wrong password: {}", chain(&err));
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(
        chain(&err).contains("incorrect"),
        "the server's reason is in the chain: {}",
        chain(&err)
    );
}
