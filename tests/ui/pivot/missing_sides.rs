use orm_core::Pivot;

#[derive(Pivot)]
#[pivot(table = "links", inverse_table = "links")]
struct Link {
    #[pivot(left, right)]
    a: i64,
    b: i64,
}

fn main() {}
