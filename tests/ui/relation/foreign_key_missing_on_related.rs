use orm_core::Model;

#[derive(Model)]
#[has_many(Post, foreign_key = "owner_id")]
struct User {
    #[orm(partition_key)]
    id: i64,
}

#[derive(Model)]
struct Post {
    #[orm(partition_key)]
    user_id: i64,
    #[orm(clustering_key)]
    id: i64,
}

fn main() {}
