use orm_core::Model;

#[derive(Model)]
struct Doc {
    #[orm(partition_key)]
    id: i64,
    #[orm(created_at)]
    created: String,
}

fn main() {}
