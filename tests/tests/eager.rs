//! Eager loading against the real server: nested paths, grouping, constraints, counts,
//! filters by related rows, errors, and the round trips each load costs.

use orm_core::eager;
use orm_core::prelude::*;
use orm_core::scylla::value::CqlDate;
use orm_core::{EagerQuery, Error, QueryError, Select};
use orm_tests::{assert_query_error, db, unique_id};
use uuid::Uuid;

mod post_comments;
use post_comments::Comment;

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "eager_users")]
#[has_many(Post, foreign_key = "user_id")]
#[has_one(Profile, foreign_key = "user_id")]
struct User {
    #[orm(partition_key)]
    id: Uuid,
    name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "eager_posts")]
#[belongs_to(User, foreign_key = "user_id")]
#[has_many(Comment, foreign_key = "post_id", local_key = "id")]
struct Post {
    #[orm(partition_key)]
    user_id: Uuid,
    #[orm(clustering_key, order = "desc")]
    id: Uuid,
    published: bool,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "eager_profiles")]
struct Profile {
    #[orm(partition_key)]
    user_id: Uuid,
    bio: String,
}

/// A day of readings: keyed by a `date`, a type without `Hash`, which eager loading
/// groups by its stored value.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "eager_days")]
#[has_many(Reading, foreign_key = "day")]
struct Day {
    #[orm(partition_key)]
    day: CqlDate,
    place: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "eager_readings")]
#[belongs_to(Day, foreign_key = "day", owner_key = "day")]
struct Reading {
    #[orm(partition_key)]
    day: CqlDate,
    #[orm(clustering_key)]
    id: i32,
    celsius: f64,
}

const TABLES: [&orm_core::TableMeta; 6] = [
    User::TABLE,
    Post::TABLE,
    Profile::TABLE,
    Comment::TABLE,
    Day::TABLE,
    Reading::TABLE,
];

/// `users` users; user `i` has `i % 4` posts (so some have none); post `j` of a user has
/// `j` comments. Returns the users in creation order.
async fn blog(db: &Db, users: usize) -> Vec<User> {
    let mut created = Vec::new();
    for i in 0..users {
        let user = User {
            id: unique_id(),
            name: format!("user {i}"),
        };
        user.insert(db).await.unwrap();
        for j in 0..(i % 4) {
            let post = Post {
                user_id: user.id,
                id: Uuid::now_v7(),
                published: j % 2 == 0,
            };
            post.insert(db).await.unwrap();
            for k in 0..j {
                Comment {
                    post_id: post.id,
                    id: k as i32,
                    body: format!("comment {k}"),
                }
                .insert(db)
                .await
                .unwrap();
            }
        }
        created.push(user);
    }
    created
}

fn ids(users: &[User]) -> Vec<Uuid> {
    users.iter().map(|u| u.id).collect()
}

/// The query of `user`'s row.
fn the_user(user: &User) -> Select<User> {
    User::query().filter(User::ID.eq(user.id))
}

/// The query of the rows of `users`.
fn the_users(users: &[User]) -> Select<User> {
    User::query().filter(User::ID.in_(ids(users)))
}

/// The error `query` fails with; it must fail.
async fn refused(db: &Db, query: EagerQuery<User>) -> Error {
    query.get(db).await.expect_err("the query fails")
}

