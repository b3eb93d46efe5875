use orm_core::Model;

#[derive(Model)]
struct Seat {
    #[orm(partition_key)]
    id: i64,
    table: i32,
}

fn main() {}
