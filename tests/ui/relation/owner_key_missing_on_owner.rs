use orm_core::Model;

#[derive(Model)]
#[belongs_to(User, foreign_key = "user_id", owner_key = "uid")]
struct Post {
    #[orm(partition_key)]
    user_id: i64,
    #[orm(clustering_key)]
    id: i64,
}

#[derive(Model)]
struct User {
    #[orm(partition_key)]
    id: i64,
    name: String,
}

fn main() {}
