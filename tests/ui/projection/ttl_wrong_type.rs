use orm_core::Projection;

include!("../shared/post_with_title.rs");

#[derive(Projection)]
#[orm(model = Post)]
struct TitleAge {
    #[orm(ttl = "title")]
    title_ttl: i64,
    #[orm(writetime = "title")]
    title_written: Option<i32>,
}

fn main() {}
