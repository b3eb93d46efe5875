use orm_core::Udt;

// Every mistake is reported in one compile.
#[derive(Udt)]
#[orm(name = "")]
struct Address {
    #[orm(rename = "a.b")]
    street: String,
    #[orm(rename = "zip")]
    zip_code: String,
    zip: String,
}

fn main() {}
