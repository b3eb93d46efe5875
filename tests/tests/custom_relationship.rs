//! Custom relationships against the real server: the README's three examples (the
//! seed's relationship constrained by the parent's key, a time-bucketed relationship, a
//! clustering-range relationship) read what the hand-written queries read, never another
//! parent's rows; a null parent key and a scanning constraint are errors with nothing
//! sent; eager loading costs one statement per distinct parent key, and a derived
//! relationship loads by name (`with("derived_posts")`) as by its accessor.

use std::time::{SystemTime, UNIX_EPOCH};

use orm_core::prelude::*;
use orm_core::relation::{Custom, CustomRelationship, Many, Optional};
use orm_core::scylla::value::CqlTimestamp;
use orm_core::{QueryError, Select};
use orm_tests::{assert_query_error, db, unique_id};
use uuid::Uuid;

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "cr_users")]
#[relationship(
    Post,
    name = "derived_posts",
    local_key = "id",
    foreign_key = "user_id",
    constraints = posts_of
)]
#[relationship(
    User,
    name = "derived_referrer",
    local_key = "referrer",
    foreign_key = "id",
    constraints = user_by_id,
    results = "optional"
)]
struct User {
    #[orm(partition_key)]
    id: Uuid,
    name: String,
    /// Who brought this user in, if anyone.
    referrer: Option<Uuid>,
}

/// A user's posts, newest first.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "cr_posts")]
#[relationship(
    User,
    name = "writer",
    local_key = "user_id",
    foreign_key = "id",
    constraints = user_by_id,
    results = "one"
)]
struct Post {
    #[orm(partition_key)]
    user_id: Uuid,
    #[orm(clustering_key, order = "desc")]
    created: CqlTimestamp,
    title: String,
}

/// A user's events, one partition per user and day.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "cr_events")]
struct Event {
    #[orm(partition_key)]
    user_id: Uuid,
    #[orm(partition_key)]
    day: i32,
    #[orm(clustering_key)]
    seq: i32,
    what: String,
}

/// The derive's form of [`UserPosts`]: `#[relationship(..., constraints = posts_of)]`.
fn posts_of(query: Select<Post>, user_id: &Uuid) -> Select<Post> {
    query.filter(Post::USER_ID.eq(*user_id))
}

fn user_by_id(query: Select<User>, id: &Uuid) -> Select<User> {
    query.filter(User::ID.eq(*id))
}

const TABLES: [&orm_core::TableMeta; 3] = [User::TABLE, Post::TABLE, Event::TABLE];

const DAY_MS: i64 = 86_400_000;

fn now_ms() -> i64 {
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    i64::try_from(since_epoch.as_millis()).unwrap()
}

/// The seed's example: a user's posts, `WHERE user_id = <the user's id>`.
struct UserPosts;

impl CustomRelationship for UserPosts {
    type Parent = User;
    type Related = Post;
    type Key = Uuid;
    type Results = Many;
    const NAME: &'static str = "user_posts";
    const FOREIGN_KEY: &'static [&'static str] = &["user_id"];
    const LOCAL_KEY: &'static [&'static str] = &["id"];

    fn parent_key(&self, user: &User) -> Option<Uuid> {
        Some(user.id)
    }

    fn add_constraints(&self, query: Select<Post>, user_id: &Uuid) -> Select<Post> {
        query.filter(Post::USER_ID.eq(*user_id))
    }
}

/// Time-bucketed: a user's events of one day, the partition `(user_id, day)`.
struct EventsOn {
    day: i32,
}

impl CustomRelationship for EventsOn {
    type Parent = User;
    type Related = Event;
    type Key = (Uuid, i32);
    type Results = Many;
    const NAME: &'static str = "events_on";
    const FOREIGN_KEY: &'static [&'static str] = &["user_id", "day"];
    const LOCAL_KEY: &'static [&'static str] = &["id"];

    fn parent_key(&self, user: &User) -> Option<(Uuid, i32)> {
        Some((user.id, self.day))
    }

    fn add_constraints(&self, query: Select<Event>, key: &(Uuid, i32)) -> Select<Event> {
        let (user_id, day) = *key;
        query
            .filter(Event::USER_ID.eq(user_id))
            .filter(Event::DAY.eq(day))
    }
}

