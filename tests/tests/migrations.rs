//! Versioned migrations against the real server: concurrent migrators, a failing
//! migration and its resumption, a changed checksum, the lease of a crashed migrator,
//! down migrations, bad input, and the command-line tool spawned as a process
//! (`tests/src/bin/orm_migrate_fixture.rs`). Each test owns a fresh keyspace and folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use orm_core::Db;
use orm_core::schema::Replication;
use orm_migrate::{
    LEASE_TABLE, MigrateError, MigrationFuture, Migrations, Migrator, MigratorOptions,
    RECORD_TABLE, RustMigration, State,
};
use orm_tests::{assert_contains, keyspace_prefix, scylla_uri, stderr, stdout};

const FIXTURE: &str = env!("CARGO_BIN_EXE_orm_migrate_fixture");

/// `<prefix>mig_<name>`, dropped first; created unless `create` is false.
async fn fresh_keyspace(name: &str, create: bool) -> (Db, String) {
    let (db, keyspace) = orm_tests::fresh_keyspace(&format!("mig_{name}")).await;
    if create {
        db.create_keyspace(&keyspace, &Replication::Simple(1))
            .await
            .expect("creating the keyspace");
    }
    (db, keyspace)
}

/// A created keyspace `<prefix>mig_<name>` and an empty folder of migrations.
async fn fresh_setup(name: &str) -> (Db, String, PathBuf) {
    let (db, keyspace) = fresh_keyspace(name, true).await;
    (db, keyspace, fresh_dir(name))
}

/// An empty folder of migrations for one test.
fn fresh_dir(name: &str) -> PathBuf {
    orm_tests::fresh_dir(&format!("mig_{name}"))
}

fn write(dir: &Path, file: &str, cql: &str) {
    std::fs::write(dir.join(file), cql).expect("writing a migration");
}

/// A counter table, and migrations that increment it: running one twice shows in its value.
fn counting_migrations(dir: &Path) {
    write(
        dir,
        "0001_hits.cql",
        "CREATE TABLE IF NOT EXISTS hits (id int PRIMARY KEY, n counter);\n\
         UPDATE hits SET n = n + 1 WHERE id = 1;",
    );
    write(
        dir,
        "0002_log.cql",
        "-- a second table; ';' in a comment\n\
         CREATE TABLE IF NOT EXISTS log (id int PRIMARY KEY, line text);\n\
         INSERT INTO log (id, line) VALUES (1, 'a; b');\n\
         UPDATE hits SET n = n + 10 WHERE id = 1;",
    );
    write(
        dir,
        "0003_more.cql",
        "UPDATE hits SET n = n + 100 WHERE id = 1;",
    );
}

async fn hits(db: &Db, keyspace: &str) -> i64 {
    let result = db
        .query_unpaged(
            format!("SELECT n FROM \"{keyspace}\".hits WHERE id = 1"),
            (),
        )
        .await
        .expect("reading the counter");
    let rows = result.into_rows_result().expect("rows");
    let (n,): (scylla::value::Counter,) = rows.single_row().expect("one counter row");
    n.0
}

async fn table_exists(db: &Db, keyspace: &str, table: &str) -> bool {
    let result = db
        .query_unpaged(
            "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?",
            (keyspace, table),
        )
        .await
        .expect("reading system_schema");
    result.into_rows_result().expect("rows").rows_num() == 1
}

async fn keyspace_exists(db: &Db, keyspace: &str) -> bool {
    let result = db
        .query_unpaged(
            "SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?",
            (keyspace,),
        )
        .await
        .expect("reading system_schema");
    result.into_rows_result().expect("rows").rows_num() == 1
}

/// A migration creating the table `table` with one `int` key.
fn write_table(dir: &Path, file: &str, table: &str) {
    write(
        dir,
        file,
        &format!("CREATE TABLE IF NOT EXISTS {table} (id int PRIMARY KEY);"),
    );
}

/// The state of each migration, by version.
async fn states(migrator: &Migrator) -> Vec<State> {
    let status = migrator.status().await.unwrap();
    status.into_iter().map(|s| s.state).collect()
}

fn migrator(db: &Db, keyspace: &str, dir: &Path) -> Migrator {
    Migrator::new(db, keyspace, Migrations::new().dir(dir))
}

