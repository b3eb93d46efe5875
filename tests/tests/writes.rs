//! Writes against the real server: inserts with options, lightweight transactions,
//! partial updates without tombstones, TTL, timestamps, counters, collections, deletes,
//! batches, automatic timestamps and hooks.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use orm_core::prelude::*;
use orm_core::scylla::value::{Counter, CqlTimestamp, CqlValue};
use orm_core::{Error, QueryError, Rejection};
use orm_tests::{assert_query_error, db, unique_id};
use uuid::Uuid;

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "profiles")]
struct Profile {
    #[orm(partition_key)]
    id: Uuid,
    name: String,
    bio: Option<String>,
    tags: Vec<String>,
    skills: HashSet<String>,
    links: HashMap<String, String>,
}

fn profile(name: &str) -> Profile {
    Profile {
        id: unique_id(),
        name: name.to_owned(),
        bio: Some(format!("{name} writes code")),
        tags: vec!["a".into()],
        skills: ["rust".to_owned()].into(),
        links: [("home".to_owned(), "https://example.com".to_owned())].into(),
    }
}

/// Writes `row` with `USING TIMESTAMP timestamp`.
async fn insert_at(db: &Db, row: &Profile, timestamp: i64) {
    row.insert_query()
        .timestamp(timestamp)
        .execute(db)
        .await
        .unwrap();
}

/// The stored profile `id`, which the test wrote.
async fn stored(db: &Db, id: Uuid) -> Profile {
    Profile::find(db, &id)
        .await
        .unwrap()
        .expect("the profile was written")
}

