use orm_core::Model;
use orm_core::scylla::value::Counter;

#[derive(Model)]
struct PageStats {
    #[orm(partition_key)]
    page: String,
    views: Counter,
    title: String,
}

fn main() {}
