use orm_core::Model;

#[derive(Model)]
#[has_many(Post, foreign_key = "user_id")]
struct User {
    #[orm(partition_key)]
    id: i64,
}

/// Posts are partitioned by id: `user_id` is a plain column, so finding a user's posts
/// would scan the table.
#[derive(Model)]
struct Post {
    #[orm(partition_key)]
    id: i64,
    user_id: i64,
}

fn main() {}
