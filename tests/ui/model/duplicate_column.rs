use orm_core::Model;

#[derive(Model)]
struct User {
    #[orm(partition_key)]
    id: i64,
    name: String,
    #[orm(rename = "name")]
    display_name: String,
}

fn main() {}
