use orm_core::Udt;

#[derive(Udt)]
#[orm(name = "street-address")]
struct Address {
    street: String,
}

fn main() {}
