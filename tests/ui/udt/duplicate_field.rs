use orm_core::Udt;

#[derive(Udt)]
struct Address {
    street: String,
    #[orm(rename = "street")]
    street_line: String,
}

fn main() {}
