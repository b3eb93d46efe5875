use orm_core::Model;

#[derive(Model)]
#[orm(table = "users; DROP TABLE x")]
struct User {
    #[orm(partition_key)]
    id: i64,
}

fn main() {}
