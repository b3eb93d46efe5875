use orm_core::Model;

#[derive(Model)]
struct User {
    #[orm(partition_key, index)]
    id: i64,
}

fn main() {}
