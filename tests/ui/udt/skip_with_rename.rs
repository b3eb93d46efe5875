use orm_core::Udt;

#[derive(Udt)]
struct Address {
    street: String,
    #[orm(skip, rename = "cache")]
    cached_label: String,
}

fn main() {}
