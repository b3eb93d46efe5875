// One misspelled attribute is one error: the type is still generated, so the model that
// stores it and the code that uses it report nothing more.
use orm_core::{Model, Udt};

#[derive(Udt, Debug, Clone)]
struct Address {
    #[orm(renme = "st")]
    street: String,
    city: String,
}

#[derive(Model)]
struct Customer {
    #[orm(partition_key)]
    id: i64,
    home: Address,
    past: Vec<Address>,
    work: Option<Address>,
}

fn main() {
    let _ = Customer::query().filter(Customer::ID.eq(1));
}
