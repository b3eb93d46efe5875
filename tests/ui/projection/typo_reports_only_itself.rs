// One misspelled option is one error: the projection is still generated, so the query
// selecting it reports nothing more.
use orm_core::{Model, Projection};

include!("../shared/post_with_title.rs");

#[derive(Projection)]
#[orm(modle = Post)]
struct Headline {
    title: String,
}

fn main() {
    let _ = Post::query().select::<Headline>();
}