/// Runs the fixture's command line.
fn cli(args: &[&str]) -> Output {
    Command::new(FIXTURE)
        .args(["--uri", &scylla_uri()])
        .args(args)
        .output()
        .expect("the fixture binary runs")
}

/// Runs one command of the fixture's command line on `keyspace` and `dir`.
fn cli_in(keyspace: &str, dir: &Path, command: &str) -> Output {
    cli(&[
        "--keyspace",
        keyspace,
        "--dir",
        dir.to_str().unwrap(),
        command,
    ])
}

/// Asserts that the process exited with `code`; the message of the failure prints what
/// it wrote.
#[track_caller]
fn assert_exit(output: &Output, code: u8) {
    assert_eq!(
        output.status.code(),
        Some(code.into()),
        "stdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_migrators_apply_each_migration_once() {
    let (db, keyspace, dir) = fresh_setup("concurrent").await;
    counting_migrations(&dir);

    // Two processes and two tasks of this one, started together.
    let dir_arg = dir.to_str().unwrap().to_owned();
    let spawned: Vec<_> = (0..2)
        .map(|_| {
            Command::new(FIXTURE)
                .args([
                    "--uri",
                    &scylla_uri(),
                    "--keyspace",
                    &keyspace,
                    "--dir",
                    &dir_arg,
                    "up",
                ])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawning the fixture")
        })
        .collect();
    let tasks: Vec<_> = (0..2)
        .map(|_| {
            let keyspace = keyspace.clone();
            let dir = dir.clone();
            tokio::spawn(async move {
                let db = Db::connect(&scylla_uri()).await.expect("a CQL server");
                migrator(&db, &keyspace, &dir).up(None).await
            })
        })
        .collect();

    let mut applied = Vec::new();
    for task in tasks {
        applied.extend(task.await.unwrap().expect("a migrator task succeeds"));
    }
    for child in spawned {
        let output = tokio::task::spawn_blocking(move || child.wait_with_output())
            .await
            .unwrap()
            .expect("the fixture finishes");
        assert!(
            output.status.success(),
            "a migrator process failed: {}",
            stderr(&output)
        );
        for line in stdout(&output).lines() {
            if let Some(version) = line.strip_prefix("applied ") {
                applied.push(version.parse().unwrap());
            }
        }
    }
    applied.sort();
    assert_eq!(
        applied,
        [1, 2, 3],
        "each migration applied by exactly one migrator"
    );
    assert_eq!(hits(&db, &keyspace).await, 111, "each increment ran once");

    let status = migrator(&db, &keyspace, &dir).status().await.unwrap();
    assert_eq!(
        status
            .iter()
            .map(|s| (s.version, s.state))
            .collect::<Vec<_>>(),
        [
            (1, State::Applied),
            (2, State::Applied),
            (3, State::Applied)
        ]
    );
    // The lease was given back.
    let lease = db
        .query_unpaged(
            format!("SELECT owner FROM \"{keyspace}\".\"{LEASE_TABLE}\""),
            (),
        )
        .await
        .unwrap();
    assert_eq!(lease.into_rows_result().unwrap().rows_num(), 0);
}

#[tokio::test]
async fn a_failing_migration_records_its_statement_and_up_resumes_there_once_fixed() {
    let (db, keyspace, dir) = fresh_setup("failing").await;
    write(
        &dir,
        "0001_hits.cql",
        "CREATE TABLE IF NOT EXISTS hits (id int PRIMARY KEY, n counter);",
    );
    let broken = "UPDATE hits SET n = n + 1 WHERE id = 1;\n\
                  CREAT TABLE oops (id int PRIMARY KEY);\n\
                  UPDATE hits SET n = n + 10 WHERE id = 1;";
    write(&dir, "0002_broken.cql", broken);

    let error = migrator(&db, &keyspace, &dir).up(None).await.unwrap_err();
    let MigrateError::Failed(failure) = &error else {
        panic!("expected a failed migration, got {error}");
    };
    assert_eq!((failure.version, failure.done.as_slice()), (2, &[1][..]));
    let (index, cql) = failure.statement.as_ref().expect("the failed statement");
    assert_eq!(*index, 1);
    assert!(cql.starts_with("CREAT TABLE oops"), "{cql}");
    let server_error = &failure.error;
    assert!(!server_error.is_empty());
    assert_contains(&error.to_string(), "run `up` again");
    assert_eq!(
        hits(&db, &keyspace).await,
        1,
        "the statement before the failed one ran"
    );

    // The record names the statement and the server's error; `status` shows it.
    let result = db
        .query_unpaged(
            format!(
                "SELECT outcome, failed_statement, failed_cql, error FROM \"{keyspace}\".\"{RECORD_TABLE}\" WHERE version = 2"
            ),
            (),
        )
        .await
        .unwrap();
    let (outcome, failed, cql, message): (String, i32, String, String) =
        result.into_rows_result().unwrap().single_row().unwrap();
    assert_eq!((outcome.as_str(), failed), ("failed", 1));
    assert!(cql.starts_with("CREAT TABLE oops"));
    assert!(
        message.to_lowercase().contains("syntax") || message.contains("CREAT"),
        "{message}"
    );
    let status = migrator(&db, &keyspace, &dir).status().await.unwrap();
    assert_eq!(status[0].state, State::Applied);
    assert_eq!(status[1].state, State::Failed);
    assert_contains(&status[1].note, "statement 2 `CREAT TABLE oops");
    let table = cli_in(&keyspace, &dir, "status");
    assert!(table.status.success(), "{}", stderr(&table));
    assert_contains(&stdout(&table), "FAILED");
    assert_contains(&stdout(&table), "statement 2 `CREAT TABLE oops");

    // Fixed, `up` resumes at the failed statement: the first one does not run again.
    write(
        &dir,
        "0002_broken.cql",
        &broken.replace("CREAT TABLE", "CREATE TABLE IF NOT EXISTS"),
    );
    assert_eq!(migrator(&db, &keyspace, &dir).up(None).await.unwrap(), [2]);
    assert_eq!(hits(&db, &keyspace).await, 11);
    assert!(table_exists(&db, &keyspace, "oops").await);
    let status = migrator(&db, &keyspace, &dir).status().await.unwrap();
    assert_eq!(status[1].state, State::Applied);
}

#[tokio::test]
async fn statements_that_ran_must_not_change_before_a_resume() {
    let (db, keyspace, dir) = fresh_setup("prefix").await;
    write(
        &dir,
        "0001_a.cql",
        "CREATE TABLE IF NOT EXISTS a (id int PRIMARY KEY);\nSELEC 1;",
    );
    migrator(&db, &keyspace, &dir).up(None).await.unwrap_err();
    write(
        &dir,
        "0001_a.cql",
        "CREATE TABLE IF NOT EXISTS b (id int PRIMARY KEY);\nSELECT * FROM a;",
    );
    let error = migrator(&db, &keyspace, &dir).up(None).await.unwrap_err();
    assert!(matches!(error, MigrateError::Blocked(_)), "{error}");
    assert_contains(&error.to_string(), "statements 1 to 1 changed");
    assert!(!table_exists(&db, &keyspace, "b").await, "nothing ran");

    // Finished by hand, then resolved: applied with the current checksum.
    migrator(&db, &keyspace, &dir).resolve(1).await.unwrap();
    let status = migrator(&db, &keyspace, &dir).status().await.unwrap();
    assert_eq!(status[0].state, State::Applied);
    assert!(
        migrator(&db, &keyspace, &dir)
            .up(None)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_migration_changed_after_it_was_applied_is_reported_not_run_again() {
    let (db, keyspace, dir) = fresh_setup("checksum").await;
    counting_migrations(&dir);
    migrator(&db, &keyspace, &dir).up(Some(1)).await.unwrap();
    write(
        &dir,
        "0001_hits.cql",
        "CREATE TABLE IF NOT EXISTS hits (id int PRIMARY KEY, n counter);\n\
         UPDATE hits SET n = n + 5 WHERE id = 1;",
    );
    let error = migrator(&db, &keyspace, &dir).up(None).await.unwrap_err();
    assert!(
        matches!(&error, MigrateError::ChecksumMismatch(v) if v == &["0001 hits"]),
        "{error}"
    );
    assert!(error.is_refusal());
    assert_eq!(
        hits(&db, &keyspace).await,
        1,
        "neither the changed nor a pending migration ran"
    );
    let status = migrator(&db, &keyspace, &dir).status().await.unwrap();
    assert_eq!(status[0].state, State::Changed);
    assert_eq!(status[1].state, State::Pending);

    let up = cli_in(&keyspace, &dir, "up");
    assert_exit(&up, orm_migrate::EXIT_REFUSED);
    assert_contains(&stderr(&up), "changed since they were applied");
}

#[tokio::test]
async fn a_crashed_migrators_lease_expires_and_a_held_one_is_waited_for() {
    let (db, keyspace, dir) = fresh_setup("lease").await;
    counting_migrations(&dir);
    // Tables exist once a migrator has run; `status` creates nothing, so run an empty `up`.
    Migrator::new(&db, &keyspace, Migrations::new())
        .up(None)
        .await
        .unwrap();

    // A live holder: this migrator gives up after its wait, having applied nothing.
    db.query_unpaged(
        format!("INSERT INTO \"{keyspace}\".\"{LEASE_TABLE}\" (name, owner) VALUES ('migrate', 'other@host') USING TTL 60"),
        (),
    )
    .await
    .unwrap();
    let busy = migrator(&db, &keyspace, &dir)
        .options(MigratorOptions::default().lease_wait(Duration::ZERO))
        .up(None)
        .await
        .unwrap_err();
    assert!(
        matches!(&busy, MigrateError::LeaseBusy { owner, .. } if owner == "other@host"),
        "{busy}"
    );
    assert!(!table_exists(&db, &keyspace, "hits").await, "nothing ran");

    // A crashed holder: its row outlives it by its TTL only.
    db.query_unpaged(
        format!("INSERT INTO \"{keyspace}\".\"{LEASE_TABLE}\" (name, owner) VALUES ('migrate', 'crashed@host') USING TTL 2"),
        (),
    )
    .await
    .unwrap();
    let applied = migrator(&db, &keyspace, &dir)
        .options(MigratorOptions::default().lease_wait(Duration::from_secs(60)))
        .up(None)
        .await
        .unwrap();
    assert_eq!(applied, [1, 2, 3]);
}

#[tokio::test]
async fn down_reverts_where_down_files_exist_and_refuses_otherwise() {
    let (db, keyspace, dir) = fresh_setup("down").await;
    write_table(&dir, "0001_a.cql", "a");
    write_table(&dir, "0002_b.cql", "b");
    write(&dir, "0002_b.down.cql", "DROP TABLE IF EXISTS b;");
    write_table(&dir, "0003_c.cql", "c");
    write(&dir, "0003_c.down.cql", "DROP TABLE IF EXISTS c;");
    let migrator = migrator(&db, &keyspace, &dir);
    assert_eq!(migrator.up(None).await.unwrap(), [1, 2, 3]);

    assert_eq!(migrator.down(None).await.unwrap(), [3], "the last one only");
    assert!(!table_exists(&db, &keyspace, "c").await);
    let error = migrator.down(Some(0)).await.unwrap_err();
    assert!(
        error.to_string().contains("0001")
            || error.to_string().contains("migration 1 (a) has no down"),
        "{error}"
    );
    assert!(
        table_exists(&db, &keyspace, "b").await,
        "nothing reverted when one lacks a down file"
    );
    assert_eq!(migrator.down(Some(1)).await.unwrap(), [2]);
    assert!(!table_exists(&db, &keyspace, "b").await);
    let states = states(&migrator).await;
    assert_eq!(states, [State::Applied, State::Pending, State::Pending]);
    assert_eq!(
        migrator.up(Some(2)).await.unwrap(),
        [2],
        "`up --to` stops at its version"
    );
}

fn create_audit(db: &Db) -> MigrationFuture<'_> {
    Box::pin(async move {
        db.query_unpaged(
            "CREATE TABLE IF NOT EXISTS audit (id int PRIMARY KEY, what text)",
            (),
        )
        .await?;
        db.query_unpaged("INSERT INTO audit (id, what) VALUES (1, 'from rust')", ())
            .await?;
        Ok(())
    })
}

fn drop_audit(db: &Db) -> MigrationFuture<'_> {
    Box::pin(async move {
        db.query_unpaged("DROP TABLE IF EXISTS audit", ()).await?;
        Ok(())
    })
}

fn failing(_db: &Db) -> MigrationFuture<'_> {
    Box::pin(async move { Err("the backfill found a bad row".into()) })
}