/// `WRITETIME(column)` of one profile, in microseconds; `None` when the cell is absent.
async fn writetime(db: &Db, id: Uuid, column: &str) -> Option<i64> {
    let cql = format!(r#"SELECT WRITETIME("{column}") FROM "profiles" WHERE "id" = ?"#);
    let rows = db.session().query_unpaged(cql, (id,)).await.unwrap();
    let (time,): (Option<i64>,) = rows.into_rows_result().unwrap().single_row().unwrap();
    time
}

#[tokio::test]
async fn insert_if_not_exists_reports_applied_and_the_existing_row() {
    let db = db(&[Profile::TABLE]).await;
    let first = profile("Ada");
    let outcome = first.insert_if_not_exists(&db).await.unwrap();
    assert!(outcome.applied);
    assert_eq!(outcome.existing, None);

    let mut second = first.clone();
    second.name = "Impostor".into();
    let outcome = second.insert_if_not_exists(&db).await.unwrap();
    assert!(!outcome.applied);
    assert_eq!(outcome.existing, Some(first.clone()));
    assert_eq!(Profile::find(&db, &first.id).await.unwrap(), Some(first));
}

/// An update writes only the columns it assigns: `None` leaves a column unset, so it
/// keeps its value and its write time (no null, no tombstone).
#[tokio::test]
async fn a_partial_update_leaves_other_columns_untouched() {
    let db = db(&[Profile::TABLE]).await;
    let original = profile("Grace");
    insert_at(&db, &original, 1_000).await;

    Profile::update(&original.id)
        .set(Profile::NAME, "Grace Hopper")
        .set(Profile::BIO, None)
        .timestamp(2_000)
        .execute(&db)
        .await
        .unwrap();

    let read = stored(&db, original.id).await;
    assert_eq!(read.name, "Grace Hopper");
    assert_eq!(read.bio, original.bio, "a None assignment changes nothing");
    assert_eq!(read.tags, original.tags);
    assert_eq!(writetime(&db, original.id, "name").await, Some(2_000));
    assert_eq!(
        writetime(&db, original.id, "bio").await,
        Some(1_000),
        "bio was not rewritten"
    );
}

/// Inserting a row whose optional field is `None` leaves the stored value in place: the
/// ORM never writes nulls implicitly.
#[tokio::test]
async fn insert_leaves_none_fields_unset() {
    let db = db(&[Profile::TABLE]).await;
    let original = profile("Edsger");
    insert_at(&db, &original, 1_000).await;
    let mut without_bio = original.clone();
    without_bio.bio = None;
    insert_at(&db, &without_bio, 2_000).await;

    let read = stored(&db, original.id).await;
    assert_eq!(read.bio, original.bio);
    assert_eq!(writetime(&db, original.id, "bio").await, Some(1_000));
}

#[tokio::test]
async fn set_null_clears_a_column() {
    let db = db(&[Profile::TABLE]).await;
    let row = profile("Barbara");
    row.insert(&db).await.unwrap();
    Profile::update(&row.id)
        .set_null(Profile::BIO)
        .execute(&db)
        .await
        .unwrap();
    assert_eq!(stored(&db, row.id).await.bio, None);
}

/// A profile's name with its TTL and write time, and the same of its bio.
#[derive(Projection, Debug, PartialEq)]
#[orm(model = Profile)]
struct ProfileAge {
    name: String,
    #[orm(ttl = "name")]
    name_ttl: Option<i32>,
    #[orm(writetime = "name")]
    name_written: Option<i64>,
    #[orm(ttl = "bio")]
    bio_ttl: Option<i32>,
    #[orm(writetime = "bio")]
    bio_written: Option<i64>,
}

async fn profile_age(db: &Db, id: Uuid) -> ProfileAge {
    Profile::query()
        .filter(Profile::ID.eq(id))
        .select::<ProfileAge>()
        .first(db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn ttl_and_writetime_read_through_a_projection() {
    let db = db(&[Profile::TABLE]).await;
    let written_at = 1_764_633_600_000_123;
    let expiring = profile("Ada");
    expiring
        .insert_query()
        .ttl(100)
        .timestamp(written_at)
        .execute(&db)
        .await
        .unwrap();
    let age = profile_age(&db, expiring.id).await;
    assert!(
        age.name_ttl.is_some_and(|ttl| (1..=100).contains(&ttl)),
        "{age:?}"
    );
    assert_eq!(age.name_written, Some(written_at));
    assert_eq!(age.bio_ttl, age.name_ttl);
    assert_eq!(age.bio_written, Some(written_at));

    let lasting = Profile {
        bio: None,
        ..profile("Grace")
    };
    lasting.insert(&db).await.unwrap();
    let age = profile_age(&db, lasting.id).await;
    assert_eq!(age.name, "Grace");
    assert_eq!(age.name_ttl, None, "no TTL was given");
    assert!(age.name_written.is_some());
    assert_eq!((age.bio_ttl, age.bio_written), (None, None), "bio is null");
}

/// Seconds a cell has left to live (`TTL(column)`); `None` when it has no TTL or is gone.
async fn ttl_left(db: &Db, id: Uuid, column: &str) -> Option<i32> {
    let cql = format!(r#"SELECT TTL("{column}") FROM "profiles" WHERE "id" = ?"#);
    let rows = db.session().query_unpaged(cql, (id,)).await.unwrap();
    let rows = rows.into_rows_result().unwrap();
    let row: Option<(Option<i32>,)> = rows.maybe_first_row().unwrap();
    row.and_then(|(ttl,)| ttl)
}

/// Polls until `gone` holds, for at most `limit`; returns whether it did.
async fn eventually<F: AsyncFn() -> bool>(limit: Duration, gone: F) -> bool {
    let deadline = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < deadline {
        if gone().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    gone().await
}

#[tokio::test]
async fn ttl_expires_rows_and_values() {
    // The TTL is long enough that a loaded CI server still shows the cells alive
    // before they expire: a 1 s TTL once expired before the first read.
    const TTL_SECONDS: i32 = 5;
    let db = db(&[Profile::TABLE]).await;
    let short = profile("Mayfly");
    short
        .insert_query()
        .ttl(TTL_SECONDS)
        .execute(&db)
        .await
        .unwrap();
    let long = profile("Tortoise");
    long.insert(&db).await.unwrap();
    Profile::update(&long.id)
        .set(Profile::BIO, Some("soon gone".to_owned()))
        .ttl(TTL_SECONDS)
        .execute(&db)
        .await
        .unwrap();

    let row_ttl = ttl_left(&db, short.id, "name").await;
    assert!(
        matches!(row_ttl, Some(1..=TTL_SECONDS)),
        "the insert carried its TTL: {row_ttl:?}"
    );
    let bio_ttl = ttl_left(&db, long.id, "bio").await;
    assert!(
        matches!(bio_ttl, Some(1..=TTL_SECONDS)),
        "the update carried its TTL: {bio_ttl:?}"
    );
    assert_eq!(
        ttl_left(&db, long.id, "name").await,
        None,
        "name has no TTL"
    );

    let limit = Duration::from_secs(TTL_SECONDS as u64 + 15);
    let expired = eventually(limit, async || {
        Profile::find(&db, &short.id).await.unwrap().is_none()
    })
    .await;
    assert!(expired, "the row expired");
    let bio_gone = eventually(limit, async || {
        let now = stored(&db, long.id).await;
        now.bio.is_none()
    })
    .await;
    assert!(bio_gone, "the value written with a TTL expired");
    let long_now = stored(&db, long.id).await;
    assert_eq!(long_now.name, long.name, "the rest of the row stays");
}

#[tokio::test]
async fn using_timestamp_decides_which_write_wins() {
    let db = db(&[Profile::TABLE]).await;
    let mut row = profile("Newer");
    insert_at(&db, &row, 2_000).await;
    let newer = row.clone();
    row.name = "Older".into();
    insert_at(&db, &row, 1_000).await;
    assert_eq!(Profile::find(&db, &row.id).await.unwrap(), Some(newer));
}

#[tokio::test]
async fn conditional_updates_and_deletes_report_whether_they_applied() {
    let db = db(&[Profile::TABLE]).await;
    let row = profile("Alan");
    row.insert(&db).await.unwrap();

    let refused = Profile::update(&row.id)
        .set(Profile::NAME, "Turing")
        .if_(Profile::NAME.eq("Someone else"))
        .execute(&db)
        .await
        .unwrap();
    assert!(!refused.applied);
    assert_eq!(
        refused
            .current
            .iter()
            .find(|(name, _)| name == "name")
            .map(|(_, v)| v.clone()),
        Some(Some(CqlValue::Text("Alan".into()))),
        "the refusal carries the current value"
    );

    let applied = Profile::update(&row.id)
        .set(Profile::NAME, "Alan Turing")
        .if_(Profile::NAME.eq("Alan"))
        .execute(&db)
        .await
        .unwrap();
    assert!(applied.applied);
    assert_eq!(stored(&db, row.id).await.name, "Alan Turing");

    let missing = Profile::update(&unique_id())
        .set(Profile::NAME, "Nobody")
        .if_exists()
        .execute(&db)
        .await
        .unwrap();
    assert!(
        !missing.applied,
        "IF EXISTS on a missing row does not create it"
    );

    let delete = Profile::delete_query()
        .filter(Profile::ID.eq(row.id))
        .if_(Profile::NAME.ne("Alan Turing"))
        .execute(&db)
        .await
        .unwrap();
    assert!(!delete.applied);
    let delete = Profile::delete_query()
        .filter(Profile::ID.eq(row.id))
        .if_exists()
        .execute(&db)
        .await
        .unwrap();
    assert!(delete.applied);
    assert_eq!(Profile::find(&db, &row.id).await.unwrap(), None);
}

#[tokio::test]
async fn collections_grow_and_shrink_in_place() {
    let db = db(&[Profile::TABLE]).await;
    let row = profile("Collector");
    row.insert(&db).await.unwrap();

    Profile::update(&row.id)
        .add_to(Profile::TAGS, vec!["b".to_owned(), "c".to_owned()])
        .prepend(Profile::TAGS, vec!["z".to_owned()])
        .add_to(Profile::SKILLS, HashSet::from(["cql".to_owned()]))
        .put(
            Profile::LINKS,
            "blog".to_owned(),
            "https://blog.example.com".to_owned(),
        )
        .execute(&db)
        .await
        .unwrap();
    let read = stored(&db, row.id).await;
    assert_eq!(read.tags, ["z", "a", "b", "c"]);
    assert_eq!(
        read.skills,
        HashSet::from(["rust".to_owned(), "cql".to_owned()])
    );
    assert_eq!(read.links.len(), 2);

    Profile::update(&row.id)
        .remove_from(Profile::TAGS, vec!["a".to_owned()])
        .remove_from(Profile::SKILLS, HashSet::from(["rust".to_owned()]))
        .remove_keys(Profile::LINKS, ["home".to_owned()])
        .execute(&db)
        .await
        .unwrap();
    let read = stored(&db, row.id).await;
    assert_eq!(read.tags, ["z", "b", "c"]);
    assert_eq!(read.skills, HashSet::from(["cql".to_owned()]));
    assert_eq!(read.links.keys().collect::<Vec<_>>(), ["blog"]);
}

#[tokio::test]
async fn update_mistakes_are_errors() {
    let message = |update: orm_core::write::Update<Profile>| update.cql().unwrap_err().to_string();
    assert_eq!(
        message(Profile::update(&unique_id())),
        "Profile: an update needs at least one assignment (set, increment, add_to, ...)"
    );
    assert_eq!(
        message(Profile::update(&unique_id()).set(Profile::ID, unique_id())),
        "Profile.id is part of the primary key and cannot be updated; insert a new row and delete the old one"
    );
    let conditional = Profile::update(&unique_id())
        .set(Profile::NAME, "x")
        .timestamp(5)
        .if_exists();
    assert!(matches!(
        conditional.cql(),
        Err(QueryError::TimestampOnConditionalWrite { .. })
    ));
}

#[derive(Model, Debug, PartialEq)]
#[orm(table = "page_counters")]
struct PageCounter {
    #[orm(partition_key)]
    page: String,
    views: Counter,
    likes: Option<Counter>,
}

#[tokio::test]
async fn counters_increment_and_decrement() {
    let db = db(&[PageCounter::TABLE]).await;
    let page = format!("/post/{}", unique_id());
    for _ in 0..3 {
        PageCounter::update(&page)
            .increment(PageCounter::VIEWS, 2)
            .execute(&db)
            .await
            .unwrap();
    }
    PageCounter::update(&page)
        .decrement(PageCounter::VIEWS, 1)
        .execute(&db)
        .await
        .unwrap();
    let read = PageCounter::find(&db, &page).await.unwrap().unwrap();
    assert_eq!(read.views, Counter(5));
    assert_eq!(
        read.likes, None,
        "a counter never incremented reads as None"
    );

    let insert = PageCounter {
        page: page.clone(),
        views: Counter(1),
        likes: None,
    };
    let err = insert.insert(&db).await.unwrap_err();
    assert_query_error!(err, QueryError::CounterTableInsert { .. });
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "timeline")]
struct Entry {
    #[orm(partition_key)]
    user: Uuid,
    #[orm(clustering_key)]
    at: i64,
    text: String,
}

async fn timeline(db: &Db, user: Uuid) -> Vec<i64> {
    Entry::query()
        .filter(Entry::USER.eq(user))
        .get(db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.at)
        .collect()
}

#[tokio::test]
async fn deletes_of_a_row_a_range_and_a_partition() {
    let db = db(&[Entry::TABLE]).await;
    let user = unique_id();
    for at in 1..=6 {
        Entry {
            user,
            at,
            text: format!("entry {at}"),
        }
        .insert(&db)
        .await
        .unwrap();
    }
    Entry::delete_by_key(&db, &(user, 6)).await.unwrap();
    assert_eq!(timeline(&db, user).await, [1, 2, 3, 4, 5]);

    Entry::delete_query()
        .filter(Entry::USER.eq(user))
        .filter(Entry::AT.le(2))
        .execute(&db)
        .await
        .unwrap();
    assert_eq!(timeline(&db, user).await, [3, 4, 5]);

    let err = Entry::delete_query()
        .filter(Entry::AT.gt(3))
        .execute(&db)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Entry: a DELETE must restrict the whole partition key (user) with `=` or `IN`"
    );

    Entry::delete_partition(&db, &user).await.unwrap();
    assert!(timeline(&db, user).await.is_empty());
}

#[tokio::test]
async fn batches_write_together() {
    let db = db(&[Entry::TABLE, Profile::TABLE, PageCounter::TABLE]).await;
    let user = unique_id();
    let person = profile("Batched");
    let entries: Vec<Entry> = (1..=3)
        .map(|at| Entry {
            user,
            at,
            text: format!("batched {at}"),
        })
        .collect();

    let before = db.statements_executed();
    let mut batch = Batch::logged().push(person.insert_query());
    for entry in &entries {
        batch = batch.push(entry.insert_query().ttl(3_600));
    }
    batch = batch.push(Profile::update(&person.id).set(Profile::NAME, "Batched twice"));
    assert_eq!(batch.items().len(), 5);
    batch.execute(&db).await.unwrap();
    assert_eq!(
        db.statements_executed() - before,
        1,
        "one request for the whole batch"
    );

    assert_eq!(timeline(&db, user).await, [1, 2, 3]);
    assert_eq!(stored(&db, person.id).await.name, "Batched twice");

    Batch::unlogged()
        .push(
            Entry::delete_query()
                .filter(Entry::USER.eq(user))
                .filter(Entry::AT.eq(1)),
        )
        .execute(&db)
        .await
        .unwrap();
    assert_eq!(timeline(&db, user).await, [2, 3]);

    let page = format!("/batch/{}", unique_id());
    Batch::counter()
        .push(PageCounter::update(&page).increment(PageCounter::VIEWS, 10))
        .push(PageCounter::update(&page).increment(PageCounter::LIKES, 1))
        .execute(&db)
        .await
        .unwrap();
    let counted = PageCounter::find(&db, &page).await.unwrap().unwrap();
    assert_eq!(
        (counted.views, counted.likes),
        (Counter(10), Some(Counter(1)))
    );

    let broken = Batch::logged()
        .push(person.insert_query())
        .push(Profile::update(&person.id));
    let err = broken.execute(&db).await.unwrap_err();
    assert_query_error!(err, QueryError::NothingToUpdate { .. });
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "documents")]
struct Document {
    #[orm(partition_key)]
    id: Uuid,
    title: String,
    #[orm(created_at)]
    created: CqlTimestamp,
    #[orm(updated_at)]
    updated: Option<CqlTimestamp>,
}

#[tokio::test]
async fn created_at_and_updated_at_are_filled_by_writes() {
    let db = db(&[Document::TABLE]).await;
    let started = orm_core::scylla::value::CqlTimestamp(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64,
    );
    let doc = Document {
        id: unique_id(),
        title: "Draft".into(),
        created: CqlTimestamp(0),
        updated: None,
    };
    doc.insert(&db).await.unwrap();
    let stored = Document::find(&db, &doc.id).await.unwrap().unwrap();
    assert!(stored.created.0 >= started.0, "created_at filled on insert");
    assert!(
        stored.updated.unwrap().0 >= started.0,
        "updated_at filled on insert"
    );

    tokio::time::sleep(Duration::from_millis(20)).await;
    // Writing back a loaded row keeps its creation time.
    let mut edited = stored.clone();
    edited.title = "Final".into();
    edited.insert(&db).await.unwrap();
    let again = Document::find(&db, &doc.id).await.unwrap().unwrap();
    assert_eq!(again.created, stored.created);
    assert!(again.updated.unwrap().0 > stored.updated.unwrap().0);

    tokio::time::sleep(Duration::from_millis(20)).await;
    Document::update(&doc.id)
        .set(Document::TITLE, "Published")
        .execute(&db)
        .await
        .unwrap();
    let updated = Document::find(&db, &doc.id).await.unwrap().unwrap();
    assert_eq!(updated.created, stored.created);
    assert!(
        updated.updated.unwrap().0 > again.updated.unwrap().0,
        "updates bump updated_at"
    );
}

static AFTER_INSERTS: AtomicUsize = AtomicUsize::new(0);

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "guarded_accounts", hooks)]
struct Account {
    #[orm(partition_key)]
    id: Uuid,
    email: String,
    locked: bool,
}