#[tokio::test]
async fn nested_loads_group_rows_under_their_parents() {
    let db = db(&TABLES).await;
    let users = blog(&db, 8).await;

    let before = db.statements_executed();
    let loaded = the_users(&users)
        .with(eager(User::posts_relation).with(Post::comments_relation))
        .get(&db)
        .await
        .unwrap();
    let sent = db.statements_executed() - before;

    assert_eq!(loaded.len(), 8);
    let mut distinct_posts = 0;
    for user in &loaded {
        let index: usize = user.name.trim_start_matches("user ").parse().unwrap();
        let posts = user.related(User::posts_relation).unwrap();
        assert_eq!(
            posts.len(),
            index % 4,
            "{} has its own posts only",
            user.name
        );
        for post in posts {
            assert_eq!(post.user_id, user.id);
            let comments = post.related(Post::comments_relation).unwrap();
            assert!(comments.iter().all(|c| c.post_id == post.id));
            distinct_posts += 1;
        }
    }
    // One query for the users, one per distinct user, one per distinct post.
    assert_eq!(sent, 1 + 8 + distinct_posts);

    // The same by name, as in the seed.
    let by_name = the_users(&users)
        .with("posts.comments")
        .get(&db)
        .await
        .unwrap();
    let count = |rows: &[Loaded<User>]| -> usize {
        rows.iter()
            .map(|u| {
                u.related(User::posts_relation)
                    .unwrap()
                    .iter()
                    .map(|p| p.related(Post::comments_relation).unwrap().len())
                    .sum::<usize>()
            })
            .sum()
    };
    assert_eq!(count(&by_name), count(&loaded));
    // User i has posts j = 0..i % 4 with j comments each: 0, 0, 1, 3, 0, 0, 1, 3.
    assert_eq!(count(&loaded), 8);
}

#[tokio::test]
async fn duplicate_parents_share_one_query() {
    let db = db(&TABLES).await;
    let users = blog(&db, 4).await;
    let user = users[3].clone();
    let before = db.statements_executed();
    let loaded = eager::load(
        &db,
        vec![user.clone(), users[2].clone(), user.clone()],
        User::posts_relation,
    )
    .await
    .unwrap();
    assert_eq!(
        db.statements_executed() - before,
        2,
        "two distinct users, two queries"
    );
    let first = loaded[0].related(User::posts_relation).unwrap();
    let third = loaded[2].related(User::posts_relation).unwrap();
    assert_eq!(first.len(), 3);
    assert_eq!(
        first.iter().map(|p| p.id).collect::<Vec<_>>(),
        third.iter().map(|p| p.id).collect::<Vec<_>>()
    );
    assert_eq!(loaded[1].related(User::posts_relation).unwrap().len(), 2);
}

#[tokio::test]
async fn keys_without_hash_group_too() {
    let db = db(&TABLES).await;
    // 2^31 is the epoch in CQL's `date` encoding; these days are this test's own.
    let days: Vec<Day> = (0..3)
        .map(|i| Day {
            day: CqlDate((1 << 31) + 20_000 + i),
            place: format!("station {i}"),
        })
        .collect();
    for (i, day) in days.iter().enumerate() {
        day.insert(&db).await.unwrap();
        for id in 0..i as i32 {
            Reading {
                day: day.day,
                id,
                celsius: 20.5 + f64::from(id),
            }
            .insert(&db)
            .await
            .unwrap();
        }
    }

    let before = db.statements_executed();
    let parents = vec![
        days[2].clone(),
        days[1].clone(),
        days[2].clone(),
        days[0].clone(),
    ];
    let loaded = eager::load(&db, parents, Day::readings_relation)
        .await
        .unwrap();
    assert_eq!(
        db.statements_executed() - before,
        3,
        "three distinct days, three queries"
    );
    let counts: Vec<usize> = loaded
        .iter()
        .map(|day| day.related(Day::readings_relation).unwrap().len())
        .collect();
    assert_eq!(counts, [2, 1, 2, 0]);

    let of_day_2 = Reading::query()
        .filter(Reading::DAY.eq(days[2].day))
        .with(Reading::day_relation);
    let readings = of_day_2.get(&db).await.unwrap();
    assert_eq!(readings.len(), 2);
    for reading in &readings {
        let day = reading.related(Reading::day_relation).unwrap();
        assert_eq!(day.as_ref().map(|d| d.place.as_str()), Some("station 2"));
    }
}

