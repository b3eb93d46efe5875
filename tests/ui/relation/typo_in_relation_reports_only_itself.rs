use orm_core::Model;

// A misspelled relation option is one error: the relation it meant is still generated,
// so the code using it reports nothing more.
#[derive(Model)]
#[has_many(Post, foreign_kye = "user_id")]
struct User {
    #[orm(partition_key)]
    id: i64,
}

#[derive(Model)]
struct Post {
    #[orm(partition_key)]
    user_id: i64,
    #[orm(clustering_key)]
    id: i64,
}

fn main() {
    let user = User { id: 1 };
    let _ = user.posts_relation().get_query();
}