impl Hooks for Account {
    fn before_insert(&self) -> Result<(), Rejection> {
        if self.email.contains('@') {
            Ok(())
        } else {
            Err(Rejection::new(format!(
                "{:?} is not an email address",
                self.email
            )))
        }
    }

    fn after_insert(&self) {
        AFTER_INSERTS.fetch_add(1, Ordering::SeqCst);
    }

    fn before_update<K>(update: &orm_core::write::Update<Self, K>) -> Result<(), Rejection> {
        if update.assigned_columns().contains(&"email") {
            Err(Rejection::new("emails are changed through support"))
        } else {
            Ok(())
        }
    }

    fn before_delete<K>(_: &orm_core::write::Delete<Self, K>) -> Result<(), Rejection> {
        Err(Rejection::new("accounts are never deleted"))
    }
}

#[tokio::test]
async fn hooks_can_refuse_writes() {
    let db = db(&[Account::TABLE]).await;
    let bad = Account {
        id: unique_id(),
        email: "nobody".into(),
        locked: false,
    };
    let err = bad.insert(&db).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "Account refused to insert: \"nobody\" is not an email address"
    );
    assert_eq!(
        Account::find(&db, &bad.id).await.unwrap(),
        None,
        "nothing was written"
    );

    let before = AFTER_INSERTS.load(Ordering::SeqCst);
    let good = Account {
        id: unique_id(),
        email: "ada@example.com".into(),
        locked: false,
    };
    good.insert(&db).await.unwrap();
    assert_eq!(
        AFTER_INSERTS.load(Ordering::SeqCst),
        before + 1,
        "after_insert ran"
    );

    let err = Account::update(&good.id)
        .set(Account::EMAIL, "x@y.z")
        .execute(&db)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Rejected {
                operation: "update",
                ..
            }
        ),
        "{err}"
    );
    Account::update(&good.id)
        .set(Account::LOCKED, true)
        .execute(&db)
        .await
        .unwrap();

    let err = good.delete(&db).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "Account refused to delete: accounts are never deleted"
    );
    let kept = Account::find(&db, &good.id).await.unwrap().unwrap();
    assert_eq!(
        (kept.email.as_str(), kept.locked),
        ("ada@example.com", true)
    );
}

