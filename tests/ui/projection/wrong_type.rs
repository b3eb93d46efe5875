use orm_core::{Model, Projection};

#[derive(Model)]
struct Post {
    #[orm(partition_key)]
    id: i64,
    title: String,
}

#[derive(Projection)]
#[orm(model = Post)]
struct Headline {
    id: i32,
}

fn main() {}
