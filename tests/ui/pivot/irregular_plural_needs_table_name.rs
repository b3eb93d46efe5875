use orm_core::{Model, Pivot};

#[derive(Model)]
struct Team {
    #[orm(partition_key)]
    id: i64,
}

#[derive(Model)]
struct Person {
    #[orm(partition_key)]
    id: i64,
}

// The forward table would be `team_<plural of person>`: the rule does not guess it.
#[derive(Pivot)]
#[pivot(left = Team, right = Person)]
struct Membership {
    #[pivot(left)]
    team_id: i64,
    #[pivot(right)]
    person_id: i64,
}

fn main() {}
