//! The command-line tool: [`run_cli`], called by a small binary of the application.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use orm_core::Db;
use orm_core::schema::{Schema, SyncOptions};

use crate::error::{MigrateError, Result};
use crate::migrator::{Migrator, MigratorOptions, chain};
use crate::new_file::new_migration_file;
use crate::source::Migrations;
use crate::status::{State, StatusTable};

/// Exit code of a refusal: the tool would not run something and ran nothing (a schema
/// change the diff refuses, a changed migration, a record to settle first).
pub const EXIT_REFUSED: u8 = 3;
/// Exit code of a failure (connecting, a bad migrations folder, a failed migration).
pub const EXIT_FAILED: u8 = 1;

/// Schema sync and versioned migrations of one keyspace.
///
/// Exit codes: 0 done (or nothing to do), 1 failed, 2 bad arguments, 3 refused (nothing
/// was run).
#[derive(Debug, Parser)]
#[command(
    version,
    about = "Schema sync and versioned migrations of one keyspace",
    long_about = None
)]
pub struct Cli {
    /// The server's contact points: `host:port`, several separated by commas.
    #[arg(
        long,
        env = "SCYLLA_URI",
        default_value = "127.0.0.1:9042",
        global = true
    )]
    pub uri: String,
    /// The keyspace (default: the application schema's).
    #[arg(long, env = "SCYLLA_KEYSPACE", global = true)]
    pub keyspace: Option<String>,
    /// The folder of `.cql` migrations (default: the one the application gives).
    #[arg(long, env = "ORM_MIGRATIONS_DIR", global = true)]
    pub dir: Option<PathBuf>,
    /// Seconds to wait for the server to answer when connecting.
    #[arg(long, default_value_t = 5, global = true)]
    pub connect_timeout: u64,
    /// Seconds to wait for another migrator's lease before giving up.
    #[arg(long, default_value_t = 600, global = true)]
    pub lease_wait: u64,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// A command of [`Cli`]. Non-exhaustive: the `seed` feature adds `Seed`, and a crate that
/// matches on commands must not break when another crate turns the feature on.
#[derive(Debug, Subcommand)]
#[non_exhaustive]
pub enum Command {
    /// Show each migration: applied, pending, failed (with the statement and the error), changed.
    Status,
    /// Apply pending migrations (resuming a failed one at its failed statement).
    Up {
        /// Stop after this version.
        #[arg(long)]
        to: Option<i64>,
    },
    /// Revert the last applied migration, or every one above `--to`.
    Down {
        /// Revert the applied migrations above this version (0: all).
        #[arg(long)]
        to: Option<i64>,
    },
    /// Print the CQL that `sync` would run (a dry run), and what it refuses.
    Diff,
    /// Create what the schema's models need (keyspace, types, tables, columns, indexes).
    Sync {
        /// Run the safe changes even when others are refused.
        #[arg(long)]
        safe_only: bool,
    },
    /// Write the next migration file, pre-filled with the diff's safe CQL.
    New {
        /// The migration's name (lowercase letters, digits and _).
        name: String,
        /// Leave the file empty: no diff, no connection.
        #[arg(long)]
        empty: bool,
    },
    /// Mark a failed migration applied, after finishing it by hand.
    Resolve {
        /// Its version.
        version: i64,
    },
    /// Run one of the application's seeders (the first it lists by default) and print the
    /// rows written per model.
    #[cfg(feature = "seed")]
    Seed {
        /// The seeder's name.
        name: Option<String>,
        /// Empty the application's tables first (TRUNCATE; never the migration tables,
        /// never DROP).
        #[arg(long)]
        truncate: bool,
    },
}

