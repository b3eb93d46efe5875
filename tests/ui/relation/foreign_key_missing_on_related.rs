use orm_core::Model;

#[derive(Model)]
#[has_many(Post, foreign_key = "owner_id")]
struct User {
    #[orm(partition_key)]
    id: i64,
}

include!("../shared/posts_by_user.rs");

fn main() {}
