use orm_core::Model;

#[derive(Model)]
#[orm(table = "users")]
struct User {
    id: i64,
    name: String,
}

fn main() {}
