// `crate = ...` names the path the generated code reaches the runtime through: a path
// that is not the runtime fails where it is written.
use orm_core::Model;

mod not_the_runtime {}

#[derive(Model)]
#[orm(crate = crate::not_the_runtime)]
struct User {
    #[orm(partition_key)]
    id: i32,
    name: String,
}

fn main() {}
