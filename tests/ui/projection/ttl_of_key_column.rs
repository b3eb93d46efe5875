use orm_core::Projection;

include!("../shared/post_with_title.rs");

#[derive(Projection)]
#[orm(model = Post)]
struct PostAge {
    #[orm(writetime = "id")]
    id_written: Option<i64>,
}

fn main() {}
