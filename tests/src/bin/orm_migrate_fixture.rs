//! The migration tool of a small application, as a user would write it: the tests of
//! `tests/tests/migrations.rs` spawn it as a process (`--keyspace` and `--dir` give each
//! test its own keyspace and migrations folder).

use std::process::ExitCode;

use orm_core::Model;
use orm_core::schema::{Replication, Schema};
use orm_migrate::{Migrations, run_cli};

/// The application's one model.
#[derive(Model, Debug)]
#[orm(table = "notes")]
struct Note {
    #[orm(partition_key)]
    id: i64,
    #[orm(index)]
    author: String,
    body: Option<String>,
}

fn main() -> ExitCode {
    let schema = Schema::new("orm_migrate_fixture", Replication::Simple(1)).model::<Note>();
    run_cli(schema, Migrations::new())
}
