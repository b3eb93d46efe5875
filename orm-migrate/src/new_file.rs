//! `new NAME`: the next migration file, pre-filled with the schema diff's safe CQL.

use std::path::PathBuf;

use orm_core::schema::Plan;

use crate::error::{MigrateError, Result};
use crate::source::Migrations;

/// Writes `<dir>/<next version>_<name>.cql`, the next version being one above the highest
/// of the folder and the Rust migrations. With a plan, the file holds its safe statements
/// (and its refusals as comments); without, a comment to replace.
///
/// # Example
/// ```
/// use orm_migrate::{Migrations, new_migration_file};
///
/// let dir = std::env::temp_dir().join(format!("orm_migrate_doc_{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let first = new_migration_file(&Migrations::new().dir(&dir), "init", None).unwrap();
/// let second = new_migration_file(&Migrations::new().dir(&dir), "add_email", None).unwrap();
/// assert!(first.ends_with("0001_init.cql") && second.ends_with("0002_add_email.cql"));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn new_migration_file(
    migrations: &Migrations,
    name: &str,
    plan: Option<&Plan>,
) -> Result<PathBuf> {
    let dir = migrations.folder().ok_or_else(|| {
        MigrateError::BadInput("no migrations folder: give one with `--dir`".into())
    })?;
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(MigrateError::BadInput(format!(
            "`{name}` is not a migration name: use lowercase letters, digits and _"
        )));
    }
    std::fs::create_dir_all(dir).map_err(|source| MigrateError::Io {
        path: dir.to_owned(),
        source,
    })?;
    let next = migrations.load()?.last().map_or(1, |m| m.version + 1);
    let path = dir.join(format!("{next:04}_{name}.cql"));
    std::fs::write(&path, contents(name, plan)).map_err(|source| MigrateError::Io {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

fn contents(name: &str, plan: Option<&Plan>) -> String {
    let mut out = format!(
        "-- Migration {name}.\n\
         -- CQL DDL is not transactional: if a statement fails, those before it stay applied\n\
         -- and `up` resumes at the failed one. Prefer statements that can run twice\n\
         -- (IF NOT EXISTS / IF EXISTS).\n\n"
    );
    match plan {
        None => out.push_str("-- Write the statements here, each ending with `;`.\n"),
        Some(plan) if plan.is_empty() => out.push_str(&format!(
            "-- The keyspace {} already matches the schema: write the statements here.\n",
            plan.keyspace
        )),
        Some(plan) => {
            if !plan.steps.is_empty() {
                out.push_str("-- The schema diff's safe changes:\n");
            }
            for step in &plan.steps {
                out.push_str(&format!("{};\n", step.cql));
            }
            for refusal in &plan.refused {
                out.push_str(&format!("-- refused by the diff: {refusal}\n"));
            }
        }
    }
    out
}
