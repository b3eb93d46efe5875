use orm_core::Projection;

include!("../shared/post_with_title.rs");

#[derive(Projection)]
#[orm(model = Post)]
struct TitleAge {
    #[orm(ttl = "titel")]
    title_ttl: Option<i32>,
}

fn main() {}
