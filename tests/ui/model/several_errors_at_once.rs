use orm_core::Model;

// Every mistake is reported in one compile.
#[derive(Model)]
#[orm(table = "")]
struct User {
    #[orm(order = "asc")]
    id: i64,
    #[orm(rename = "id")]
    other: i64,
}

fn main() {}
