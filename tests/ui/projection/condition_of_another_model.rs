use orm_core::Model;

#[derive(Model)]
struct Post {
    #[orm(partition_key)]
    id: i64,
}

#[derive(Model)]
struct User {
    #[orm(partition_key)]
    id: i64,
}

fn main() {
    // A condition on User's column cannot constrain a query on Post.
    let _ = Post::query().filter(User::ID.eq(1));
}
