use orm_core::Model;

#[derive(Model)]
struct User {
    #[orm(partition_key)]
    id: i64,
    #[orm(static)]
    plan: String,
}

fn main() {}