/// A model pinned to a keyspace reaches its table from a session using another keyspace.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(keyspace = "orm_test_pinned", table = "settings", default_ttl = 86400)]
struct Setting {
    #[orm(partition_key)]
    key: String,
    value: String,
}

#[tokio::test]
async fn keyspace_pinned_models_and_table_options() {
    let db = db(&[]).await;
    db.create_keyspace("orm_test_pinned", &orm_core::schema::Replication::Simple(1))
        .await
        .unwrap();
    Setting::create_table(&db).await.unwrap();
    assert!(
        orm_core::render::create_table(Setting::TABLE)
            .ends_with("WITH default_time_to_live = 86400")
    );

    let key = format!("theme-{}", unique_id());
    Setting {
        key: key.clone(),
        value: "dark".into(),
    }
    .insert(&db)
    .await
    .unwrap();
    assert_eq!(
        Setting::find(&db, &key).await.unwrap().unwrap().value,
        "dark"
    );

    let ttl = db
        .session()
        .query_unpaged(
            r#"SELECT TTL("value") FROM "orm_test_pinned"."settings" WHERE "key" = ?"#,
            (&key,),
        )
        .await
        .unwrap()
        .into_rows_result()
        .unwrap()
        .single_row::<(Option<i32>,)>()
        .unwrap()
        .0;
    assert!(
        ttl.is_some_and(|t| t > 86_000),
        "the table's default TTL applies: {ttl:?}"
    );
}

