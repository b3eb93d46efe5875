use orm_core::Model;

#[derive(Model)]
#[has_one(Settings, foreign_key = "user_id")]
struct User {
    #[orm(partition_key)]
    id: i64,
}

struct Settings {
    user_id: i64,
}

fn main() {}