/// Clustering range: a user's posts since a moment (`created >= since`).
struct PostsSince {
    since: CqlTimestamp,
}

impl CustomRelationship for PostsSince {
    type Parent = User;
    type Related = Post;
    type Key = Uuid;
    type Results = Many;
    const NAME: &'static str = "recent_posts";
    const FOREIGN_KEY: &'static [&'static str] = &["user_id"];
    const LOCAL_KEY: &'static [&'static str] = &["id"];

    fn parent_key(&self, user: &User) -> Option<Uuid> {
        Some(user.id)
    }

    fn add_constraints(&self, query: Select<Post>, user_id: &Uuid) -> Select<Post> {
        query
            .filter(Post::USER_ID.eq(*user_id))
            .filter(Post::CREATED.ge(self.since))
    }
}

/// The user who referred this one: a key that may be null, at most one row.
struct Referrer;

impl CustomRelationship for Referrer {
    type Parent = User;
    type Related = User;
    type Key = Uuid;
    type Results = Optional;
    const NAME: &'static str = "referrer";
    const FOREIGN_KEY: &'static [&'static str] = &["id"];
    const LOCAL_KEY: &'static [&'static str] = &["referrer"];

    fn parent_key(&self, user: &User) -> Option<Uuid> {
        user.referrer
    }

    fn add_constraints(&self, query: Select<User>, id: &Uuid) -> Select<User> {
        query.filter(User::ID.eq(*id))
    }
}

/// A post's author (a `belongs_to` written by hand), to load for many posts.
struct Author;

impl CustomRelationship for Author {
    type Parent = Post;
    type Related = User;
    type Key = Uuid;
    type Results = Optional;
    const NAME: &'static str = "author";
    const FOREIGN_KEY: &'static [&'static str] = &["id"];
    const LOCAL_KEY: &'static [&'static str] = &["user_id"];

    fn parent_key(&self, post: &Post) -> Option<Uuid> {
        Some(post.user_id)
    }

    fn add_constraints(&self, query: Select<User>, id: &Uuid) -> Select<User> {
        query.filter(User::ID.eq(*id))
    }
}

/// Posts with the user's name as title: `title` is neither a key nor indexed, so this
/// would scan, and is refused.
struct TitledLikeName;

/// The same, opting in to the scan.
struct TitledLikeNameFiltering;

fn titled(query: Select<Post>, name: &str) -> Select<Post> {
    query.where_("title", "=", name.to_owned())
}

impl CustomRelationship for TitledLikeName {
    type Parent = User;
    type Related = Post;
    type Key = String;
    type Results = Many;
    const NAME: &'static str = "titled_like_name";
    const FOREIGN_KEY: &'static [&'static str] = &["title"];
    const LOCAL_KEY: &'static [&'static str] = &["name"];

    fn parent_key(&self, user: &User) -> Option<String> {
        Some(user.name.clone())
    }

    fn add_constraints(&self, query: Select<Post>, name: &String) -> Select<Post> {
        titled(query, name)
    }
}

impl CustomRelationship for TitledLikeNameFiltering {
    type Parent = User;
    type Related = Post;
    type Key = String;
    type Results = Many;
    const NAME: &'static str = "titled_like_name_filtering";
    const FOREIGN_KEY: &'static [&'static str] = &["title"];
    const LOCAL_KEY: &'static [&'static str] = &["name"];

    fn parent_key(&self, user: &User) -> Option<String> {
        Some(user.name.clone())
    }

    fn add_constraints(&self, query: Select<Post>, name: &String) -> Select<Post> {
        titled(query, name).allow_filtering()
    }
}

impl User {
    fn user_posts_relation(&self) -> Custom<UserPosts> {
        Custom::new(UserPosts, self)
    }

    fn events_on_relation(&self, day: i32) -> Custom<EventsOn> {
        Custom::new(EventsOn { day }, self)
    }

    fn recent_posts_relation(&self) -> Custom<PostsSince> {
        let since = CqlTimestamp(now_ms() - 7 * DAY_MS);
        Custom::new(PostsSince { since }, self)
    }

    fn referrer_relation(&self) -> Custom<Referrer> {
        Custom::new(Referrer, self)
    }

