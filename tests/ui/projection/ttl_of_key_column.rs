use orm_core::{Model, Projection};

#[derive(Model)]
struct Post {
    #[orm(partition_key)]
    id: i64,
    title: String,
}

#[derive(Projection)]
#[orm(model = Post)]
struct PostAge {
    #[orm(writetime = "id")]
    id_written: Option<i64>,
}

fn main() {}
