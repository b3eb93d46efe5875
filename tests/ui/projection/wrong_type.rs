use orm_core::Projection;

include!("../shared/post_with_title.rs");

#[derive(Projection)]
#[orm(model = Post)]
struct Headline {
    id: i32,
}

fn main() {}
