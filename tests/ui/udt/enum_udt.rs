use orm_core::Udt;

#[derive(Udt)]
enum Shape {
    Circle { radius: f64 },
}

fn main() {}
