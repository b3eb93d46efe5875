use orm_core::Model;

#[derive(Model)]
#[belongs_to_many(Tag, foreign_key = "post_id")]
struct Post {
    #[orm(partition_key)]
    id: i64,
}

#[derive(Model)]
struct Tag {
    #[orm(partition_key)]
    id: i64,
}

fn main() {}