    fn titled_like_name_relation(&self) -> Custom<TitledLikeName> {
        Custom::new(TitledLikeName, self)
    }

    fn titled_like_name_filtering_relation(&self) -> Custom<TitledLikeNameFiltering> {
        Custom::new(TitledLikeNameFiltering, self)
    }
}

impl Post {
    fn author_relation(&self) -> Custom<Author> {
        Custom::new(Author, self)
    }
}

fn user(name: &str) -> User {
    User {
        id: unique_id(),
        name: name.to_owned(),
        referrer: None,
    }
}

/// Inserts `user` with posts written `days_ago` days ago, titled `<name> <days>`.
async fn with_posts(db: &Db, user: &User, days_ago: &[i64]) {
    user.insert(db).await.unwrap();
    let now = now_ms();
    for days in days_ago {
        Post {
            user_id: user.id,
            created: CqlTimestamp(now - days * DAY_MS),
            title: format!("{} {days}", user.name),
        }
        .insert(db)
        .await
        .unwrap();
    }
}

fn titles(posts: &[Post]) -> Vec<&str> {
    posts.iter().map(|post| post.title.as_str()).collect()
}

#[tokio::test]
async fn the_seeds_example_reads_what_the_hand_written_query_reads() {
    let db = db(&TABLES).await;
    let ada = user("ada");
    let bob = user("bob");
    with_posts(&db, &ada, &[1, 2, 3]).await;
    with_posts(&db, &bob, &[1, 5]).await;

    let relation = ada.user_posts_relation();
    let read = relation.get(&db).await.unwrap();
    let by_hand = Post::query()
        .filter(Post::USER_ID.eq(ada.id))
        .get(&db)
        .await
        .unwrap();
    assert_eq!(read, by_hand);
    assert_eq!(titles(&read), ["ada 1", "ada 2", "ada 3"]);
    assert!(read.iter().all(|post| post.user_id == ada.id), "{read:?}");

    // The rest of the seed's surface, on the same constraint.
    assert_eq!(relation.first(&db).await.unwrap().as_ref(), by_hand.first());
    assert_eq!(relation.count(&db).await.unwrap(), 3);
    assert!(relation.exists(&db).await.unwrap());
    let older = relation
        .filter(Post::CREATED.lt(read[0].created))
        .get(&db)
        .await
        .unwrap();
    assert_eq!(titles(&older), ["ada 2", "ada 3"]);
    assert_eq!(relation.get_parent_key(), Some(&ada.id));
    assert_eq!(relation.get_foreign_key_name(), "user_id");
    assert_eq!(relation.get_local_key_name(), "id");
    assert_eq!(relation.definition().name, "user_posts");
    assert_eq!(relation.definition().kind, orm_core::RelationKind::Custom);
}

#[tokio::test]
async fn a_time_bucketed_relationship_reads_one_day_partition() {
    let db = db(&TABLES).await;
    let ada = user("ada");
    let bob = user("bob");
    ada.insert(&db).await.unwrap();
    let today = i32::try_from(now_ms() / DAY_MS).unwrap();
    for (owner, day, seq) in [
        (&ada, today, 1),
        (&ada, today, 2),
        (&ada, today - 1, 1),
        (&bob, today, 1),
    ] {
        Event {
            user_id: owner.id,
            day,
            seq,
            what: format!("{} {day} {seq}", owner.name),
        }
        .insert(&db)
        .await
        .unwrap();
    }

    let relation = ada.events_on_relation(today);
    assert_eq!(relation.get_foreign_key_names(), ["user_id", "day"]);
    assert_eq!(relation.get_parent_key(), Some(&(ada.id, today)));
    let read = relation.get(&db).await.unwrap();
    let by_hand = Event::query()
        .filter(Event::USER_ID.eq(ada.id))
        .filter(Event::DAY.eq(today))
        .get(&db)
        .await
        .unwrap();
    assert_eq!(read, by_hand);
    assert_eq!(read.len(), 2, "{read:?}");
    assert!(
        read.iter().all(|e| e.user_id == ada.id && e.day == today),
        "{read:?}"
    );
    assert_eq!(
        relation.explain().unwrap().statements[0].access_path,
        Some(orm_core::AccessPath::SinglePartition)
    );
}

