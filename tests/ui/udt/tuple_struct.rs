use orm_core::Udt;

#[derive(Udt)]
struct Point(f64, f64);

fn main() {}
