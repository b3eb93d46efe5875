// A tag keyed by an `i64` id: the related model of the many-to-many cases that test
// another model. Included by `include!`.
#[derive(orm_core::Model)]
struct Tag {
    #[orm(partition_key)]
    id: i64,
}
