//! The schema tool's `seed` command (orm-migrate's `seed` feature), run as a process
//! against the real server: the default or a named seeder, with the rows written per
//! model; `--truncate` empties the application's tables (and only those) first; an unknown
//! name is a refusal listing the seeders.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use orm_core::Db;
use orm_tests::{fresh_dir, scylla_uri, stderr, stdout};

const FIXTURE: &str = env!("CARGO_BIN_EXE_orm_seed_fixture");

/// `<prefix>seed_<name>`, dropped: the tool's `sync` creates it.
async fn fresh_keyspace(name: &str) -> (Db, String) {
    orm_tests::fresh_keyspace(&format!("seed_{name}")).await
}

/// A folder with one migration, which creates a table of its own and writes a row.
fn migrations_dir(name: &str) -> PathBuf {
    let dir = fresh_dir(&format!("seed_{name}"));
    std::fs::write(
        dir.join("0001_extra.cql"),
        "CREATE TABLE IF NOT EXISTS seed_extra (id int PRIMARY KEY);\n\
         INSERT INTO seed_extra (id) VALUES (1);",
    )
    .expect("writing a migration");
    dir
}

/// Runs the fixture's command line against `keyspace`.
fn cli(keyspace: &str, dir: &Path, args: &[&str]) -> Output {
    Command::new(FIXTURE)
        .args(["--uri", &scylla_uri(), "--keyspace", keyspace])
        .args(["--dir", dir.to_str().unwrap()])
        .args(args)
        .output()
        .expect("the fixture binary runs")
}

/// A fresh keyspace `<prefix>seed_<name>` and migrations folder, the keyspace created by
/// the tool's `sync`: where every test of the `seed` command starts.
async fn synced(name: &str) -> (Db, String, PathBuf) {
    let (db, keyspace) = fresh_keyspace(name).await;
    let dir = migrations_dir(name);
    let sync = cli(&keyspace, &dir, &["sync"]);
    assert!(sync.status.success(), "{}", stderr(&sync));
    (db, keyspace, dir)
}

async fn rows(db: &Db, keyspace: &str, table: &str) -> i64 {
    let result = db
        .query_unpaged(
            format!("SELECT COUNT(*) FROM \"{keyspace}\".\"{table}\""),
            (),
        )
        .await
        .expect("counting rows");
    let (count,): (i64,) = result
        .into_rows_result()
        .expect("rows")
        .single_row()
        .expect("one count");
    count
}

#[tokio::test(flavor = "multi_thread")]
async fn seed_runs_a_seeder_and_truncates_only_the_applications_tables() {
    let (db, keyspace, dir) = synced("run").await;
    let up = cli(&keyspace, &dir, &["up"]);
    assert_eq!(stdout(&up), "applied 0001\n", "{}", stderr(&up));

    let help = cli(&keyspace, &dir, &["seed", "--help"]);
    assert!(stdout(&help).contains("--truncate"), "{}", stdout(&help));

    // The default seeder: the first the application lists.
    let seed = cli(&keyspace, &dir, &["seed"]);
    assert!(seed.status.success(), "{}", stderr(&seed));
    assert_eq!(stdout(&seed), "Book: 6\nShelf: 2\nseeded library: 8 rows\n");
    assert_eq!(rows(&db, &keyspace, "seed_shelves").await, 2);
    assert_eq!(rows(&db, &keyspace, "seed_books").await, 6);

    // A named one, added to what is there.
    let seed = cli(&keyspace, &dir, &["seed", "annex"]);
    assert_eq!(stdout(&seed), "Book: 1\nShelf: 1\nseeded annex: 2 rows\n");
    assert_eq!(rows(&db, &keyspace, "seed_shelves").await, 3);

    // Truncating first: the annex's rows are gone, the library's written again.
    let seed = cli(&keyspace, &dir, &["seed", "library", "--truncate"]);
    assert!(seed.status.success(), "{}", stderr(&seed));
    assert_eq!(
        stdout(&seed),
        "truncating seed_shelves, seed_books\nBook: 6\nShelf: 2\nseeded library: 8 rows\n"
    );
    assert_eq!(rows(&db, &keyspace, "seed_shelves").await, 2);
    assert_eq!(rows(&db, &keyspace, "seed_books").await, 6);
    // The migration record and a table outside the schema are left alone.
    assert_eq!(rows(&db, &keyspace, orm_migrate::RECORD_TABLE).await, 1);
    assert_eq!(rows(&db, &keyspace, "seed_extra").await, 1);
    let status = cli(&keyspace, &dir, &["status"]);
    assert!(stdout(&status).contains("applied"), "{}", stdout(&status));
    assert!(!stdout(&status).contains("pending"), "{}", stdout(&status));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_seeder_is_refused_with_the_names() {
    let (db, keyspace, dir) = synced("unknown").await;

    let seed = cli(&keyspace, &dir, &["seed", "garden", "--truncate"]);
    assert_eq!(seed.status.code(), Some(3));
    assert_eq!(
        stderr(&seed),
        "error: no seeder `garden`; the seeders are: [library, annex]\n"
    );
    assert_eq!(stdout(&seed), "");
    assert_eq!(rows(&db, &keyspace, "seed_shelves").await, 0);
}
