// One misspelled option is one error: the pivot is still generated, so the relations
// that join through it report nothing more.
use orm_core::{Model, Pivot};

#[derive(Model)]
#[belongs_to_many(B, pivot = AB)]
struct A {
    #[orm(partition_key)]
    id: i64,
}

#[derive(Model)]
#[belongs_to_many(A, pivot = AB, inverse)]
struct B {
    #[orm(partition_key)]
    id: i64,
}

#[derive(Pivot, Default)]
#[pivot(left = A, right = B)]
struct AB {
    #[pivot(lefft)]
    a_id: i64,
    #[pivot(right)]
    b_id: i64,
}

fn main() {}
