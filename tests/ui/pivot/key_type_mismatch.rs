use orm_core::{Model, Pivot};

#[derive(Model)]
struct Post {
    #[orm(partition_key)]
    id: i64,
}

#[derive(Model)]
struct Tag {
    #[orm(partition_key)]
    id: String,
}

#[derive(Pivot)]
#[pivot(left = Post, right = Tag)]
struct PostTag {
    #[pivot(left)]
    post_id: i64,
    #[pivot(right)]
    tag_id: i64,
}

fn main() {}
