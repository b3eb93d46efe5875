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
    #[orm(ttl = "titel")]
    title_ttl: Option<i32>,
}

fn main() {}
