use orm_core::Model;

#[derive(Model)]
struct Wrapper<T> {
    #[orm(partition_key)]
    id: i64,
    value: T,
}

fn main() {}