/// Runs the command line of the process with the application's schema and migrations,
/// printing results to stdout and errors to stderr. It starts its own async runtime, so
/// call it from a plain `fn main` (from async code, call [`run`] with [`Cli`] parsed by
/// `clap::Parser::parse`). A small binary of the application:
///
/// ```no_run
/// use std::process::ExitCode;
/// use orm_core::Model;
/// use orm_core::schema::{Replication, Schema};
/// use orm_migrate::{Migrations, run_cli};
///
/// #[derive(Model)]
/// struct User {
///     #[orm(partition_key)]
///     id: i64,
/// }
///
/// fn main() -> ExitCode {
///     let schema = Schema::new("app", Replication::Simple(1)).model::<User>();
///     run_cli(schema, Migrations::new().dir("migrations"))
/// }
/// ```
pub fn run_cli(schema: Schema, migrations: Migrations) -> ExitCode {
    run_cli_from(std::env::args_os(), schema, migrations)
}

/// [`run_cli`] with the given arguments (the first is the program's name).
pub fn run_cli_from(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    schema: Schema,
    migrations: Migrations,
) -> ExitCode {
    run_cli_inner(args, schema, migrations, Tools::default())
}

/// [`run_cli`] with the application's seeders, for the `seed` command (see
/// [`Seeders`](crate::Seeders) for an example). Feature `seed`.
#[cfg(feature = "seed")]
pub fn run_cli_with_seeders(
    schema: Schema,
    migrations: Migrations,
    seeders: crate::seed::Seeders,
) -> ExitCode {
    run_cli_from_with_seeders(std::env::args_os(), schema, migrations, seeders)
}

/// [`run_cli_with_seeders`] with the given arguments (the first is the program's name).
/// Feature `seed`.
#[cfg(feature = "seed")]
pub fn run_cli_from_with_seeders(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    schema: Schema,
    migrations: Migrations,
    seeders: crate::seed::Seeders,
) -> ExitCode {
    run_cli_inner(args, schema, migrations, Tools { seeders })
}

/// What the application gives the tool besides its schema and migrations.
#[derive(Debug, Default)]
struct Tools {
    #[cfg(feature = "seed")]
    seeders: crate::seed::Seeders,
}

fn run_cli_inner(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    schema: Schema,
    migrations: Migrations,
    tools: Tools,
) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(error.exit_code().clamp(0, 255) as u8);
        }
    };
    let is_down = matches!(cli.command, Command::Down { .. });
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    match runtime.block_on(run_with(cli, schema, migrations, &tools)) {
        Ok(code) => code,
        Err(error) => {
            if let MigrateError::Failed(failure) = &error {
                for version in &failure.done {
                    println!(
                        "{} {version:04}",
                        if is_down { "reverted" } else { "applied" }
                    );
                }
            }
            eprintln!("error: {}", chain(&error));
            ExitCode::from(if error.is_refusal() {
                EXIT_REFUSED
            } else {
                EXIT_FAILED
            })
        }
    }
}

/// Runs one parsed command.
pub async fn run(cli: Cli, schema: Schema, migrations: Migrations) -> Result<ExitCode> {
    run_with(cli, schema, migrations, &Tools::default()).await
}

/// [`run`] with the application's seeders, for the `seed` command. Feature `seed`.
#[cfg(feature = "seed")]
pub async fn run_with_seeders(
    cli: Cli,
    schema: Schema,
    migrations: Migrations,
    seeders: &crate::seed::Seeders,
) -> Result<ExitCode> {
    let tools = Tools {
        seeders: seeders.clone(),
    };
    run_with(cli, schema, migrations, &tools).await
}

