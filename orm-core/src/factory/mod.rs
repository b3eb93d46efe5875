//! Test data that knows the relations: [`Factory`] makes plausible rows of a model (with
//! the [`fake`] crate), with named states, per-call overrides, sequences and a seed, and
//! writes whole graphs through the relations the models declare: `has` (`has_many`,
//! `has_one`, `morph_many`, `morph_one`), `for_` (`belongs_to`, `morph_to`), `attach`
//! (`belongs_to_many`, with pivot values), and `has_custom` / `for_custom` for custom
//! relationships (by their type, which declares every key column). Keys, and the
//! polymorphic kinds' type tags, are carried from the columns the relation definitions
//! name, never set by hand.
//! [`Seeder`]s and [`Seeding`] fill a database from tests or programs.
//!
//! Behind the `factory` cargo feature.
//!
//! ```no_run
//! use orm_core::{Db, Model, Pivot};
//! use orm_core::factory::Factory;
//! use orm_core::factory::fake::{Fake, faker::lorem::en::Sentence, faker::name::en::Name};
//!
//! #[derive(Model)]
//! #[has_many(Post, foreign_key = "user_id")]
//! struct User {
//!     #[orm(partition_key)]
//!     id: i64,
//!     name: String,
//! }
//!
//! #[derive(Model)]
//! #[belongs_to(User, foreign_key = "user_id")]
//! #[belongs_to_many(Tag, pivot = PostTag)]
//! struct Post {
//!     #[orm(partition_key)]
//!     id: i64,
//!     #[orm(index)]
//!     user_id: i64,
//!     title: String,
//! }
//!
//! #[derive(Model)]
//! struct Tag {
//!     #[orm(partition_key)]
//!     id: i64,
//! }
//!
//! #[derive(Pivot, Default)]
//! #[pivot(left = Post, right = Tag)]
//! struct PostTag {
//!     #[pivot(left)]
//!     post_id: i64,
//!     #[pivot(right)]
//!     tag_id: i64,
//! }
//!
//! # async fn run(db: &Db) -> Result<(), orm_core::factory::FactoryError> {
//! let users = Factory::new(|f| User { id: f.sequence() as i64, name: Name().fake_with_rng(f.rng()) });
//! let posts = Factory::new(|f| Post {
//!     id: f.sequence() as i64,
//!     user_id: 0, // filled in from the relation
//!     title: Sentence(3..6).fake_with_rng(f.rng()),
//! });
//! let tags = Factory::new(|f| Tag { id: f.sequence() as i64 });
//!
//! // 10 users, each with 5 posts, each post with 2 new tags.
//! let seeded = users
//!     .times(10)
//!     .has("posts", posts.times(5).attach("tags", tags.times(2), |_| PostTag::default()))
//!     .seed(1)
//!     .create(db)
//!     .await?;
//! assert_eq!(seeded.report.rows("Post"), 50);
//! # Ok(())
//! # }
//! ```

mod custom;
mod definition;
mod error;
mod faker;
mod keys;
mod link;
mod relations;
mod seeder;
mod write;

pub use definition::Factory;
pub use error::{FactoryError, SeedReport};
pub use faker::Faker;
pub use seeder::{Seeder, Seeding};
pub use write::Seeded;

/// The fake-data crate factories draw values from (`Name().fake_with_rng(f.rng())`).
pub use fake;
/// The random-number crate of [`Faker::rng`].
pub use rand;

/// The largest count one factory level makes at once ([`Factory::times`]): 100,000 rows
/// (per parent row, under a relation).
pub const MAX_COUNT: usize = 100_000;
