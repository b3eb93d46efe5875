use orm_core::Udt;

#[derive(Udt)]
struct Cache {
    #[orm(skip)]
    hits: u64,
}

fn main() {}