async fn run_with(
    cli: Cli,
    schema: Schema,
    migrations: Migrations,
    tools: &Tools,
) -> Result<ExitCode> {
    let schema = match &cli.keyspace {
        Some(keyspace) => schema.with_keyspace(keyspace.clone()),
        None => schema,
    };
    #[cfg(feature = "seed")]
    if let Command::Seed { name, truncate } = &cli.command {
        let name = match crate::seed::chosen(&tools.seeders, name.as_deref()) {
            Ok(name) => name,
            Err(refused) => return Ok(refused),
        };
        let db = connect(&cli).await?;
        db.use_keyspace(schema.keyspace()).await?;
        return Ok(crate::seed::seed(&db, &schema, &tools.seeders, name, *truncate).await);
    }
    #[cfg(not(feature = "seed"))]
    let _ = tools;
    // The record and lease tables are the tool's own: `diff` and `sync` leave them be.
    let schema = crate::record::with_migration_tables(schema);
    let migrations = match &cli.dir {
        Some(dir) => migrations.dir(dir),
        None => migrations,
    };
    if let Command::New { name, empty: true } = &cli.command {
        let path = new_migration_file(&migrations, name, None)?;
        println!("wrote {}", path.display());
        return Ok(ExitCode::SUCCESS);
    }
    // Bad input is reported before the server is asked anything.
    migrations.load()?;
    let db = connect(&cli).await?;
    let migrator = Migrator::new(&db, schema.keyspace(), migrations.clone())
        .options(MigratorOptions::default().lease_wait(Duration::from_secs(cli.lease_wait)));
    match cli.command {
        Command::Status => {
            let lines = migrator.status().await?;
            print!("{}", StatusTable(&lines));
            let blocked = lines.iter().any(|line| {
                matches!(
                    line.state,
                    State::Failed | State::Interrupted | State::Changed | State::DownFailed
                )
            });
            if blocked {
                println!(
                    "\nSome migrations need attention: see NOTE, then run `up` or `resolve VERSION`."
                );
            }
        }
        Command::Up { to } => print_versions(
            &migrator.up(to).await?,
            "applied",
            "nothing to do: every migration is applied",
        ),
        Command::Down { to } => print_versions(
            &migrator.down(to).await?,
            "reverted",
            "nothing to do: no applied migration to revert",
        ),
        Command::Diff => {
            let plan = schema.diff(&db).await?;
            print!("{plan}");
            if !plan.refused.is_empty() {
                return Ok(ExitCode::from(EXIT_REFUSED));
            }
        }
        Command::Sync { safe_only } => {
            let plan = schema
                .sync_with(&db, SyncOptions::default().safe_only(safe_only))
                .await?;
            if plan.steps.is_empty() {
                println!("nothing to do: keyspace {} is in sync", plan.keyspace);
            }
            for step in &plan.steps {
                println!("ran {};", step.cql);
            }
            for refusal in &plan.refused {
                println!("-- refused: {refusal}");
            }
        }
        Command::New { name, .. } => {
            let plan = schema.diff(&db).await?;
            let path = new_migration_file(&migrations, &name, Some(&plan))?;
            println!("wrote {}", path.display());
        }
        Command::Resolve { version } => {
            migrator.resolve(version).await?;
            println!("marked {version:04} applied");
        }
        #[cfg(feature = "seed")]
        Command::Seed { .. } => unreachable!("run before the migrations are loaded"),
    }
    Ok(ExitCode::SUCCESS)
}

/// What `up` or `down` did: `<done> 0001` a line per version, or `nothing` when it did
/// nothing, so a script reading the output sees the same lines for both commands.
fn print_versions(versions: &[i64], done: &str, nothing: &str) {
    if versions.is_empty() {
        println!("{nothing}");
    }
    for version in versions {
        println!("{done} {version:04}");
    }
}

/// A session with the server of `cli`.
async fn connect(cli: &Cli) -> Result<Db> {
    Ok(Db::builder()
        .known_nodes(&cli.uri)
        .connect_timeout(Duration::from_secs(cli.connect_timeout))
        .build()
        .await?)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn arguments_parse() {
        let cli = Cli::try_parse_from(["m", "--uri", "h:1", "up", "--to", "3"]).unwrap();
        assert_eq!(cli.uri, "h:1");
        assert!(matches!(cli.command, Command::Up { to: Some(3) }));
        let cli = Cli::try_parse_from(["m", "down", "--keyspace", "k"]).unwrap();
        assert_eq!(cli.keyspace.as_deref(), Some("k"));
        assert!(Cli::try_parse_from(["m", "sideways"]).is_err());
    }

    #[cfg(feature = "seed")]
    #[test]
    fn seed_arguments_parse() {
        let cli = Cli::try_parse_from(["m", "seed", "demo", "--truncate"]).unwrap();
        assert!(
            matches!(&cli.command, Command::Seed { name: Some(n), truncate: true } if n == "demo")
        );
        let cli = Cli::try_parse_from(["m", "seed"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Seed {
                name: None,
                truncate: false
            }
        ));
    }
}