#[tokio::test]
async fn a_clustering_range_relationship_reads_the_last_seven_days() {
    let db = db(&TABLES).await;
    let ada = user("ada");
    let bob = user("bob");
    with_posts(&db, &ada, &[1, 3, 10, 30]).await;
    with_posts(&db, &bob, &[1, 2]).await;

    let relation = ada.recent_posts_relation();
    let read = relation.get(&db).await.unwrap();
    let since = CqlTimestamp(now_ms() - 7 * DAY_MS);
    let by_hand = Post::query()
        .filter(Post::USER_ID.eq(ada.id))
        .filter(Post::CREATED.ge(since))
        .get(&db)
        .await
        .unwrap();
    assert_eq!(read, by_hand);
    assert_eq!(titles(&read), ["ada 1", "ada 3"]);
}

#[tokio::test]
async fn a_null_parent_key_is_an_error_with_nothing_sent() {
    let db = db(&TABLES).await;
    let referrer = user("referrer");
    referrer.insert(&db).await.unwrap();
    let mut referred = user("referred");
    referred.referrer = Some(referrer.id);
    let alone = user("alone");

    assert_eq!(
        referred.referrer_relation().get(&db).await.unwrap(),
        Some(referrer.clone())
    );

    let before = db.statements_executed();
    let relation = alone.referrer_relation();
    assert_eq!(relation.get_parent_key(), None);
    for err in [
        relation.get(&db).await.unwrap_err(),
        relation.first(&db).await.map(|_| ()).unwrap_err(),
        relation.count(&db).await.map(|_| ()).unwrap_err(),
    ] {
        assert_query_error!(
            err,
            QueryError::MissingParentKey {
                relation: "referrer",
                key: "referrer",
                ..
            }
        );
    }
    assert_eq!(db.statements_executed(), before);
}

#[tokio::test]
async fn a_constraint_that_would_scan_is_refused_before_sending_unless_it_opts_in() {
    let db = db(&TABLES).await;
    let ada = user("ada scan");
    with_posts(&db, &ada, &[1]).await;

    let before = db.statements_executed();
    let err = ada.titled_like_name_relation().get(&db).await.unwrap_err();
    assert_eq!(db.statements_executed(), before);
    assert_query_error!(err, QueryError::NeedsFiltering { .. });
    let message = err.to_string();
    assert!(message.contains("allow_filtering"), "{message}");

    let read = ada
        .titled_like_name_filtering_relation()
        .get(&db)
        .await
        .unwrap();
    assert!(read.iter().all(|post| post.title == "ada scan"), "{read:?}");
}

#[tokio::test]
async fn eager_loading_costs_one_statement_per_distinct_key() {
    let db = db(&TABLES).await;
    let mut users = Vec::new();
    for i in 0..40_i64 {
        let user = user(&format!("user {i}"));
        let days: Vec<i64> = (1..=i % 4).collect();
        with_posts(&db, &user, &days).await;
        users.push(user);
    }
    let ids: Vec<Uuid> = users.iter().map(|u| u.id).collect();

    let before = db.statements_executed();
    let loaded = User::query()
        .filter(User::ID.in_(ids.clone()))
        .with(User::user_posts_relation)
        .get(&db)
        .await
        .unwrap();
    let sent = db.statements_executed() - before;
    assert_eq!(loaded.len(), 40);
    assert!(sent <= 1 + 40, "{sent} statements");
    for user in &loaded {
        let posts = user.related(User::user_posts_relation).unwrap();
        let by_hand = user.user_posts_relation().get(&db).await.unwrap();
        let posts: Vec<Post> = posts.iter().map(|p| p.model().clone()).collect();
        assert_eq!(posts, by_hand);
        assert!(posts.iter().all(|p| p.user_id == user.id));
    }

    // 40 posts of 10 authors: the authors' keys are deduplicated.
    let authors: Vec<Uuid> = ids[..20].to_vec();
    let posts = Post::query()
        .filter(Post::USER_ID.in_(authors))
        .get(&db)
        .await
        .unwrap();
    let distinct: std::collections::HashSet<Uuid> = posts.iter().map(|p| p.user_id).collect();
    let before = db.statements_executed();
    let loaded = Post::query()
        .filter(Post::USER_ID.in_(distinct.iter().copied()))
        .with(Post::author_relation)
        .get(&db)
        .await
        .unwrap();
    let sent = db.statements_executed() - before;
    assert_eq!(loaded.len(), posts.len());
    assert!(
        loaded.len() > distinct.len(),
        "some authors have several posts"
    );
    assert!(sent <= 1 + distinct.len() as u64, "{sent} statements");
    for post in &loaded {
        let author = post.related(Post::author_relation).unwrap();
        assert_eq!(author.as_ref().map(|a| a.id), Some(post.user_id));
    }
}

