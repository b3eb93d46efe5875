use orm_core::Model;
use orm_core::scylla::value::CqlTimestamp;

#[derive(Model)]
struct Doc {
    #[orm(partition_key)]
    id: i64,
    #[orm(updated_at)]
    changed: CqlTimestamp,
    #[orm(updated_at)]
    touched: CqlTimestamp,
}

fn main() {}
