use orm_core::Model;

#[derive(Model)]
#[belongs_to_many(Tag, foreign_key = "post_id")]
struct Post {
    #[orm(partition_key)]
    id: i64,
}

include!("../shared/tag_by_id.rs");

fn main() {}
