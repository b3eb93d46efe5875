// Posts partitioned by their author: the related model of a valid `has_many` from `User`.
// Included by `include!`, so a case declares only what it tests.
#[derive(orm_core::Model)]
struct Post {
    #[orm(partition_key)]
    user_id: i64,
    #[orm(clustering_key)]
    id: i64,
}
