use orm_core::{Model, Projection};

#[derive(Model)]
struct Post {
    #[orm(partition_key)]
    id: i64,
    tags: Vec<String>,
}

#[derive(Projection)]
#[orm(model = Post)]
struct TagsAge {
    #[orm(ttl = "tags")]
    tags_ttl: Option<i32>,
}

fn main() {}
