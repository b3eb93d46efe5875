//! The migration tool of a small application that also seeds, as a user would write it:
//! `tests/tests/factory_seed_cli.rs` spawns it as a process (`--keyspace` gives each test
//! its own keyspace).

use std::process::ExitCode;

use orm_core::Model;
use orm_core::factory::{Factory, FactoryError, Seeder, Seeding};
use orm_core::schema::{Replication, Schema};
use orm_migrate::{Migrations, Seeders, run_cli_with_seeders};

#[derive(Model, Debug)]
#[orm(table = "seed_shelves")]
#[has_many(Book, foreign_key = "shelf_id")]
struct Shelf {
    #[orm(partition_key)]
    id: i64,
}

#[derive(Model, Debug)]
#[orm(table = "seed_books")]
struct Book {
    #[orm(partition_key)]
    shelf_id: i64,
    #[orm(clustering_key)]
    id: i64,
}

fn shelves() -> Factory<Shelf> {
    Factory::new(|f| Shelf {
        id: f.sequence() as i64,
    })
}

fn books() -> Factory<Book> {
    Factory::new(|f| Book {
        shelf_id: 0,
        id: f.sequence() as i64,
    })
}

/// The default: 2 shelves of 3 books.
struct Library;

impl Seeder for Library {
    async fn run(&self, seeding: &mut Seeding<'_>) -> Result<(), FactoryError> {
        seeding
            .create(&shelves().times(2).has("books", books().times(3)))
            .await?;
        Ok(())
    }
}

/// One more shelf, numbered after the library's, with 1 book.
struct Annex;

impl Seeder for Annex {
    async fn run(&self, seeding: &mut Seeding<'_>) -> Result<(), FactoryError> {
        let shelf = shelves().first_sequence(10);
        seeding.create(&shelf.has("books", books())).await?;
        Ok(())
    }
}

fn main() -> ExitCode {
    let schema = Schema::new("orm_seed_fixture", Replication::Simple(1))
        .model::<Shelf>()
        .model::<Book>();
    let seeders = Seeders::new().add("library", Library).add("annex", Annex);
    run_cli_with_seeders(schema, Migrations::new(), seeders)
}
