// The migration tool of an application: a binary of its own that hands the application's
// schema and migrations to `orm_migrate::run_cli`. Try it against a local server:
//
// ```text
// cargo run -p orm-examples --example migrate -- --help
// cargo run -p orm-examples --example migrate -- sync     # create what the models need
// cargo run -p orm-examples --example migrate -- up       # apply the versioned migrations
// cargo run -p orm-examples --example migrate -- status
// ```
use std::process::ExitCode;

use orm_core::schema::{Replication, Schema};
use orm_core::{Db, Model};
use orm_migrate::{MigrationFuture, Migrations, run_cli};

/// A user of the application: the schema creates its table and its index.
#[derive(Model, Debug)]
#[orm(table = "mig_users")]
struct User {
    #[orm(partition_key)]
    id: i64,
    #[orm(index)]
    email: String,
    display_name: Option<String>,
}

/// Every model (and pivot) of the application, listed once.
fn schema() -> Schema {
    Schema::new("orm_example_migrate", Replication::Simple(1)).model::<User>()
}

/// A backfill no `.cql` file can express: give each user a display name from their email.
fn backfill_display_names(db: &Db) -> MigrationFuture<'_> {
    Box::pin(async move {
        let result = db
            .query_unpaged("SELECT id, email FROM mig_users", ())
            .await?;
        for row in result.into_rows_result()?.rows::<(i64, String)>()? {
            let (id, email) = row?;
            let name = email.split('@').next().unwrap_or_default().to_owned();
            db.query_unpaged(
                "UPDATE mig_users SET display_name = ? WHERE id = ?",
                (name, id),
            )
            .await?;
        }
        Ok(())
    })
}

/// Reverts the backfill.
fn clear_display_names(db: &Db) -> MigrationFuture<'_> {
    Box::pin(async move {
        let result = db.query_unpaged("SELECT id FROM mig_users", ()).await?;
        for row in result.into_rows_result()?.rows::<(i64,)>()? {
            let (id,) = row?;
            db.query_unpaged("DELETE display_name FROM mig_users WHERE id = ?", (id,))
                .await?;
        }
        Ok(())
    })
}

/// The `.cql` files of `examples/migrations/` and the Rust backfill, in version order.
fn migrations() -> Migrations {
    Migrations::new()
        .dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .rust_with_down(
            2,
            "backfill_display_names",
            backfill_display_names,
            clear_display_names,
        )
}

fn main() -> ExitCode {
    run_cli(schema(), migrations())
}
