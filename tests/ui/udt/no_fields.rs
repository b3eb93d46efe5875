use orm_core::Udt;

#[derive(Udt)]
struct Nothing {}

fn main() {}
