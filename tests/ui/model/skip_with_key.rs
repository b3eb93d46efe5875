use orm_core::Model;

#[derive(Model)]
struct User {
    #[orm(partition_key)]
    id: i64,
    #[orm(skip, clustering_key)]
    cache: u32,
}

fn main() {}
