use orm_core::Projection;

#[derive(Projection)]
struct Headline {
    id: i64,
}

fn main() {}
