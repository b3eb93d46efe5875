use orm_core::Model;
use orm_core::scylla::deserialize::row::DeserializeRow;

// A typo in an attribute is one error: the model's impls, column handles and key types are
// still generated (the misspelled key taken for the attribute darling suggests), so the
// code using them reports nothing more.
#[derive(Model)]
struct User {
    #[orm(partition_kye)]
    id: i64,
    name: String,
}

fn takes_rows<R: for<'f, 'm> DeserializeRow<'f, 'm>>() {}

async fn uses(db: &orm_core::Db) -> orm_core::Result<()> {
    let query = User::query().filter(User::ID.eq(1));
    for user in query.get(db).await? {
        println!("{}", user.name);
    }
    let _ = User::find(db, &1).await?;
    takes_rows::<User>();
    Ok(())
}

fn main() {
    let _ = uses;
}
