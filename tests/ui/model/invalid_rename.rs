use orm_core::Model;

#[derive(Model)]
struct User {
    #[orm(partition_key)]
    id: i64,
    #[orm(rename = "full name")]
    name: String,
}

fn main() {}