#[tokio::test]
async fn rust_migrations_run_in_version_order_with_the_files() {
    let (db, keyspace, dir) = fresh_setup("rust").await;
    write_table(&dir, "0001_a.cql", "a");
    let migrations =
        Migrations::new()
            .dir(&dir)
            .rust_with_down(2, "audit", create_audit, drop_audit);
    let migrator = Migrator::new(&db, &keyspace, migrations.clone());
    assert_eq!(migrator.up(None).await.unwrap(), [1, 2]);
    assert!(table_exists(&db, &keyspace, "audit").await);
    assert_eq!(migrator.down(None).await.unwrap(), [2]);
    assert!(!table_exists(&db, &keyspace, "audit").await);
    assert_eq!(migrator.up(None).await.unwrap(), [2]);

    let migrator = Migrator::new(&db, &keyspace, migrations.rust(3, "backfill", failing));
    let error = migrator.up(None).await.unwrap_err();
    assert!(
        matches!(
            &error,
            MigrateError::Failed(failure) if failure.version == 3 && failure.statement.is_none()
        ),
        "{error}"
    );
    assert_contains(&error.to_string(), "the backfill found a bad row");
    let states = states(&migrator).await;
    assert_eq!(states, [State::Applied, State::Applied, State::Failed]);
    assert!(
        migrator.down(None).await.unwrap_err().is_refusal(),
        "a failed migration blocks down"
    );
    migrator.resolve(3).await.unwrap();
    let error = migrator.down(Some(1)).await.unwrap_err();
    assert_contains(&error.to_string(), "migration 3 (backfill) has no down");
    assert!(
        table_exists(&db, &keyspace, "audit").await,
        "nothing reverted"
    );
}