#[tokio::test]
async fn empty_children_and_belongs_to() {
    let db = db(&TABLES).await;
    let users = blog(&db, 4).await;
    let lonely = the_user(&users[0])
        .with(User::posts_relation)
        .with(User::profile_relation)
        .first(&db)
        .await
        .unwrap()
        .unwrap();
    assert!(lonely.related(User::posts_relation).unwrap().is_empty());
    assert!(lonely.related(User::profile_relation).unwrap().is_none());

    // Posts of several users, each with its author: one query per distinct author.
    let posts = Post::query()
        .filter(Post::USER_ID.in_(ids(&users)))
        .get(&db)
        .await
        .unwrap();
    assert_eq!(posts.len(), 1 + 2 + 3);
    let before = db.statements_executed();
    let with_authors = eager::load(&db, posts, Post::user_relation).await.unwrap();
    assert_eq!(db.statements_executed() - before, 3);
    for post in &with_authors {
        let author = post.related(Post::user_relation).unwrap().as_ref().unwrap();
        assert_eq!(author.id, post.user_id);
    }
}

#[tokio::test]
async fn constrained_loads_counts_and_filters() {
    let db = db(&TABLES).await;
    let users = blog(&db, 8).await;
    let query = || the_users(&users);

    let limited = query()
        .with(eager(User::posts_relation).constrain(|posts| posts.limit(1)))
        .get(&db)
        .await
        .unwrap();
    assert!(
        limited
            .iter()
            .all(|u| u.related(User::posts_relation).unwrap().len() <= 1),
        "a per-parent limit"
    );
    assert_eq!(
        limited
            .iter()
            .filter(|u| u.related(User::posts_relation).unwrap().len() == 1)
            .count(),
        6
    );

    let counted = query()
        .with_count(User::posts_relation)
        .get(&db)
        .await
        .unwrap();
    for user in &counted {
        let index: i64 = user.name.trim_start_matches("user ").parse().unwrap();
        assert_eq!(user.related_count(User::posts_relation).unwrap(), index % 4);
    }

    let with_posts = query().has(User::posts_relation).get(&db).await.unwrap();
    assert_eq!(with_posts.len(), 6, "users 0 and 4 have no posts");

    // Published posts are j = 0 and j = 2: every user with posts has one.
    let published = query()
        .where_has(User::posts_relation, |posts| {
            posts.filter(Post::PUBLISHED.eq(true)).allow_filtering()
        })
        .get(&db)
        .await
        .unwrap();
    assert_eq!(published.len(), 6);
    let unpublished = query()
        .where_has(User::posts_relation, |posts| {
            posts.filter(Post::PUBLISHED.eq(false)).allow_filtering()
        })
        .with_count(User::posts_relation)
        .get(&db)
        .await
        .unwrap();
    assert!(
        unpublished
            .iter()
            .all(|u| u.related_count(User::posts_relation).unwrap() >= 2)
    );
    assert_eq!(
        unpublished.len(),
        4,
        "users 2, 3, 6, 7 have a post with j = 1"
    );
}