#[tokio::test]
async fn eager_counts_and_filters_by_a_custom_relationship() {
    let db = db(&TABLES).await;
    let ada = user("ada");
    let bob = user("bob");
    let cy = user("cy");
    with_posts(&db, &ada, &[1, 2, 20]).await;
    with_posts(&db, &bob, &[30]).await;
    with_posts(&db, &cy, &[]).await;
    let ids = [ada.id, bob.id, cy.id];

    let counted = User::query()
        .filter(User::ID.in_(ids))
        .with_count(User::user_posts_relation)
        .get(&db)
        .await
        .unwrap();
    for user in &counted {
        let count = user.related_count(User::user_posts_relation).unwrap();
        let by_hand = user.user_posts_relation().count(&db).await.unwrap();
        assert_eq!(count, by_hand, "{}", user.name);
    }

    let recent = User::query()
        .filter(User::ID.in_(ids))
        .has(User::recent_posts_relation)
        .get(&db)
        .await
        .unwrap();
    let names: Vec<&str> = recent.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["ada"]);

    let month = CqlTimestamp(now_ms() - 40 * DAY_MS);
    let mut posted_in_month: Vec<String> = User::query()
        .filter(User::ID.in_(ids))
        .where_has(User::user_posts_relation, move |q| {
            q.filter(Post::CREATED.ge(month))
        })
        .get(&db)
        .await
        .unwrap()
        .iter()
        .map(|u| u.name.clone())
        .collect();
    posted_in_month.sort();
    assert_eq!(posted_in_month, ["ada", "bob"]);
}

#[tokio::test]
async fn a_time_bucketed_relationship_loads_eagerly_through_a_closure() {
    let db = db(&TABLES).await;
    let today = i32::try_from(now_ms() / DAY_MS).unwrap();
    let users = [user("eve"), user("fay")];
    for (i, user) in users.iter().enumerate() {
        user.insert(&db).await.unwrap();
        for seq in 0..=i32::try_from(i).unwrap() {
            for day in [today, today - 1] {
                Event {
                    user_id: user.id,
                    day,
                    seq,
                    what: format!("{} {day} {seq}", user.name),
                }
                .insert(&db)
                .await
                .unwrap();
            }
        }
    }
    let on_today = move |user: &User| user.events_on_relation(today);
    let loaded = User::query()
        .filter(User::ID.in_(users.iter().map(|u| u.id)))
        .with(on_today)
        .get(&db)
        .await
        .unwrap();
    for user in &loaded {
        let events = user.related(on_today).unwrap();
        let by_hand = user.events_on_relation(today).get(&db).await.unwrap();
        let events: Vec<Event> = events.iter().map(|e| e.model().clone()).collect();
        assert_eq!(events, by_hand);
        assert!(
            events
                .iter()
                .all(|e| e.day == today && e.user_id == user.id)
        );
    }
}

