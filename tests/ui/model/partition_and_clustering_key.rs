use orm_core::Model;

#[derive(Model)]
struct Post {
    #[orm(partition_key, clustering_key)]
    id: i64,
}

fn main() {}
