//! The harness the integration tests share.
//!
//! - connects to the real server at `SCYLLA_URI` (default `127.0.0.1:9042`; start one with
//!   `scripts/db up`);
//! - gives each test binary its own keyspace (replication factor 1), dropped and created
//!   afresh once per run, so binaries run in parallel without touching each other
//!   (`ORM_TEST_KEYSPACE_PREFIX`, default `orm_test_`, keeps two checkouts that test
//!   against one server apart);
//! - creates each model's table once per run, however many tests ask for it.
//!
//! Each test opens its own session: `#[tokio::test]` gives every test its own runtime, and a
//! session must not outlive the runtime that spawned its connection tasks.
//! Tests keep apart inside one keyspace by using fresh partition keys ([`unique_id`]).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::{Command, Output};

use futures::{Stream, TryStreamExt};
use orm_core::schema::{Replication, ServerKind};
use orm_core::{Db, TableMeta, render};
use tokio::sync::{Mutex, OnceCell};

/// The address of the server under test.
pub fn scylla_uri() -> String {
    std::env::var("SCYLLA_URI").unwrap_or_else(|_| "127.0.0.1:9042".to_owned())
}

/// A handle on this test binary's keyspace, with the tables of `models` created.
///
/// # Panics
/// When no server answers or the schema cannot be created: a test cannot run then, and
/// the message says how to start a server.
pub async fn db(models: &[&'static TableMeta]) -> Db {
    let uri = scylla_uri();
    let db = Db::connect(&uri).await.unwrap_or_else(|err| {
        let err = error_chain(&err);
        panic!("no CQL server at {uri} ({err}); start one with `scripts/db up` or set SCYLLA_URI")
    });
    let keyspace = KEYSPACE.get_or_init(|| create_keyspace(&db)).await.as_str();
    db.use_keyspace(keyspace)
        .await
        .expect("the test keyspace exists");
    create_tables(&db, models).await;
    db
}

/// The prefix of every keyspace the tests create: `$ORM_TEST_KEYSPACE_PREFIX`, or
/// `orm_test_`.
pub fn keyspace_prefix() -> String {
    std::env::var("ORM_TEST_KEYSPACE_PREFIX").unwrap_or_else(|_| "orm_test_".to_owned())
}

/// A session with no keyspace in use, and the name `<prefix><name>` of a keyspace
/// dropped if it existed, for a test that creates (or syncs, or migrates) its own.
///
/// # Panics
/// When no server answers or the drop fails.
pub async fn fresh_keyspace(name: &str) -> (Db, String) {
    let keyspace = format!("{}{name}", keyspace_prefix());
    let db = Db::connect(&scylla_uri()).await.expect("a CQL server");
    db.drop_keyspace(&keyspace)
        .await
        .expect("dropping the keyspace");
    (db, keyspace)
}

/// A fresh UUID, to give each test partition keys no other test uses.
pub fn unique_id() -> uuid::Uuid {
    uuid::Uuid::new_v4()
}

static KEYSPACE: OnceCell<String> = OnceCell::const_new();
static CREATED_TABLES: Mutex<BTreeSet<&'static str>> = Mutex::const_new(BTreeSet::new());

async fn create_keyspace(db: &Db) -> String {
    let keyspace = keyspace_name();
    db.drop_keyspace(&keyspace)
        .await
        .expect("dropping the previous run's keyspace");
    match db
        .server_kind()
        .await
        .expect("asking the server what it is")
    {
        // ScyllaDB 6 creates keyspaces with tablets, which do not support counters and
        // lightweight transactions in every version; the tests use both.
        ServerKind::ScyllaDb => {
            db.query_unpaged(
                format!(
                    "CREATE KEYSPACE IF NOT EXISTS \"{keyspace}\" WITH replication = \
                     {{'class': 'SimpleStrategy', 'replication_factor': 1}} \
                     AND tablets = {{'enabled': false}}"
                ),
                (),
            )
            .await
            .expect("creating the test keyspace");
        }
        ServerKind::Cassandra => db
            .create_keyspace(&keyspace, &Replication::Simple(1))
            .await
            .expect("creating the test keyspace"),
    }
    keyspace
}

async fn create_tables(db: &Db, models: &[&'static TableMeta]) {
    let mut created = CREATED_TABLES.lock().await;
    for table in models {
        if created.contains(table.name) {
            continue;
        }
        for statement in render::create_schema(table) {
            db.query_unpaged(statement, ())
                .await
                .unwrap_or_else(|err| panic!("creating table {}: {err}", table.name));
        }
        created.insert(table.name);
    }
}

/// `orm_test_<binary>` (or `$ORM_TEST_KEYSPACE_PREFIX<binary>`), from the test
/// executable's name without cargo's hash suffix.
fn keyspace_name() -> String {
    let exe = std::env::current_exe().expect("the test binary has a path");
    let stem = exe.file_stem().and_then(|s| s.to_str()).unwrap_or("tests");
    let binary = stem.split('-').next().unwrap_or(stem);
    let mut name: String = format!("{}{binary}", keyspace_prefix())
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    name.truncate(48);
    name
}

/// An error and its sources, outermost first, joined by `: ` (as `anyhow`'s `{:#}` prints
/// them): the ORM's errors say what failed and leave the driver's reason to `source()`.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    error_chain_with(error, ": ")
}

/// An error and its sources, outermost first, joined by `separator`: for tests that print
/// the chain in their own format.
pub fn error_chain_with(error: &(dyn std::error::Error + 'static), separator: &str) -> String {
    std::iter::successors(Some(error), |e| (*e).source())
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(separator)
}

/// An empty folder `<temp>/<prefix><name>_<pid>` (emptied if a previous run left it), for
/// a test's migration files: the prefix and the process id keep two checkouts and two
/// runs apart.
///
/// # Panics
/// When the folder cannot be created.
pub fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "{}{name}_{}",
        keyspace_prefix(),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    dir
}

/// What a finished process wrote to its standard output, as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// What a finished process wrote to its standard error, as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `bash scripts/<script> <args>` (the repository's scripts) with `envs` set, and
/// returns what it wrote.
///
/// # Panics
/// When it cannot start (`running scripts/<script>`) or fails (`<what> failed:` and what
/// it wrote to standard error): the servers a test needs are not there then.
#[track_caller]
pub fn run_script(script: &str, args: &[&str], envs: &[(&str, &str)], what: &str) -> Output {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../scripts")
        .join(script);
    let output = Command::new("bash")
        .arg(path)
        .args(args)
        .envs(envs.iter().copied())
        .output()
        .unwrap_or_else(|err| panic!("running scripts/{script}: {err:?}"));
    assert!(
        output.status.success(),
        "{what} failed:\n{}",
        stderr(&output)
    );
    output
}

/// Asserts that `text` contains `part`; the message of the failure prints both.
#[track_caller]
pub fn assert_contains(text: &str, part: &str) {
    assert!(text.contains(part), "{part:?} is not in:\n{text}");
}

/// Asserts that `readme` (the README's text) holds `example`, the text of the file
/// `path`, word for word in a code block opened by `` ```fence ``.
#[track_caller]
pub fn assert_readme_shows(readme: &str, fence: &str, path: &str, example: &str) {
    let block = format!("```{fence}\n{example}```");
    assert!(
        readme.contains(&block),
        "README.md's block of {path} differs from the file; copy the file into the README"
    );
}

/// Every item of a stream of rows, in order.
///
/// # Panics
/// On the first error the stream yields.
pub async fn collect<T, E: std::fmt::Debug>(rows: impl Stream<Item = Result<T, E>>) -> Vec<T> {
    rows.try_collect().await.expect("streaming the rows")
}

/// Asserts that an error is an [`orm_core::Error::Query`] whose [`QueryError`] matches
/// `pattern` (the message of the failure prints the error) and, when `message` is given,
/// that the error reads `message`.
///
/// [`QueryError`]: orm_core::QueryError
///
/// ```ignore
/// let err = author.get(&db).await.unwrap_err();
/// assert_query_error!(err, QueryError::MissingParentKey { .. });
/// assert_query_error!(err, QueryError::MissingParentKey { .. }, "Comment::author: ...");
/// ```
#[macro_export]
macro_rules! assert_query_error {
    ($error:expr, $pattern:pat) => {{
        let error = &$error;
        assert!(matches!(error, orm_core::Error::Query($pattern)), "{error}");
    }};
    ($error:expr, $pattern:pat, $message:expr) => {{
        let error = &$error;
        assert!(matches!(error, orm_core::Error::Query($pattern)), "{error}");
        assert_eq!(error.to_string(), $message);
    }};
}