#[tokio::test]
async fn two_files_of_one_version_are_refused_before_anything_runs() {
    let (db, keyspace, dir) = fresh_setup("duplicate").await;
    write_table(&dir, "0001_a.cql", "a");
    write_table(&dir, "0001_b.cql", "b");
    let error = migrator(&db, &keyspace, &dir).up(None).await.unwrap_err();
    assert!(matches!(error, MigrateError::BadInput(_)), "{error}");
    assert_contains(&error.to_string(), "version 1 is used twice");
    let up = cli_in(&keyspace, &dir, "up");
    assert_exit(&up, orm_migrate::EXIT_FAILED);
    assert_contains(&stderr(&up), "version 1 is used twice");
    for table in ["a", "b", RECORD_TABLE] {
        assert!(
            !table_exists(&db, &keyspace, table).await,
            "{table} was created"
        );
    }
}

#[tokio::test]
async fn a_missing_keyspace_is_a_clear_error_and_nothing_is_created() {
    let (db, keyspace) = fresh_keyspace("missing", false).await;
    let dir = fresh_dir("missing");
    counting_migrations(&dir);
    let error = migrator(&db, &keyspace, &dir).up(None).await.unwrap_err();
    assert!(
        matches!(&error, MigrateError::MissingKeyspace(k) if k == &keyspace),
        "{error}"
    );
    let up = cli_in(&keyspace, &dir, "up");
    assert_exit(&up, orm_migrate::EXIT_FAILED);
    assert_contains(&stderr(&up), &format!("keyspace {keyspace} does not exist"));
    assert!(!keyspace_exists(&db, &keyspace).await);
}

