use orm_core::Projection;

include!("../shared/post_with_title.rs");

#[derive(Projection)]
#[orm(model = Post)]
struct Headline {
    titel: String,
}

fn main() {}
