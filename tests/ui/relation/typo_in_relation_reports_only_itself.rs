use orm_core::Model;

// A misspelled relation option is one error: the relation it meant is still generated,
// so the code using it reports nothing more.
#[derive(Model)]
#[has_many(Post, foreign_kye = "user_id")]
struct User {
    #[orm(partition_key)]
    id: i64,
}

include!("../shared/posts_by_user.rs");

fn main() {
    let user = User { id: 1 };
    let _ = user.posts_relation().get_query();
}
