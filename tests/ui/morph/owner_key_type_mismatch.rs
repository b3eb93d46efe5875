use orm_core::Model;

#[derive(Model)]
#[morph_many(Comment, name = "commentable")]
struct Post {
    #[orm(partition_key)]
    id: String,
}

#[derive(Model)]
#[morph_to(name = "commentable", types(Post))]
struct Comment {
    #[orm(partition_key)]
    commentable_type: String,
    #[orm(partition_key)]
    commentable_id: i64,
}

fn main() {}
