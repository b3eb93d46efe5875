// One misspelled option is one error: the projection is still generated, so the query
// selecting it reports nothing more.
use orm_core::{Model, Projection};

#[derive(Model)]
struct Post {
    #[orm(partition_key)]
    id: i64,
    title: String,
}

#[derive(Projection)]
#[orm(modle = Post)]
struct Headline {
    title: String,
}

fn main() {
    let _ = Post::query().select::<Headline>();
}
