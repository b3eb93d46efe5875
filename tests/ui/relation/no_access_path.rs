use orm_core::Model;

#[derive(Model)]
#[has_many(Post, foreign_key = "user_id")]
struct User {
    #[orm(partition_key)]
    id: i64,
}

// Posts are partitioned by id: `user_id` is a plain column, so finding a user's posts
// would scan the table.
include!("../shared/posts_by_id.rs");

fn main() {}