#[test]
fn an_unreachable_server_is_a_clear_error() {
    let dir = fresh_dir("unreachable");
    write_table(&dir, "0001_a.cql", "a");
    // Port 1 of the loopback: nothing listens there.
    let output = Command::new(FIXTURE)
        .args(["--uri", "127.0.0.1:1", "--connect-timeout", "3"])
        .args(["--dir", dir.to_str().unwrap(), "up"])
        .output()
        .unwrap();
    assert_exit(&output, orm_migrate::EXIT_FAILED);
    assert_contains(&stderr(&output), "could not connect to 127.0.0.1:1");
    assert!(stdout(&output).is_empty());
}

#[tokio::test]
async fn the_command_line_end_to_end() {
    let (db, keyspace) = fresh_keyspace("cli", false).await;
    let dir = fresh_dir("cli");
    let dir_arg = dir.to_str().unwrap();
    let run = |args: &[&str]| {
        let mut all = vec!["--keyspace", keyspace.as_str(), "--dir", dir_arg];
        all.extend_from_slice(args);
        cli(&all)
    };

    let help = cli(&["--help"]);
    assert!(help.status.success());
    for command in [
        "status",
        "up",
        "down",
        "diff",
        "sync",
        "new",
        "resolve",
        "SCYLLA_URI",
    ] {
        assert!(stdout(&help).contains(command), "--help lacks {command}");
    }

    // `new` writes the next file with the diff's safe CQL: here, the whole schema.
    let new = run(&["new", "init"]);
    assert!(new.status.success(), "{}", stderr(&new));
    let init = std::fs::read_to_string(dir.join("0001_init.cql")).unwrap();
    assert_contains(
        &init,
        &format!("CREATE KEYSPACE IF NOT EXISTS \"{keyspace}\""),
    );
    assert_contains(&init, "CREATE TABLE IF NOT EXISTS");
    assert_contains(&init, "CREATE INDEX");

    let sync = run(&["sync"]);
    assert!(sync.status.success(), "{}", stderr(&sync));
    assert_contains(&stdout(&sync), "ran CREATE TABLE IF NOT EXISTS");
    let diff = run(&["diff"]);
    assert_exit(&diff, 0);
    assert_contains(&stdout(&diff), "nothing to do");
    let sync = run(&["sync"]);
    assert_contains(&stdout(&sync), "nothing to do");

    // The generated migration re-runs safely (every statement is IF NOT EXISTS); then more.
    write(
        &dir,
        "0002_seed.cql",
        "INSERT INTO notes (id, author, body) VALUES (1, 'ann', 'hello; world');",
    );
    write(
        &dir,
        "0002_seed.down.cql",
        "DELETE FROM notes WHERE id = 1;",
    );
    let up = run(&["up"]);
    assert!(up.status.success(), "{}", stderr(&up));
    assert_eq!(stdout(&up), "applied 0001\napplied 0002\n");
    let again = run(&["up"]);
    assert_contains(&stdout(&again), "nothing to do");
    // The tool's own record and lease tables, now in the keyspace, are not a change.
    let diff = run(&["diff"]);
    assert_exit(&diff, 0);
    assert_contains(&stdout(&diff), "nothing to do");
    let body = db
        .query_unpaged(
            format!("SELECT body FROM \"{keyspace}\".notes WHERE id = 1"),
            (),
        )
        .await
        .unwrap();
    let (body,): (String,) = body.into_rows_result().unwrap().single_row().unwrap();
    assert_eq!(body, "hello; world");

    let status = run(&["status"]);
    assert!(status.status.success());
    let lines: Vec<String> = stdout(&status).lines().map(str::to_owned).collect();
    let starts = [
        "VERSION  NAME  STATE    APPLIED AT (UTC)",
        "0001     init  applied  20",
        "0002     seed  applied  20",
    ];
    assert!(lines.len() >= starts.len(), "{lines:?}");
    for (line, start) in lines.iter().zip(starts) {
        assert!(line.starts_with(start), "{lines:?}");
    }
    assert!(lines[2].contains(" yes"), "{lines:?}");

    let down = run(&["down"]);
    assert!(down.status.success(), "{}", stderr(&down));
    assert_eq!(stdout(&down), "reverted 0002\n");
    let down = run(&["down"]);
    assert_exit(&down, orm_migrate::EXIT_REFUSED);
    assert_contains(&stderr(&down), "has no down file");
    let status = run(&["status"]);
    assert_contains(&stdout(&status), "0002     seed  pending");

    // A failing migration: exit 1, the statement and the error on stderr and in `status`.
    write(&dir, "0003_bad.cql", "SELEC * FROM notes;");
    let up = run(&["up"]);
    assert_exit(&up, orm_migrate::EXIT_FAILED);
    assert_contains(&stdout(&up), "applied 0002");
    assert_contains(
        &stderr(&up),
        "migration 3 (bad) failed at statement 1 `SELEC * FROM notes`",
    );
    let status = run(&["status"]);
    assert_contains(&stdout(&status), "0003     bad   FAILED");
    assert_contains(&stdout(&status), "need attention");

    // A refused schema change: `diff` and `sync` exit 3, nothing runs.
    db.query_unpaged(
        format!("ALTER TABLE \"{keyspace}\".notes ADD extra int"),
        (),
    )
    .await
    .unwrap();
    let diff = run(&["diff"]);
    assert_exit(&diff, orm_migrate::EXIT_REFUSED);
    assert_contains(&stdout(&diff), "refused: notes.extra");
    let sync = run(&["sync"]);
    assert_exit(&sync, orm_migrate::EXIT_REFUSED);
}

