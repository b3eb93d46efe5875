//! The `seed` command: the application's [`Seeders`], run by name against the tool's
//! keyspace, optionally after emptying the application's tables. Behind the `seed` cargo
//! feature (which enables `orm-core/factory`).

use std::future::Future;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::Arc;

use orm_core::factory::{FactoryError, SeedReport, Seeder, Seeding};
use orm_core::schema::Schema;
use orm_core::{Db, TableMeta};

use crate::cli::{EXIT_FAILED, EXIT_REFUSED};
use crate::record::{LEASE_TABLE, RECORD_TABLE};

/// A seeder's whole run.
type SeedFuture<'a> = Pin<Box<dyn Future<Output = Result<SeedReport, FactoryError>> + Send + 'a>>;

/// A seeder run as a whole, its type erased.
type Run = Arc<dyn for<'a> Fn(Seeding<'a>) -> SeedFuture<'a> + Send + Sync>;

/// `run`, erased (the bound gives the closure its signature).
fn erased<F>(run: F) -> Run
where
    F: for<'a> Fn(Seeding<'a>) -> SeedFuture<'a> + Send + Sync + 'static,
{
    Arc::new(run)
}

/// The seeders an application hands to the command line
/// ([`run_cli_with_seeders`](crate::run_cli_with_seeders)), by name; `seed` without a
/// name runs the first one added.
///
/// ```no_run
/// use std::process::ExitCode;
/// use orm_core::Model;
/// use orm_core::factory::{Factory, FactoryError, Seeder, Seeding};
/// use orm_core::schema::{Replication, Schema};
/// use orm_migrate::{Migrations, Seeders, run_cli_with_seeders};
///
/// #[derive(Model)]
/// struct Tag {
///     #[orm(partition_key)]
///     id: i64,
/// }
///
/// struct DemoData;
///
/// impl Seeder for DemoData {
///     async fn run(&self, seeding: &mut Seeding<'_>) -> Result<(), FactoryError> {
///         seeding.create(&Factory::new(|f| Tag { id: f.sequence() as i64 }).times(10)).await?;
///         Ok(())
///     }
/// }
///
/// fn main() -> ExitCode {
///     let schema = Schema::new("app", Replication::Simple(1)).model::<Tag>();
///     let seeders = Seeders::new().add("demo", DemoData);
///     // `tool seed`, `tool seed demo --truncate`, and every migration command.
///     run_cli_with_seeders(schema, Migrations::new().dir("migrations"), seeders)
/// }
/// ```
#[derive(Clone, Default)]
pub struct Seeders {
    seeders: Vec<(String, Run)>,
}

impl std::fmt::Debug for Seeders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Seeders")
            .field("names", &self.names())
            .finish()
    }
}

impl Seeders {
    /// No seeders yet.
    pub fn new() -> Self {
        Seeders::default()
    }

    /// Adds `seeder` under `name` (replacing one of that name); the first added is the
    /// default of `seed`.
    pub fn add(mut self, name: impl Into<String>, seeder: impl Seeder + 'static) -> Self {
        let name = name.into();
        let seeder = Arc::new(seeder);
        let run = erased(move |seeding| {
            let seeder = seeder.clone();
            Box::pin(async move { seeding.run(&*seeder).await })
        });
        match self.seeders.iter_mut().find(|(n, _)| *n == name) {
            Some((_, existing)) => *existing = run,
            None => self.seeders.push((name, run)),
        }
        self
    }

    /// The seeders' names, the default first.
    pub fn names(&self) -> Vec<&str> {
        self.seeders.iter().map(|(name, _)| name.as_str()).collect()
    }

    /// The seeder `name`, or the default one.
    fn find(&self, name: Option<&str>) -> Option<(&str, &Run)> {
        let found = match name {
            Some(name) => self.seeders.iter().find(|(n, _)| n == name),
            None => self.seeders.first(),
        };
        found.map(|(name, run)| (name.as_str(), run))
    }
}

/// The application's tables `seed --truncate` empties: the schema's, never the tool's
/// own record and lease tables.
pub(crate) fn truncated_tables(schema: &Schema) -> Vec<&'static TableMeta> {
    schema
        .tables()
        .iter()
        .copied()
        .filter(|table| table.name != RECORD_TABLE && table.name != LEASE_TABLE)
        .collect()
}

/// The name of the seeder `seed [NAME]` runs; otherwise the refusal printed (exit 3),
/// which lists the names, before anything is sent.
pub(crate) fn chosen<'s>(seeders: &'s Seeders, name: Option<&str>) -> Result<&'s str, ExitCode> {
    match seeders.find(name) {
        Some((found, _)) => Ok(found),
        None => {
            let asked = name.map_or("default seeder".to_owned(), |n| format!("seeder `{n}`"));
            eprintln!(
                "error: no {asked}; the seeders are: [{}]",
                seeders.names().join(", ")
            );
            Err(ExitCode::from(EXIT_REFUSED))
        }
    }
}

/// Runs the seeder `name` (from [`chosen`]) against `db` (already in the keyspace),
/// after emptying the application's tables when `truncate`, and prints what was written
/// per model.
pub(crate) async fn seed(
    db: &Db,
    schema: &Schema,
    seeders: &Seeders,
    name: &str,
    truncate: bool,
) -> ExitCode {
    let Some((name, run)) = seeders.find(Some(name)) else {
        return ExitCode::from(EXIT_REFUSED);
    };
    let mut seeding = Seeding::new(db);
    if truncate {
        let tables = truncated_tables(schema);
        let names: Vec<&str> = tables.iter().map(|t| t.name).collect();
        println!("truncating {}", names.join(", "));
        seeding = seeding.truncate_tables(&tables);
    }
    match run(seeding).await {
        Ok(report) => {
            for (model, rows) in report.iter() {
                println!("{model}: {rows}");
            }
            println!("seeded {name}: {} rows", report.total());
            ExitCode::SUCCESS
        }
        Err(error) => {
            for (model, rows) in error.written().iter() {
                println!("{model}: {rows}");
            }
            eprintln!("error: seeder `{name}` failed: {error}");
            ExitCode::from(EXIT_FAILED)
        }
    }
}
