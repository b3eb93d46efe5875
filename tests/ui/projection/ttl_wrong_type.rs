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
    #[orm(ttl = "title")]
    title_ttl: i64,
    #[orm(writetime = "title")]
    title_written: Option<i32>,
}

fn main() {}
