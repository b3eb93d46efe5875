//! Custom relationships ([`CustomRelationship`]) in a factory's graph: filled by their
//! type, whose `FOREIGN_KEY` and `LOCAL_KEY` name every key column. By name (`has`,
//! `for_`) a custom relationship is an error: its definition names only the first column
//! of each key.

use crate::factory::link::Link;
use crate::factory::relations::Owner;
use crate::factory::{Factory, FactoryError};
use crate::model::Model;
use crate::relation::{Cardinality, CustomRelationship};

/// The link of `C` (from its parent's `LOCAL_KEY` to its related model's `FOREIGN_KEY`,
/// column by column), or why it has none.
fn custom_link<C: CustomRelationship>() -> Result<Link, FactoryError> {
    let (local, foreign) = (C::LOCAL_KEY, C::FOREIGN_KEY);
    if local.is_empty() || foreign.is_empty() || local.len() != foreign.len() {
        return Err(FactoryError::Relation {
            model: C::Parent::TABLE.model,
            relation: C::NAME,
            reason: format!(
                "a factory fills a custom relationship from its declared keys, column by column, \
                 but this one declares LOCAL_KEY = [{}] and FOREIGN_KEY = [{}]: declare the same \
                 number of columns (at least one) on both sides",
                local.join(", "),
                foreign.join(", ")
            ),
        });
    }
    Ok(Link {
        name: C::NAME,
        pairs: local.iter().copied().zip(foreign.iter().copied()).collect(),
        tag: None,
    })
}

impl<M: Model> Factory<M> {
    /// Gives each row `factory`'s rows (its count per row) through the custom relationship
    /// `relationship`: each related row's `FOREIGN_KEY` columns are set to this row's
    /// `LOCAL_KEY` columns, in order, so that the relationship's constraints (which are
    /// expected to compare those columns for equality) find them.
    ///
    /// A relationship declaring no key columns, or not the same number on both sides, is an
    /// error when the rows are made; so is a count above 1 for one that is not
    /// [`Many`](crate::relation::Many).
    ///
    /// ```no_run
    /// use orm_core::{Db, Model, Select};
    /// use orm_core::factory::{Factory, FactoryError};
    /// use orm_core::relation::{CustomRelationship, Many};
    ///
    /// #[derive(Model)]
    /// struct User {
    ///     #[orm(partition_key)]
    ///     id: i64,
    /// }
    ///
    /// #[derive(Model)]
    /// struct Post {
    ///     #[orm(partition_key)]
    ///     user_id: i64,
    ///     #[orm(clustering_key)]
    ///     id: i64,
    /// }
    ///
    /// struct UserPosts;
    ///
    /// impl CustomRelationship for UserPosts {
    ///     type Parent = User;
    ///     type Related = Post;
    ///     type Key = i64;
    ///     type Results = Many;
    ///     const NAME: &'static str = "user_posts";
    ///     const FOREIGN_KEY: &'static [&'static str] = &["user_id"];
    ///     const LOCAL_KEY: &'static [&'static str] = &["id"];
    ///
    ///     fn parent_key(&self, user: &User) -> Option<i64> {
    ///         Some(user.id)
    ///     }
    ///
    ///     fn add_constraints(&self, query: Select<Post>, user_id: &i64) -> Select<Post> {
    ///         query.filter(Post::USER_ID.eq(*user_id))
    ///     }
    /// }
    ///
    /// # async fn run(db: &Db) -> Result<(), FactoryError> {
    /// let users = Factory::new(|f| User { id: f.sequence() as i64 });
    /// let posts = Factory::new(|f| Post { user_id: 0, id: f.sequence() as i64 });
    /// let seeded = users.times(2).has_custom(UserPosts, posts.times(3)).create(db).await?;
    /// assert_eq!(seeded.report.rows("Post"), 6);
    /// # Ok(())
    /// # }
    /// ```
    pub fn has_custom<C>(mut self, relationship: C, factory: Factory<C::Related>) -> Self
    where
        C: CustomRelationship<Parent = M>,
    {
        let _ = relationship;
        match custom_link::<C>() {
            Ok(_) if !C::Results::MANY && factory.count > 1 => self.fail(FactoryError::Relation {
                model: M::TABLE.model,
                relation: C::NAME,
                reason: format!(
                    "has at most one row per parent: `times({})` asks for more",
                    factory.count
                ),
            }),
            Ok(link) => self.add_has(link, factory),
            Err(err) => self.fail(err),
        }
        self
    }

    /// Gives every row one row of the related model through the custom relationship
    /// `relationship` (made by `owner`, written first, shared by all of this factory's
    /// rows): each row's `LOCAL_KEY` columns are set to the owner's `FOREIGN_KEY` columns,
    /// so the relationship reads the owner back. Mistakes as in
    /// [`has_custom`](Self::has_custom).
    pub fn for_custom<C>(mut self, relationship: C, owner: Factory<C::Related>) -> Self
    where
        C: CustomRelationship<Parent = M>,
    {
        let _ = relationship;
        match custom_link::<C>() {
            Ok(link) => {
                let reversed = Link {
                    pairs: link.pairs.iter().map(|(l, f)| (*f, *l)).collect(),
                    ..link
                };
                self.add_for(reversed, Owner::Make(owner.times(1)));
            }
            Err(err) => self.fail(err),
        }
        self
    }
}
