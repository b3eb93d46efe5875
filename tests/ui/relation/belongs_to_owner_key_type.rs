use orm_core::Model;

#[derive(Model)]
#[belongs_to(User, foreign_key = "user_id")]
struct Post {
    #[orm(partition_key)]
    user_id: Option<String>,
}

#[derive(Model)]
struct User {
    #[orm(partition_key)]
    id: i64,
}

fn main() {}