#[tokio::test]
async fn a_derived_relationship_reads_and_loads_like_the_hand_written_one() {
    let db = db(&TABLES).await;
    let ada = user("ada");
    let bob = user("bob");
    with_posts(&db, &ada, &[1, 2]).await;
    with_posts(&db, &bob, &[3]).await;

    let derived: Custom<UserDerivedPostsRelationship> = ada.derived_posts_relation();
    assert_eq!(derived.get_foreign_key_names(), ["user_id"]);
    assert_eq!(derived.get_local_key_names(), ["id"]);
    assert_eq!(
        derived.get(&db).await.unwrap(),
        ada.user_posts_relation().get(&db).await.unwrap()
    );

    let before = db.statements_executed();
    let loaded = User::query()
        .filter(User::ID.in_([ada.id, bob.id]))
        .with(User::derived_posts_relation)
        .get(&db)
        .await
        .unwrap();
    assert!(db.statements_executed() - before <= 1 + 2);
    for user in &loaded {
        let posts = user.related(User::derived_posts_relation).unwrap();
        assert!(!posts.is_empty());
        assert!(posts.iter().all(|p| p.user_id == user.id));
    }

    // An `Option` local key: `None` is a null key, an error with nothing sent.
    let mut referred = user("referred");
    referred.referrer = Some(ada.id);
    let found = referred.derived_referrer_relation().get(&db).await.unwrap();
    assert_eq!(found.map(|u| u.id), Some(ada.id));
    let before = db.statements_executed();
    let err = bob.derived_referrer_relation().get(&db).await.unwrap_err();
    assert_query_error!(
        err,
        QueryError::MissingParentKey {
            relation: "derived_referrer",
            ..
        }
    );
    assert_eq!(db.statements_executed(), before);
}

#[tokio::test]
async fn a_relationship_with_exactly_one_row_returns_it_or_an_error() {
    let db = db(&TABLES).await;
    let ada = user("ada");
    with_posts(&db, &ada, &[1]).await;
    let post = ada.user_posts_relation().first(&db).await.unwrap().unwrap();
    let writer: User = post.writer_relation().get(&db).await.unwrap();
    assert_eq!(writer, ada);

    let orphan = Post {
        user_id: unique_id(),
        created: CqlTimestamp(now_ms()),
        title: "orphan".into(),
    };
    let err = orphan.writer_relation().get(&db).await.unwrap_err();
    assert_query_error!(
        err,
        QueryError::RelatedMissing {
            relation: "writer",
            related: "User",
            ..
        }
    );
}

#[tokio::test]
async fn a_derived_relationship_loads_by_name_like_by_accessor() {
    let db = db(&TABLES).await;
    let mut users = Vec::new();
    for (i, days) in [&[1, 2][..], &[3], &[], &[1, 4, 5]].into_iter().enumerate() {
        let user = user(&format!("named {i}"));
        with_posts(&db, &user, days).await;
        users.push(user);
    }
    let ids: Vec<Uuid> = users.iter().map(|u| u.id).collect();

    let by_value = User::query()
        .filter(User::ID.in_(ids.clone()))
        .with(User::derived_posts_relation)
        .get(&db)
        .await
        .unwrap();
    let before = db.statements_executed();
    let by_name = User::query()
        .filter(User::ID.in_(ids.clone()))
        .with("derived_posts")
        .get(&db)
        .await
        .unwrap();
    let sent = db.statements_executed() - before;
    assert!(sent <= 1 + ids.len() as u64, "{sent} statements");
    assert_eq!(by_name.len(), users.len());
    let posts_of = |loaded: &[Loaded<User>]| -> Vec<(Uuid, Vec<Post>)> {
        let mut all: Vec<(Uuid, Vec<Post>)> = loaded
            .iter()
            .map(|user| {
                let posts = user.related(User::derived_posts_relation).unwrap();
                (user.id, posts.iter().map(|p| p.model().clone()).collect())
            })
            .collect();
        all.sort_by_key(|(id, _)| *id);
        all
    };
    let named = posts_of(&by_name);
    assert_eq!(named, posts_of(&by_value));
    assert_eq!(named.iter().map(|(_, posts)| posts.len()).sum::<usize>(), 6);
    assert!(
        named
            .iter()
            .all(|(id, posts)| posts.iter().all(|p| p.user_id == *id))
    );

    // Nested by name: each post's writer, a `results = "one"` relationship.
    let nested = User::query()
        .filter(User::ID.in_(ids.clone()))
        .with("derived_posts.writer")
        .get(&db)
        .await
        .unwrap();
    for user in &nested {
        for post in user.related(User::derived_posts_relation).unwrap() {
            let writer = post.related(Post::writer_relation).unwrap();
            assert_eq!(writer.as_ref().map(|w| w.id), Some(user.id));
        }
    }

    // An unknown name lists the custom relationships among the valid ones.
    let err = User::query()
        .with("derived_postz")
        .get(&db)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "User has no relation `derived_postz`; its relations are: derived_posts, derived_referrer"
    );
}
