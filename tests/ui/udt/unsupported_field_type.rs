use orm_core::Udt;

struct Money(u64);

#[derive(Udt)]
struct Price {
    amount: Money,
    currency: String,
}

fn main() {}
