use orm_core::Model;

#[derive(Model)]
#[has_many(foreign_key = "user_id")]
#[has_one(Profile, owner_key = "id", local_key = "uid")]
#[belongs_to(Team, foreign_key = "team", name = "My Team")]
struct User {
    #[orm(partition_key)]
    id: i64,
    team_id: i64,
}

#[derive(Model)]
struct Profile {
    #[orm(partition_key)]
    user_id: i64,
}

#[derive(Model)]
struct Team {
    #[orm(partition_key)]
    id: i64,
}

fn main() {}
