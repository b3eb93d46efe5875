use orm_core::Model;

include!("../shared/commentable_post.rs");

// Video is listed below but never declares `#[morph_many(Comment, name = "commentable")]`.
#[derive(Model)]
struct Video {
    #[orm(partition_key)]
    id: i64,
}

#[derive(Model)]
#[morph_to(name = "commentable", types(Post, Video))]
struct Comment {
    #[orm(partition_key)]
    commentable_type: String,
    #[orm(partition_key)]
    commentable_id: i64,
    #[orm(clustering_key)]
    id: i64,
}

fn main() {}
