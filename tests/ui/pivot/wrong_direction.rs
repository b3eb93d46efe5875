use orm_core::{Model, Pivot};

#[derive(Model)]
#[belongs_to_many(Tag, pivot = PostTag)]
struct Post {
    #[orm(partition_key)]
    id: i64,
}

// Tag is the pivot's right side: its relation needs `inverse`.
#[derive(Model)]
#[belongs_to_many(Post, pivot = PostTag)]
struct Tag {
    #[orm(partition_key)]
    id: i64,
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
