//! Where migrations come from: `.cql` files of a folder and Rust functions registered in
//! code, merged into one list ordered by version.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;

use orm_core::Db;
use sha2::{Digest, Sha256};

use crate::error::{MigrateError, Result};
use crate::split::split_statements;

/// What a Rust migration returns: any error, reported with its message.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The future a Rust migration returns.
pub type MigrationFuture<'a> = Pin<Box<dyn Future<Output = Result<(), BoxError>> + Send + 'a>>;

/// A Rust migration: a function given the [`Db`], with the migrations' keyspace in use.
///
/// # Example
/// ```
/// use orm_core::Db;
/// use orm_migrate::MigrationFuture;
///
/// fn backfill(db: &Db) -> MigrationFuture<'_> {
///     Box::pin(async move {
///         db.query_unpaged("UPDATE users SET active = true WHERE id = 1", ()).await?;
///         Ok(())
///     })
/// }
/// let _: orm_migrate::RustMigration = backfill;
/// ```
pub type RustMigration = for<'a> fn(&'a Db) -> MigrationFuture<'a>;

/// The body of a migration.
#[derive(Clone)]
pub enum Body {
    /// The statements of a `.cql` file and, when there is one, of its `.down.cql` file.
    Cql {
        /// The up file.
        path: PathBuf,
        /// Its statements.
        up: Vec<String>,
        /// The down file's statements.
        down: Option<Vec<String>>,
    },
    /// Functions registered in code.
    Rust {
        /// Applies the migration.
        up: RustMigration,
        /// Reverts it.
        down: Option<RustMigration>,
    },
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Body::Cql { path, up, down } => f
                .debug_struct("Cql")
                .field("path", path)
                .field("statements", &up.len())
                .field("down", &down.as_ref().map(Vec::len))
                .finish(),
            Body::Rust { down, .. } => f
                .debug_struct("Rust")
                .field("down", &down.is_some())
                .finish(),
        }
    }
}

/// One migration: a version (its order), a name and what it runs.
#[derive(Debug, Clone)]
pub struct Migration {
    /// The version: migrations run in increasing order.
    pub version: i64,
    /// The name (the file name's part after the version).
    pub name: String,
    /// The statements or the functions.
    pub body: Body,
    /// The SHA-256 of the up statements, in hex. A Rust migration's is of its name only:
    /// an edit of its code is not detected.
    pub checksum: String,
}

impl Migration {
    /// Whether the migration can be reverted.
    pub fn has_down(&self) -> bool {
        match &self.body {
            Body::Cql { down, .. } => down.is_some(),
            Body::Rust { down, .. } => down.is_some(),
        }
    }
}

/// The migrations of an application: a folder of `.cql` files and Rust functions.
///
/// A file is named `<version>_<name>.cql` (`0001_add_email.cql`), with an optional
/// `<version>_<name>.down.cql` that reverts it; other files are ignored. Versions are
/// positive integers and each is used once, by a file or a function.
///
/// # Example
/// ```
/// use orm_core::Db;
/// use orm_migrate::{MigrationFuture, Migrations};
///
/// fn backfill(db: &Db) -> MigrationFuture<'_> {
///     Box::pin(async move { Ok(()) })
/// }
///
/// let migrations = Migrations::new().dir("migrations").rust(2, "backfill", backfill);
/// assert_eq!(migrations.folder().unwrap().to_str(), Some("migrations"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Migrations {
    dir: Option<PathBuf>,
    rust: Vec<(i64, String, RustMigration, Option<RustMigration>)>,
}

impl Migrations {
    /// No migrations.
    pub fn new() -> Migrations {
        Migrations::default()
    }

    /// Reads the `.cql` files of `dir` (when [`load`](Migrations::load)ed).
    pub fn dir(mut self, dir: impl Into<PathBuf>) -> Migrations {
        self.dir = Some(dir.into());
        self
    }

