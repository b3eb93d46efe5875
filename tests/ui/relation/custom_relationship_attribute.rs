use orm_core::{Model, Select};

/// Each mistake in `#[relationship(...)]` is reported at its place.
#[derive(Model)]
#[relationship(Post, name = "a", local_key = "nope", foreign_key = "user_id", constraints = own_posts)]
#[relationship(Post, name = "b", local_key = "id", foreign_key = "user_id", constraints = own_posts, results = "some")]
#[relationship(Post, name = "c", local_key = "id", foreign_key = "user_id")]
#[relationship(Post, name = "d", local_key = "id", foreign_key = "user_id", constraints = own_posts, colour = "red")]
#[relationship(Post, name = "e", local_key = "id", foreign_key = "author", constraints = own_posts)]
struct User {
    #[orm(partition_key)]
    id: i64,
}

include!("../shared/posts_by_user.rs");

fn own_posts(query: Select<Post>, id: &i64) -> Select<Post> {
    query.filter(Post::USER_ID.eq(*id))
}

fn main() {}
