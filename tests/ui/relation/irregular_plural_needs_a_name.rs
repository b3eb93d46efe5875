use orm_core::Model;

// The default name of a `has_many` is the related model's plural; where the rules would
// guess, the relation must be named.
#[derive(Model)]
#[has_many(Person, foreign_key = "shop_id")]
#[has_many(Settings, foreign_key = "shop_id")]
struct Shop {
    #[orm(partition_key)]
    id: i64,
}

#[derive(Model)]
struct Person {
    #[orm(partition_key)]
    shop_id: i64,
}

#[derive(Model)]
struct Settings {
    #[orm(partition_key)]
    shop_id: i64,
}

fn main() {}