    /// The folder, if any.
    pub fn folder(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Adds a Rust migration that cannot be reverted.
    pub fn rust(mut self, version: i64, name: &str, up: RustMigration) -> Migrations {
        self.rust.push((version, name.to_owned(), up, None));
        self
    }

    /// Adds a Rust migration with the function that reverts it.
    pub fn rust_with_down(
        mut self,
        version: i64,
        name: &str,
        up: RustMigration,
        down: RustMigration,
    ) -> Migrations {
        self.rust.push((version, name.to_owned(), up, Some(down)));
        self
    }

    /// Reads the folder and merges the Rust migrations: every migration, ordered by version.
    ///
    /// # Errors
    /// [`MigrateError::BadInput`] for two migrations of one version, a file name without a
    /// version, a down file without its up file, or an unterminated quote or comment;
    /// [`MigrateError::Io`] when the folder cannot be read.
    pub fn load(&self) -> Result<Vec<Migration>> {
        let mut by_version: BTreeMap<i64, Migration> = BTreeMap::new();
        let mut add = |migration: Migration, origin: String| -> Result<()> {
            if let Some(known) = by_version.get(&migration.version) {
                return Err(MigrateError::BadInput(format!(
                    "version {} is used twice: by `{}` and by {origin}; give one of them another version",
                    migration.version, known.name
                )));
            }
            by_version.insert(migration.version, migration);
            Ok(())
        };
        if let Some(dir) = &self.dir {
            for (migration, path) in read_dir(dir)? {
                add(migration, format!("{}", path.display()))?;
            }
        }
        for (version, name, up, down) in &self.rust {
            check_version(*version, name)?;
            let migration = Migration {
                version: *version,
                name: name.clone(),
                body: Body::Rust {
                    up: *up,
                    down: *down,
                },
                checksum: checksum(&[format!("rust:{name}")]),
            };
            add(migration, format!("the Rust migration `{name}`"))?;
        }
        Ok(by_version.into_values().collect())
    }
}

fn check_version(version: i64, name: &str) -> Result<()> {
    if version <= 0 {
        return Err(MigrateError::BadInput(format!(
            "`{name}` has version {version}: versions are positive"
        )));
    }
    Ok(())
}

/// The migrations of a folder, each with the path of its up file.
fn read_dir(dir: &Path) -> Result<Vec<(Migration, PathBuf)>> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| MigrateError::Io { path, source }
    };
    let mut ups = Vec::new();
    let mut downs = BTreeMap::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        let Some(file) = path.file_name().and_then(|f| f.to_str()) else {
            continue;
        };
        if let Some(stem) = file.strip_suffix(".down.cql") {
            downs.insert(stem.to_owned(), path.clone());
        } else if let Some(stem) = file.strip_suffix(".cql") {
            ups.push((stem.to_owned(), path.clone()));
        }
    }
    let mut migrations = Vec::new();
    for (stem, path) in ups {
        let (version, name) = parse_stem(&stem)?;
        let up = statements(&path, &read(&path)?)?;
        let down = match downs.remove(&stem) {
            Some(down_path) => Some(statements(&down_path, &read(&down_path)?)?),
            None => None,
        };
        let checksum = checksum(&up);
        let body = Body::Cql {
            path: path.clone(),
            up,
            down,
        };
        migrations.push((
            Migration {
                version,
                name,
                body,
                checksum,
            },
            path,
        ));
    }
    if let Some((stem, path)) = downs.into_iter().next() {
        return Err(MigrateError::BadInput(format!(
            "{} has no up file {stem}.cql",
            path.display()
        )));
    }
    Ok(migrations)
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| MigrateError::Io {
        path: path.to_owned(),
        source,
    })
}

fn statements(path: &Path, script: &str) -> Result<Vec<String>> {
    split_statements(script).map_err(|error| {
        MigrateError::BadInput(format!(
            "{}: a {} opened on line {} is not closed",
            path.display(),
            error.what,
            error.line
        ))
    })
}

/// `0001_add_email` → `(1, "add_email")`.
fn parse_stem(stem: &str) -> Result<(i64, String)> {
    let bad = || {
        MigrateError::BadInput(format!(
            "`{stem}.cql` is not named `<version>_<name>.cql` (e.g. `0001_add_email.cql`)"
        ))
    };
    let (digits, name) = stem.split_once('_').ok_or_else(bad)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || name.is_empty() {
        return Err(bad());
    }
    let version: i64 = digits.parse().map_err(|_| bad())?;
    check_version(version, stem)?;
    Ok((version, name.to_owned()))
}

/// The SHA-256 of statements, in hex: blanks around each statement and line endings
/// (`\r\n` or `\n`) do not change it; any other edit does.
pub(crate) fn checksum(statements: &[String]) -> String {
    let mut hasher = Sha256::new();
    for statement in statements {
        hasher.update(statement.replace("\r\n", "\n").as_bytes());
        hasher.update(b"\0");
    }
    let mut hex = String::with_capacity(64);
    for byte in hasher.finalize().iter() {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_give_version_and_name() {
        assert_eq!(
            parse_stem("0001_add_email").unwrap(),
            (1, "add_email".into())
        );
        assert_eq!(
            parse_stem("20250101_x_y").unwrap(),
            (20250101, "x_y".into())
        );
        for bad in ["add_email", "0001", "0001_", "v1_x", "0000_zero"] {
            assert!(parse_stem(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn checksums_ignore_line_endings_and_see_edits() {
        let a = checksum(&["SELECT 1\nFROM t".into()]);
        assert_eq!(a, checksum(&["SELECT 1\r\nFROM t".into()]));
        assert_ne!(a, checksum(&["SELECT 2\nFROM t".into()]));
        assert_ne!(
            checksum(&["a".into(), "b".into()]),
            checksum(&["ab".into()])
        );
        assert_eq!(a.len(), 64);
    }
}
