use orm_core::Model;

struct Money(u64);

#[derive(Model)]
struct Account {
    #[orm(partition_key)]
    id: i64,
    balance: Money,
}

fn main() {}
