use orm_core::Model;

#[derive(Model)]
struct Post {
    #[orm(partition_key)]
    user_id: i64,
    #[orm(clustering_key, order = "descending")]
    created_at: i64,
}

fn main() {}
