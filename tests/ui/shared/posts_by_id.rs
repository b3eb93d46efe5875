// Posts partitioned by their own id: `user_id` is a plain column, so finding a user's
// posts by it would scan the table. Included by `include!`.
#[derive(orm_core::Model)]
struct Post {
    #[orm(partition_key)]
    id: i64,
    user_id: i64,
}
