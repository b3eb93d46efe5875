#![warn(missing_debug_implementations, missing_docs)]

//! Versioned migrations and a command-line tool for `orm-core`.
//!
//! - [`Migrations`]: `.cql` files of a folder (`0001_add_email.cql`, with an optional
//!   `0001_add_email.down.cql`) and Rust functions registered in code, ordered by version;
//! - [`Migrator`]: `status`, `up`, `down` and `resolve` against one keyspace, recording each
//!   migration in its `orm_migrations` table, under a lease so that two migrators never
//!   run at once;
//! - [`run_cli`]: the command-line tool (`status`, `up`, `down`, `diff`, `sync`, `new`,
//!   `resolve`) that an application's small binary calls with its schema and migrations;
//! - with the `seed` feature (which enables `orm-core`'s `factory`), `Seeders` and
//!   `run_cli_with_seeders`: the same tool with a `seed [NAME] [--truncate]` command
//!   running the application's seeders.
//!
//! # Why a crate of its own
//! An application's server links `orm-core` only: the command line (`clap`), checksums
//! (`sha2`) and the runtime the tool starts are paid for by the migration binary alone.
//!
//! # Runs that stop midway
//! CQL DDL is not transactional, and a `.cql` file is several statements: when one fails,
//! those before it stay applied. The record of the migration names the failed statement
//! and the server's error (`status` shows them), and the next `up` resumes *at* that
//! statement, once it is fixed, provided the statements that ran are unchanged (their
//! checksum is recorded). A migrator that crashes leaves the record `running` with the
//! count of statements that ran; `up` resumes there too. When the rest was done by hand,
//! `resolve VERSION` marks the migration applied. Since a statement may have run without
//! its success being recorded (a crash between the two), write statements that can run
//! twice: `CREATE ... IF NOT EXISTS`, `DROP ... IF EXISTS`, and writes of fixed values.
//! A Rust migration is resumed by running it again from its start: make it idempotent.
//! Its checksum is of its name only, so an edit of its code is not detected.
//!
//! A migration is never run twice: one whose statements changed after it was applied is
//! reported (`ChecksumMismatch`, `CHANGED` in `status`) and nothing runs until the edit is
//! undone. Put a further change in a new migration.

mod cli;
mod error;
mod lease;
mod migrator;
mod new_file;
mod record;
#[cfg(feature = "seed")]
mod seed;
mod source;
mod split;
mod status;

pub use cli::{Cli, Command, EXIT_FAILED, EXIT_REFUSED, run, run_cli, run_cli_from};
#[cfg(feature = "seed")]
pub use cli::{run_cli_from_with_seeders, run_cli_with_seeders, run_with_seeders};
pub use error::{Failure, MigrateError, Result};
pub use migrator::{Migrator, MigratorOptions};
pub use new_file::new_migration_file;
pub use record::{LEASE_TABLE, RECORD_TABLE, with_migration_tables};
#[cfg(feature = "seed")]
pub use seed::Seeders;
pub use source::{Body, BoxError, Migration, MigrationFuture, Migrations, RustMigration};
pub use split::{SplitError, split_statements};
pub use status::{MigrationStatus, State, StatusTable};
