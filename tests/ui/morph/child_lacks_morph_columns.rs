use orm_core::Model;

// The child has no `commentable_type` column (it is called `kind`): the parent's
// `morph_many` names it by default.
#[derive(Model)]
#[morph_many(Comment, name = "commentable")]
struct Post {
    #[orm(partition_key)]
    id: i64,
}

#[derive(Model)]
struct Comment {
    #[orm(partition_key)]
    kind: String,
    #[orm(partition_key)]
    commentable_id: i64,
    #[orm(clustering_key)]
    id: i64,
}

fn main() {}
