//! A post's comments, one partition per post: the model the `eager` and `tracing` tests
//! load below their posts (`#[has_many(Comment, foreign_key = "post_id", local_key =
//! "id")]`). Each test binary has its own keyspace, so both can use the same table name.

use orm_core::prelude::*;
use uuid::Uuid;

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "comments")]
pub struct Comment {
    #[orm(partition_key)]
    pub post_id: Uuid,
    #[orm(clustering_key)]
    pub id: i32,
    pub body: String,
}
