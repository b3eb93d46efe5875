use orm_core::Udt;

#[derive(Udt)]
struct Pair<T> {
    left: T,
    right: T,
}

fn main() {}
