use orm_core::{Model, Select};

/// The relationship's declared key, `user_id`, is a plain column of `Post`: reading a
/// user's posts by it would scan the table.
#[derive(Model)]
#[relationship(Post, name = "own_posts", local_key = "id", foreign_key = "user_id", constraints = own_posts)]
struct User {
    #[orm(partition_key)]
    id: i64,
}

include!("../shared/posts_by_id.rs");

fn own_posts(query: Select<Post>, id: &i64) -> Select<Post> {
    query.filter(Post::USER_ID.eq(*id))
}

fn main() {}
