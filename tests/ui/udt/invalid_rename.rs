use orm_core::Udt;

#[derive(Udt)]
struct Address {
    #[orm(rename = "zip code")]
    zip: String,
}

fn main() {}
