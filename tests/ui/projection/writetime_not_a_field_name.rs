use orm_core::Projection;

include!("../shared/post_with_title.rs");

#[derive(Projection)]
#[orm(model = Post)]
struct TitleAge {
    #[orm(writetime = "the title")]
    title_written: Option<i64>,
}

fn main() {}
