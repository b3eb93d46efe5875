use orm_core::Model;

#[derive(Model)]
#[has_many(Postt, foreign_key = "user_id")]
struct User {
    #[orm(partition_key)]
    id: i64,
}

include!("../shared/posts_by_user.rs");

fn main() {}
