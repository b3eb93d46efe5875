use orm_core::Projection;

include!("../shared/post_with_title.rs");

#[derive(Projection)]
#[orm(model = Post)]
struct TitleAge {
    #[orm(ttl = "title", writetime = "title")]
    title_age: Option<i64>,
}

fn main() {}