#[test]
fn if_exists_and_if_conditions_do_not_mix() {
    let update = Profile::update(&unique_id())
        .set(Profile::NAME, "x")
        .if_exists()
        .and_if(Profile::NAME.eq("y"));
    assert!(matches!(
        update.cql(),
        Err(QueryError::ConditionsWithIfExists { .. })
    ));
}

/// A table that gained a column since the model was written: an insert-if-not-exists
/// still reports that it did not apply.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "evolving_items")]
struct EvolvingItem {
    #[orm(partition_key)]
    id: Uuid,
    title: String,
}

#[tokio::test]
async fn lwt_outcome_survives_columns_the_model_does_not_know() {
    let db = db(&[EvolvingItem::TABLE]).await;
    // Idempotent across runs of this binary: the keyspace is new each run.
    db.query_unpaged(r#"ALTER TABLE "evolving_items" ADD "added_later" int"#, ())
        .await
        .unwrap();
    let item = EvolvingItem {
        id: unique_id(),
        title: "first".into(),
    };
    assert!(item.insert_if_not_exists(&db).await.unwrap().applied);
    let again = item.insert_if_not_exists(&db).await.unwrap();
    assert!(!again.applied);
    assert_eq!(
        again.existing, None,
        "the stored row has a column the model lacks"
    );
}
