use orm_core::Model;

#[derive(Model)]
#[orm(keyspace = "my-keyspace")]
struct User {
    #[orm(partition_key)]
    id: i64,
}

fn main() {}
