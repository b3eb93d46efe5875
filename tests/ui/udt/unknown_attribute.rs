use orm_core::Udt;

#[derive(Udt)]
#[orm(table = "address")]
struct Address {
    #[orm(renam = "street_name")]
    street: String,
}

fn main() {}
