use orm_core::{Model, Projection};

#[derive(Model)]
struct Post {
    #[orm(partition_key)]
    id: i64,
    title: String,
}

#[derive(Projection)]
#[orm(model = Post)]
struct TitleAge {
    #[orm(ttl = "title", writetime = "title")]
    title_age: Option<i64>,
}

fn main() {}
