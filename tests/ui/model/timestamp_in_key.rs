use orm_core::Model;
use orm_core::scylla::value::CqlTimestamp;

#[derive(Model)]
struct Doc {
    #[orm(partition_key)]
    id: i64,
    #[orm(clustering_key, created_at)]
    created: CqlTimestamp,
}

fn main() {}
