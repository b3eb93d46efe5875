use orm_core::Model;

#[derive(Model)]
struct User {
    #[orm(partition_kye)]
    id: i64,
}

fn main() {}
