// A post with polymorphic comments (`morph_many` named "commentable"): the valid parent
// of the morph cases that test another model. Included by `include!`.
#[derive(orm_core::Model)]
#[morph_many(Comment, name = "commentable")]
struct Post {
    #[orm(partition_key)]
    id: i64,
}
