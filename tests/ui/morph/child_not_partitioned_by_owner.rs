use orm_core::Model;

#[derive(Model)]
#[morph_many(Comment, name = "commentable")]
struct Post {
    #[orm(partition_key)]
    id: i64,
}

/// Comments partitioned by their own id: a post's comments would need a scan.
#[derive(Model)]
#[morph_to(name = "commentable", types(Post))]
struct Comment {
    #[orm(partition_key)]
    id: i64,
    commentable_type: String,
    commentable_id: i64,
}

fn main() {}
