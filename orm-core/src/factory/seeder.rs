//! Seeders: named steps that fill a database, which may call other seeders, run by a
//! [`Seeding`] that can first empty the application's tables.

use std::future::Future;

use crate::db::Db;
use crate::factory::{Factory, FactoryError, SeedReport, Seeded};
use crate::ident::quoted;
use crate::meta::TableMeta;
use crate::model::Model;
use crate::schema::Schema;

/// A step that fills the database: demo data, a test's fixtures. It gets the
/// [`Seeding`] it runs in, for the [`Db`](Seeding::db), to create rows with factories
/// ([`Seeding::create`], which counts them) and to call other seeders.
///
/// ```no_run
/// use orm_core::{Db, Model};
/// use orm_core::factory::{Factory, FactoryError, Seeder, Seeding};
///
/// #[derive(Model)]
/// struct Tag {
///     #[orm(partition_key)]
///     id: i64,
/// }
///
/// struct Tags;
///
/// impl Seeder for Tags {
///     async fn run(&self, seeding: &mut Seeding<'_>) -> Result<(), FactoryError> {
///         let tags = Factory::new(|f| Tag { id: f.sequence() as i64 }).times(10);
///         seeding.create(&tags).await?;
///         Ok(())
///     }
/// }
///
/// struct Everything;
///
/// impl Seeder for Everything {
///     async fn run(&self, seeding: &mut Seeding<'_>) -> Result<(), FactoryError> {
///         seeding.call(&Tags).await
///     }
/// }
///
/// # async fn run(db: &Db) -> Result<(), FactoryError> {
/// let report = Seeding::new(db).truncate_tables(&[Tag::TABLE]).run(&Everything).await?;
/// assert_eq!(report.rows("Tag"), 10);
/// # Ok(())
/// # }
/// ```
pub trait Seeder: Send + Sync {
    /// Fills the database.
    fn run(
        &self,
        seeding: &mut Seeding<'_>,
    ) -> impl Future<Output = Result<(), FactoryError>> + Send;
}

/// Runs seeders against a database, counting what they write; usable from tests.
#[derive(Debug)]
pub struct Seeding<'a> {
    db: &'a Db,
    truncate: Vec<&'static TableMeta>,
    report: SeedReport,
}

impl<'a> Seeding<'a> {
    /// Seeding against `db` (its session's keyspace, for tables without a pinned one).
    pub fn new(db: &'a Db) -> Self {
        Seeding {
            db,
            truncate: Vec::new(),
            report: SeedReport::default(),
        }
    }

    /// Empties every table of `schema` (`TRUNCATE`; nothing is dropped) before the run.
    pub fn truncate(mut self, schema: &Schema) -> Self {
        self.truncate.extend(schema.tables().iter().copied());
        self
    }

    /// Empties `tables` (`TRUNCATE`; nothing is dropped) before the run: `&[User::TABLE,
    /// PostTag::FORWARD, PostTag::INVERSE]`.
    pub fn truncate_tables(mut self, tables: &[&'static TableMeta]) -> Self {
        self.truncate.extend(tables.iter().copied());
        self
    }

    /// The database.
    pub fn db(&self) -> &'a Db {
        self.db
    }

    /// What has been written so far.
    pub fn report(&self) -> &SeedReport {
        &self.report
    }

    /// Empties the tables asked for, runs `seeder`, and returns what it wrote.
    pub async fn run(mut self, seeder: &impl Seeder) -> Result<SeedReport, FactoryError> {
        for table in std::mem::take(&mut self.truncate) {
            let cql = match table.keyspace {
                Some(keyspace) => format!("TRUNCATE {}.{}", quoted(keyspace), quoted(table.name)),
                None => format!("TRUNCATE {}", quoted(table.name)),
            };
            self.db.query_unpaged(cql, ()).await?;
        }
        self.call(seeder).await?;
        Ok(self.report)
    }

    /// Runs another seeder inside this one.
    pub async fn call(&mut self, seeder: &impl Seeder) -> Result<(), FactoryError> {
        seeder.run(self).await
    }

    /// Creates `factory`'s rows (see [`Factory::create`]) and counts them; a failed write
    /// counts what it wrote before failing.
    pub async fn create<M: Model>(
        &mut self,
        factory: &Factory<M>,
    ) -> Result<Seeded<M>, FactoryError> {
        match factory.create(self.db).await {
            Ok(seeded) => {
                self.report.merge(&seeded.report);
                Ok(seeded)
            }
            Err(err) => {
                self.report.merge(&err.written());
                Err(err)
            }
        }
    }
}
