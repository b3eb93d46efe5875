use orm_core::Model;

#[derive(Model)]
#[morph_to(types(Post))]
#[morph_many(name = "commentable")]
struct Comment {
    #[orm(partition_key)]
    commentable_type: String,
    #[orm(partition_key)]
    commentable_id: i64,
}

#[derive(Model)]
#[morph_to(name = "owner", types())]
struct Note {
    #[orm(partition_key)]
    id: i64,
}

#[derive(Model)]
struct Post {
    #[orm(partition_key)]
    id: i64,
}

fn main() {}
