use orm_core::Model;

#[derive(Model)]
#[orm(hooks)]
struct Account {
    #[orm(partition_key)]
    id: i64,
}

fn main() {}