#[tokio::test]
async fn names_and_unloaded_relations_are_error_values() {
    let db = db(&TABLES).await;
    let users = blog(&db, 2).await;

    let err = refused(&db, the_user(&users[0]).with(["posts", "postz"])).await;
    assert_query_error!(
        err,
        QueryError::UnknownRelation { .. },
        "User has no relation `postz`; its relations are: posts, profile"
    );

    let err = refused(&db, User::query().with("posts.authr")).await;
    assert_eq!(
        err.to_string(),
        "Post has no relation `authr`; its relations are: user, comments"
    );

    let loaded = the_user(&users[1])
        .with(User::posts_relation)
        .first(&db)
        .await
        .unwrap()
        .unwrap();
    let err = loaded.related(User::profile_relation).unwrap_err();
    assert!(matches!(err, Error::NotLoaded { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "User.profile was not loaded: add `.with(...)` for it to the query (loaded: posts)"
    );
    let err = loaded.related_count(User::posts_relation).unwrap_err();
    assert!(err.to_string().contains("add `.with_count(...)`"), "{err}");
}

#[tokio::test]
async fn loads_run_at_bounded_concurrency() {
    let db = db(&TABLES).await;
    let users = blog(&db, 24).await;
    let query = || the_users(&users).with(User::posts_relation);

    db.reset_peak_concurrency();
    query().concurrency(4).get(&db).await.unwrap();
    let peak = db.peak_concurrency();
    assert!(
        (2..=4).contains(&peak),
        "at most 4 at once, and more than one: {peak}"
    );

    db.reset_peak_concurrency();
    query().concurrency(1).get(&db).await.unwrap();
    assert_eq!(db.peak_concurrency(), 1);
}

#[tokio::test]
async fn a_load_prepares_its_statement_once() {
    let db = db(&TABLES).await;
    let users = blog(&db, 24).await;

    // The unconstrained load runs the relation's fixed statement; 32 fetches start at
    // once on this fresh session, and one PREPARE serves them all.
    let before = db.statements_prepared();
    eager::load(&db, users.clone(), User::posts_relation)
        .await
        .unwrap();
    assert_eq!(
        db.statements_prepared() - before,
        1,
        "one shape, one PREPARE"
    );

    // A constrained load renders its own shape: prepared once too.
    let before = db.statements_prepared();
    let constrained = eager(User::posts_relation).constrain(|posts| posts.limit(1));
    eager::load(&db, users.clone(), constrained).await.unwrap();
    assert_eq!(db.statements_prepared() - before, 1);

    // The same loads again prepare nothing.
    let before = db.statements_prepared();
    eager::load(&db, users.clone(), User::posts_relation)
        .await
        .unwrap();
    let constrained = eager(User::posts_relation).constrain(|posts| posts.limit(1));
    eager::load(&db, users, constrained).await.unwrap();
    assert_eq!(db.statements_prepared(), before);
}

#[tokio::test]
async fn relation_queries_load_too() {
    let db = db(&TABLES).await;
    let users = blog(&db, 4).await;
    let author = &users[3];
    let posts = author
        .posts_relation()
        .with(Post::comments_relation)
        .get(&db)
        .await
        .unwrap();
    assert_eq!(posts.len(), 3);
    let comments: usize = posts
        .iter()
        .map(|p| p.related(Post::comments_relation).unwrap().len())
        .sum();
    assert_eq!(comments, 3);
}

/// Paths by name often come from request parameters: a 100 KB path and a cyclic path of
/// 1,000 relations (`posts.user.posts...`) are refused whole, before anything is sent,
/// with a message that quotes at most 64 characters of them.
#[tokio::test]
async fn hostile_paths_are_refused_before_anything_is_sent() {
    let db = db(&TABLES).await;
    let users = blog(&db, 1).await;
    let huge = "p".repeat(100 * 1024);
    let cyclic = ["posts", "user"].repeat(500).join(".");
    for path in [huge.as_str(), cyclic.as_str()] {
        let before = db.statements_executed();
        let started = std::time::Instant::now();
        let err = refused(&db, the_user(&users[0]).with(path)).await;
        assert_query_error!(err, QueryError::EagerPathTooLong { .. });
        assert_eq!(db.statements_executed(), before, "nothing is sent");
        let message = err.to_string();
        assert!(message.len() < 400, "{message}");
        println!(
            "{} byte path refused in {:?}: {message}",
            path.len(),
            started.elapsed()
        );
    }
    // The deepest accepted path still loads.
    let deepest = ["posts", "user"].repeat(4).join(".");
    let loaded = the_user(&users[0])
        .with(deepest.as_str())
        .get(&db)
        .await
        .unwrap();
    assert_eq!(loaded.len(), 1);
}
