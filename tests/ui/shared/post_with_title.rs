// A post keyed by its id, with one regular column: the model the projection cases project.
// Included by `include!`, so a case declares only what it tests.
#[derive(orm_core::Model)]
struct Post {
    #[orm(partition_key)]
    id: i64,
    title: String,
}