fn crashing(_db: &Db) -> MigrationFuture<'_> {
    Box::pin(async move { panic!("the migrator's process dies here") })
}

fn recovering(db: &Db) -> MigrationFuture<'_> {
    Box::pin(async move {
        db.query_unpaged(
            "CREATE TABLE IF NOT EXISTS recovered (id int PRIMARY KEY)",
            (),
        )
        .await?;
        Ok(())
    })
}

/// A migrator of the files in `dir` and the Rust migration `version`, which `up` applies.
fn with_rust(db: &Db, keyspace: &str, dir: &Path, version: i64, up: RustMigration) -> Migrator {
    let migrations = Migrations::new().dir(dir).rust(version, "rust", up);
    Migrator::new(db, keyspace, migrations)
}

/// Runs `up` in a task that dies as a crashed process would (no release, no record of the
/// end): a migration of `migrator` panics.
async fn crash(migrator: Migrator) {
    let crash = tokio::spawn(async move { migrator.up(None).await }).await;
    assert!(crash.unwrap_err().is_panic());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_migrator_that_dies_midway_leaves_an_interrupted_record_that_up_finishes() {
    let (db, keyspace, dir) = fresh_setup("crash").await;
    write_table(&dir, "0001_a.cql", "a");
    // Long enough for the status read below to come before the lease expires even on a
    // loaded machine (with two seconds it once did not), short enough for `up` to wait.
    let short_lease = MigratorOptions::default().lease_ttl(Duration::from_secs(8));
    crash(with_rust(&db, &keyspace, &dir, 2, crashing).options(short_lease)).await;

    let fixed = with_rust(&db, &keyspace, &dir, 2, recovering);
    // Until its lease expires, a dead migrator cannot be told from a live one.
    let status = fixed.status().await.unwrap();
    assert_eq!(status[0].state, State::Applied);
    assert_eq!(status[1].state, State::Running, "{:?}", status[1]);
    // `up` waits for the lease to expire (at most eight seconds), then finishes the migration.
    assert_eq!(fixed.up(None).await.unwrap(), [2]);
    assert!(table_exists(&db, &keyspace, "recovered").await);
    assert_eq!(fixed.status().await.unwrap()[1].state, State::Applied);

    // Once its lease is gone (deleted here, as its expiry would), it reads as interrupted.
    crash(with_rust(&db, &keyspace, &dir, 3, crashing).options(short_lease)).await;
    db.query_unpaged(
        format!("DELETE FROM \"{keyspace}\".\"{LEASE_TABLE}\" WHERE name = 'migrate'"),
        (),
    )
    .await
    .unwrap();
    let status = with_rust(&db, &keyspace, &dir, 3, recovering)
        .status()
        .await
        .unwrap();
    assert_eq!(status[2].state, State::Interrupted, "{:?}", status[2]);
    assert_contains(&status[2].note, "stopped after 0 statement(s)");
}

/// Fails unless the lease row is still there after more than its TTL.
fn outlives_the_lease_ttl(db: &Db) -> MigrationFuture<'_> {
    Box::pin(async move {
        tokio::time::sleep(Duration::from_secs(4)).await;
        let result = db
            .query_unpaged(format!("SELECT owner FROM \"{LEASE_TABLE}\""), ())
            .await?;
        match result.into_rows_result()?.rows_num() {
            1 => Ok(()),
            n => Err(format!("{n} lease rows after twice the TTL").into()),
        }
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_migration_longer_than_the_lease_ttl_keeps_the_lease_renewed() {
    let (db, keyspace) = fresh_keyspace("renewal", true).await;
    let migrations = Migrations::new().rust(1, "slow", outlives_the_lease_ttl);
    let migrator = Migrator::new(&db, &keyspace, migrations.clone())
        .options(MigratorOptions::default().lease_ttl(Duration::from_secs(2)));
    let running = tokio::spawn(async move { migrator.up(None).await });

    // Meanwhile, another migrator's `status` says it runs (its holder has the lease).
    let observer = Migrator::new(&db, &keyspace, migrations);
    let mut seen = None;
    while seen.is_none() && !running.is_finished() {
        if let Ok(status) = observer.status().await {
            seen = status.into_iter().find(|s| s.state == State::Running);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(running.await.unwrap().unwrap(), [1]);
    let seen = seen.expect("status showed the migration running");
    assert_contains(&seen.note, "done so far");
    assert_eq!(observer.status().await.unwrap()[0].state, State::Applied);
}

/// The example tool (`examples/migrate.rs`), run in this process on its own keyspace.
#[allow(dead_code)]
mod example {
    include!("../../examples/migrate.rs");

    /// The example's migrations, its folder named from this crate.
    fn example_migrations() -> Migrations {
        migrations().dir(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/migrations"
        ))
    }

    fn run(keyspace: &str, args: &[&str]) -> ExitCode {
        let mut all = vec!["migrate", "--keyspace", keyspace];
        all.extend_from_slice(args);
        orm_migrate::run_cli_from(all, schema(), example_migrations())
    }

    #[test]
    fn the_example_tool_syncs_migrates_and_reverts() {
        let keyspace = format!("{}mig_example", super::keyspace_prefix());
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let db = runtime.block_on(async {
            let db = Db::connect(&super::scylla_uri()).await.unwrap();
            db.drop_keyspace(&keyspace).await.unwrap();
            db
        });
        assert_eq!(
            run(&keyspace, &["up"]),
            ExitCode::from(1),
            "no keyspace yet"
        );
        assert_eq!(run(&keyspace, &["sync"]), ExitCode::SUCCESS);
        assert_eq!(run(&keyspace, &["up"]), ExitCode::SUCCESS);
        assert_eq!(run(&keyspace, &["status"]), ExitCode::SUCCESS);
        let (names, states) = runtime.block_on(async {
            let result = db
                .query_unpaged(
                    format!("SELECT display_name FROM \"{keyspace}\".mig_users"),
                    (),
                )
                .await
                .unwrap();
            let mut names: Vec<String> = result
                .into_rows_result()
                .unwrap()
                .rows::<(Option<String>,)>()
                .unwrap()
                .map(|row| row.unwrap().0.unwrap_or_default())
                .collect();
            names.sort();
            let status = orm_migrate::Migrator::new(&db, &keyspace, example_migrations())
                .status()
                .await
                .unwrap();
            (
                names,
                status.into_iter().map(|s| s.state).collect::<Vec<_>>(),
            )
        });
        assert_eq!(names, ["ada", "grace"], "the Rust backfill ran");
        assert_eq!(states, [super::State::Applied; 3]);
        assert_eq!(run(&keyspace, &["down", "--to", "0"]), ExitCode::SUCCESS);
        let users = runtime.block_on(async {
            let result = db
                .query_unpaged(format!("SELECT id FROM \"{keyspace}\".mig_users"), ())
                .await
                .unwrap();
            result.into_rows_result().unwrap().rows_num()
        });
        assert_eq!(users, 0, "the down files ran");
    }
}

#[test]
fn the_readme_shows_the_migrate_example_word_for_word() {
    orm_tests::assert_readme_shows(
        include_str!("../../README.md"),
        "rust,ignore",
        "examples/migrate.rs",
        include_str!("../../examples/migrate.rs"),
    );
}

#[test]
fn new_empty_writes_the_next_file_without_a_server() {
    let dir = fresh_dir("new_empty");
    write(&dir, "0007_first.cql", "SELECT now() FROM system.local;");
    let output = Command::new(FIXTURE)
        .args(["--uri", "127.0.0.1:1", "--dir", dir.to_str().unwrap()])
        .args(["new", "second", "--empty"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let written = std::fs::read_to_string(dir.join("0008_second.cql")).unwrap();
    assert_contains(&written, "Write the statements here");
    let bad = Command::new(FIXTURE)
        .args(["--dir", dir.to_str().unwrap(), "new", "Bad-Name", "--empty"])
        .output()
        .unwrap();
    assert_exit(&bad, orm_migrate::EXIT_FAILED);
    assert_contains(&stderr(&bad), "`Bad-Name` is not a migration name");
}
