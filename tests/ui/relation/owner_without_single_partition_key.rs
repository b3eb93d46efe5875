use orm_core::Model;

// Without `owner_key`, `belongs_to` refers to the owner's partition key, which must then
// be one column.
#[derive(Model)]
#[belongs_to(Reading)]
struct Alert {
    #[orm(partition_key)]
    id: i64,
    reading_id: Option<i64>,
}

#[derive(Model)]
struct Reading {
    #[orm(partition_key)]
    sensor: i64,
    #[orm(partition_key)]
    day: String,
    #[orm(clustering_key)]
    id: i64,
}

fn main() {}
