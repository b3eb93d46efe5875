//! Factories and seeders against the real server: a blog graph through every relation
//! kind factories fill, read back through the relations; determinism; counters and a
//! composite key; mistakes found before anything is written.

use std::collections::{BTreeMap, BTreeSet};

use orm_core::factory::fake::Fake;
use orm_core::factory::fake::faker::internet::en::SafeEmail;
use orm_core::factory::fake::faker::lorem::en::{Sentence, Word};
use orm_core::factory::fake::faker::name::en::Name;
use orm_core::factory::{Factory, FactoryError, MAX_COUNT, Seeded, Seeder, Seeding};
use orm_core::prelude::*;
use orm_core::schema::{Replication, Schema};
use orm_core::scylla::value::Counter;
use orm_core::{Pivot, TableMeta};
use orm_tests::db;
use uuid::Uuid;

// Two relations by one foreign key are not duplicates (rust-lang/rust-clippy#13238).
#[allow(clippy::duplicated_attributes)]
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "fac_users")]
#[has_many(Post, foreign_key = "user_id")]
#[has_many(Ghost, foreign_key = "user_id")]
#[has_one(Profile, foreign_key = "user_id")]
struct User {
    #[orm(partition_key)]
    id: Uuid,
    name: String,
    email: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "fac_posts")]
#[belongs_to(User, foreign_key = "user_id")]
#[has_many(Comment, foreign_key = "post_id")]
#[belongs_to_many(Tag, pivot = PostTag)]
struct Post {
    #[orm(partition_key)]
    id: Uuid,
    #[orm(index)]
    user_id: Option<Uuid>,
    title: String,
    /// A collection column, written whole by the insert.
    keywords: Vec<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "fac_comments")]
#[belongs_to(Post, foreign_key = "post_id")]
struct Comment {
    #[orm(partition_key)]
    post_id: Uuid,
    #[orm(clustering_key)]
    n: i64,
    body: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "fac_tags")]
#[belongs_to_many(Post, pivot = PostTag, inverse)]
struct Tag {
    #[orm(partition_key)]
    id: Uuid,
    name: String,
}

#[derive(Pivot, Debug, Clone, Default, PartialEq)]
#[pivot(left = Post, right = Tag, table = "fac_post_tags", inverse_table = "fac_tag_posts")]
struct PostTag {
    #[pivot(left)]
    post_id: Uuid,
    #[pivot(right)]
    tag_id: Uuid,
    weight: Option<i32>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "fac_profiles")]
struct Profile {
    #[orm(partition_key)]
    user_id: Uuid,
    bio: String,
}

/// A counter table with a composite partition key and a clustering key.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "fac_page_views")]
struct PageViews {
    #[orm(partition_key)]
    site: String,
    #[orm(partition_key)]
    day: i32,
    #[orm(clustering_key)]
    path: String,
    views: Counter,
    visitors: Counter,
}

/// A model whose table is never created, to make a write fail.
#[derive(Model, Debug, Clone)]
#[orm(table = "fac_missing_table")]
struct Ghost {
    #[orm(partition_key)]
    user_id: Uuid,
    #[orm(clustering_key)]
    n: i64,
}

const TABLES: [&TableMeta; 8] = [
    Profile::TABLE,
    User::TABLE,
    Post::TABLE,
    Comment::TABLE,
    Tag::TABLE,
    PostTag::FORWARD,
    PostTag::INVERSE,
    PageViews::TABLE,
];

fn users() -> Factory<User> {
    Factory::new(|f| User {
        id: f.uuid(),
        name: Name().fake_with_rng(f.rng()),
        email: SafeEmail().fake_with_rng(f.rng()),
    })
}

fn posts() -> Factory<Post> {
    Factory::new(|f| Post {
        id: f.uuid(),
        user_id: None,
        title: Sentence(2..5).fake_with_rng(f.rng()),
        keywords: (0..3).map(|_| Word().fake_with_rng(f.rng())).collect(),
    })
    .define_state("untitled", |post: &mut Post, _| post.title.clear())
}

fn comments() -> Factory<Comment> {
    Factory::new(|f| Comment {
        post_id: Uuid::nil(),
        n: f.sequence() as i64,
        body: Sentence(3..8).fake_with_rng(f.rng()),
    })
}

fn profiles() -> Factory<Profile> {
    Factory::new(|f| Profile {
        user_id: Uuid::nil(),
        bio: Sentence(3..8).fake_with_rng(f.rng()),
    })
}

fn tags() -> Factory<Tag> {
    Factory::new(|f| Tag {
        id: f.uuid(),
        name: format!("tag-{}", f.sequence()),
    })
}

fn blog(seed: u64, tags: &[Tag]) -> Factory<User> {
    users().times(50).seed(seed).has(
        "posts",
        posts()
            .times(5)
            .has("comments", comments().times(3))
            .attach_existing("tags", tags, 2, |f| PostTag {
                weight: Some(f.number(1..10) as i32),
                ..PostTag::default()
            }),
    )
}

#[tokio::test]
async fn a_seeded_blog_reads_back_through_every_relation() {
    let db = db(&TABLES).await;
    let tags = tags().times(10).create(&db).await.unwrap().rows;
    let seeded = blog(15, &tags).create(&db).await.unwrap();

    assert_eq!(seeded.rows.len(), 50);
    let report = &seeded.report;
    assert_eq!(report.rows("User"), 50);
    assert_eq!(report.rows("Post"), 250);
    assert_eq!(report.rows("Comment"), 750);
    assert_eq!(report.rows("fac_post_tags"), 500);
    assert_eq!(report.rows("fac_tag_posts"), 500);
    assert_eq!(report.rows("Tag"), 0, "existing tags are not written again");

    let tag_ids: BTreeSet<Uuid> = tags.iter().map(|t| t.id).collect();
    // Each tag's posts, as the forward direction (post → tags) sees them.
    let mut forward: BTreeMap<Uuid, BTreeSet<Uuid>> = BTreeMap::new();
    let mut post_ids = BTreeSet::new();
    for user in &seeded.rows {
        assert_eq!(
            User::find(&db, &user.id).await.unwrap().as_ref(),
            Some(user)
        );
        let posts = user.posts_relation().get(&db).await.unwrap();
        assert_eq!(posts.len(), 5, "each user has the 5 posts made for them");
        for post in &posts {
            assert_eq!(post.keywords.len(), 3);
            post_ids.insert(post.id);
            // belongs_to reads back the author the key was taken from.
            let author = post.user_relation().get(&db).await.unwrap();
            assert_eq!(author.as_ref(), Some(user));

            let comments = post.comments_relation().get(&db).await.unwrap();
            assert_eq!(comments.len(), 3);
            for comment in &comments {
                let owner = comment.post_relation().get(&db).await.unwrap();
                assert_eq!(owner.map(|p| p.id), Some(post.id));
            }

            let joined = post.tags_relation().get(&db).await.unwrap();
            assert_eq!(joined.len(), 2, "each post is attached to 2 tags");
            for tag in &joined {
                assert!(tag_ids.contains(&tag.row.id));
                assert_eq!(tag.pivot.post_id, post.id);
                assert!(matches!(tag.pivot.weight, Some(1..10)));
                forward.entry(tag.row.id).or_default().insert(post.id);
            }
        }
    }
    assert_eq!(post_ids.len(), 250, "post ids are distinct");

    // The inverse direction (tag → posts) agrees with the forward one, pivot values too.
    for tag in &tags {
        let inverse: BTreeSet<Uuid> = tag
            .posts_relation()
            .get(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|post| post.row.id)
            .collect();
        assert_eq!(inverse, forward.remove(&tag.id).unwrap_or_default());
    }
    assert!(
        forward.is_empty(),
        "every joined tag is one of the tags given"
    );
}

#[tokio::test]
async fn the_same_seed_gives_the_same_data() {
    let first = posts().times(4).state("untitled").seed(99).make().unwrap();
    let second = posts().times(4).state("untitled").seed(99).make().unwrap();
    assert_eq!(first, second);
    assert!(first.iter().all(|p| p.title.is_empty()));
    let other = posts().times(4).seed(100).make().unwrap();
    assert_ne!(
        first.iter().map(|p| p.id).collect::<Vec<_>>(),
        other.iter().map(|p| p.id).collect::<Vec<_>>()
    );

    // Written twice with one seed: the same rows, keys and relations (the second run
    // rewrites the first's rows), whatever order the concurrent writes ran in.
    let db = db(&TABLES).await;
    let graph = || {
        users().times(3).seed(2024).has(
            "posts",
            posts().times(2).has("comments", comments().times(2)),
        )
    };
    let a = graph().create(&db).await.unwrap();
    let b = graph().concurrency(1).create(&db).await.unwrap();
    assert_eq!(a.rows, b.rows);
    assert_eq!(a.report, b.report);
    assert_eq!(a.seed, 2024);
    for user in &a.rows {
        let posts = user.posts_relation().get(&db).await.unwrap();
        assert_eq!(
            posts.len(),
            2,
            "the second run wrote the same posts, not new ones"
        );
    }
}

#[tokio::test]
async fn counters_with_a_composite_key() {
    let db = db(&TABLES).await;
    let site = Uuid::new_v4().to_string();
    let views = {
        let site = site.clone();
        Factory::new(move |f| PageViews {
            site: site.clone(),
            day: 20261202,
            path: format!("/page/{}", f.sequence()),
            views: Counter(f.number(1..1000)),
            visitors: Counter(0),
        })
    }
    .sequence(|row, n| row.visitors = Counter(n as i64));
    let seeded = views.clone().times(20).seed(5).create(&db).await.unwrap();
    assert_eq!(seeded.report.rows("PageViews"), 20);
    for row in &seeded.rows {
        let key = (row.site.clone(), row.day, row.path.clone());
        assert_eq!(
            PageViews::find(&db, &key).await.unwrap().as_ref(),
            Some(row)
        );
    }
    // Counters add up: a second run adds the same values again.
    views.times(20).seed(5).create(&db).await.unwrap();
    let row = &seeded.rows[0];
    let again = PageViews::find(&db, &(row.site.clone(), row.day, row.path.clone()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.views, Counter(row.views.0 * 2));
}

/// What `factory` writes, which must succeed.
async fn create<M: Model>(db: &Db, factory: Factory<M>) -> Seeded<M> {
    factory
        .create(db)
        .await
        .expect("the factory writes its rows")
}

#[tokio::test]
async fn for_fills_owner_keys_from_a_factory_or_a_row() {
    let db = db(&TABLES).await;
    let seeded = create(&db, posts().times(3).for_("user", users())).await;
    assert_eq!(seeded.report.rows("User"), 1);
    let owner = seeded.rows[0]
        .user_id
        .expect("the owner's key is filled in");
    assert!(seeded.rows.iter().all(|p| p.user_id == Some(owner)));
    let author = User::find(&db, &owner)
        .await
        .unwrap()
        .expect("the owner was written");
    assert_eq!(author.posts_relation().get(&db).await.unwrap().len(), 3);

    // has_one: each user gets its one profile.
    let seeded = create(&db, users().times(3).has("profile", profiles())).await;
    assert_eq!(seeded.report.rows("Profile"), 3);
    for user in &seeded.rows {
        let profile = user.profile_relation().get(&db).await.unwrap();
        assert_eq!(profile.map(|p| p.user_id), Some(user.id));
    }

    let existing = users().create_one(&db).await.unwrap();
    let seeded = create(&db, posts().times(2).for_row("user", &existing)).await;
    assert_eq!(seeded.report.rows("User"), 0);
    assert!(seeded.rows.iter().all(|p| p.user_id == Some(existing.id)));

    // attach with new related rows per post, both directions agreeing.
    let seeded = create(
        &db,
        posts()
            .times(2)
            .attach("tags", tags().times(3), |_| PostTag::default()),
    )
    .await;
    assert_eq!(seeded.report.rows("Tag"), 6);
    for post in &seeded.rows {
        let joined = post.tags_relation().get(&db).await.unwrap();
        assert_eq!(joined.len(), 3);
        for tag in joined {
            let back = tag.row.posts_relation().get(&db).await.unwrap();
            assert_eq!(back.iter().map(|p| p.row.id).collect::<Vec<_>>(), [post.id]);
        }
    }
}

#[tokio::test]
async fn mistakes_are_reported_before_anything_is_written() {
    let db = db(&TABLES).await;
    let before = db.statements_executed();
    let cases: Vec<(FactoryError, &str)> = vec![
        (
            users()
                .has("posts", posts().state("draft"))
                .create(&db)
                .await
                .unwrap_err(),
            "the factory of Post has no state `draft`; its states are: [untitled]",
        ),
        (
            users().has("postz", posts()).create(&db).await.unwrap_err(),
            "User has no relation `postz`; its relations are: [posts, ghosts, profile]",
        ),
        (
            posts().has("user", users()).create(&db).await.unwrap_err(),
            "Post.user: is a belongs_to relation: use `for_` for belongs_to and morph_to, `attach` for belongs_to_many",
        ),
        (
            users()
                .has("posts", comments())
                .create(&db)
                .await
                .unwrap_err(),
            "User.posts: leads to Post, but the factory given makes Comment",
        ),
        (
            users()
                .has("profile", profiles().times(2))
                .create(&db)
                .await
                .unwrap_err(),
            "User.profile: is a has_one relation, so each row has one: `times(2)` asks for more",
        ),
        (
            users().times(0).create(&db).await.unwrap_err(),
            "User: cannot make 0 rows at once; give a count from 1 to 100000",
        ),
        (
            users()
                .has("posts", posts().times(MAX_COUNT + 1))
                .create(&db)
                .await
                .unwrap_err(),
            "Post: cannot make 100001 rows at once; give a count from 1 to 100000",
        ),
    ];
    for (err, message) in cases {
        assert_eq!(err.to_string(), message);
        assert!(err.written().total() == 0);
    }
    assert_eq!(db.statements_executed(), before, "nothing was sent");
}

#[tokio::test]
async fn a_failed_write_reports_what_was_written() {
    let db = db(&TABLES).await;
    // `Ghost`'s table does not exist: the users are written, then their ghosts fail.
    let ghosts = Factory::new(|f| Ghost {
        user_id: Uuid::nil(),
        n: f.sequence() as i64,
    });
    let err = users()
        .times(4)
        .has("ghosts", ghosts.times(2))
        .create(&db)
        .await
        .unwrap_err();
    let FactoryError::Write { model, written, .. } = &err else {
        panic!("expected a write error, got {err}");
    };
    assert_eq!(*model, "Ghost");
    assert_eq!(
        written.rows("User"),
        4,
        "the users written before the failure are counted"
    );
    assert_eq!(written.rows("Ghost"), 0);
    assert!(
        err.to_string()
            .starts_with("writing Ghost failed after writing User: 4: "),
        "{err}"
    );
}

/// The seeder test's own tables, which it truncates.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "fac_shelves")]
#[has_many(Book, foreign_key = "shelf_id")]
struct Shelf {
    #[orm(partition_key)]
    id: i64,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "fac_books")]
struct Book {
    #[orm(partition_key)]
    shelf_id: i64,
    #[orm(clustering_key)]
    id: i64,
    title: String,
}

struct ShelfSeeder;

impl Seeder for ShelfSeeder {
    async fn run(&self, seeding: &mut Seeding<'_>) -> Result<(), FactoryError> {
        let shelves = Factory::new(|f| Shelf {
            id: f.sequence() as i64,
        });
        seeding.create(&shelves.times(3)).await?;
        Ok(())
    }
}

struct LibrarySeeder;

impl Seeder for LibrarySeeder {
    async fn run(&self, seeding: &mut Seeding<'_>) -> Result<(), FactoryError> {
        seeding.call(&ShelfSeeder).await?;
        let books = Factory::new(|f| Book {
            shelf_id: 0,
            id: f.sequence() as i64,
            title: Sentence(1..4).fake_with_rng(f.rng()),
        });
        let shelves = Factory::new(|f| Shelf {
            id: 100 + f.sequence() as i64,
        });
        // A random seed: another run leaves other titles, but the same keys.
        seeding
            .create(&shelves.times(2).has("books", books.times(5)))
            .await?;
        Ok(())
    }
}

#[tokio::test]
async fn seeders_call_seeders_and_truncate_first() {
    let db = db(&[Shelf::TABLE, Book::TABLE]).await;
    // Rows a seeding run does not write, which truncating removes.
    Shelf { id: 999 }.insert(&db).await.unwrap();
    let tables = [Shelf::TABLE, Book::TABLE];
    let report = Seeding::new(&db)
        .truncate_tables(&tables)
        .run(&LibrarySeeder)
        .await
        .unwrap();
    assert_eq!(report.rows("Shelf"), 5);
    assert_eq!(report.rows("Book"), 10);
    assert_eq!(report.to_string(), "Book: 10, Shelf: 5");
    let shelves = Shelf::query().full_scan().get(&db).await.unwrap();
    assert_eq!(
        shelves.len(),
        5,
        "the row written before the run was truncated"
    );

    // The tables of a schema, this time.
    let schema = Schema::new("unused", Replication::Simple(1))
        .model::<Shelf>()
        .model::<Book>();
    let report = Seeding::new(&db)
        .truncate(&schema)
        .run(&LibrarySeeder)
        .await
        .unwrap();
    assert_eq!(report.total(), 15);
    let shelves = Shelf::query().full_scan().get(&db).await.unwrap();
    assert_eq!(shelves.len(), 5);
    let mut books = 0;
    for shelf in shelves.iter().filter(|s| s.id > 100) {
        books += shelf.books_relation().get(&db).await.unwrap().len();
    }
    assert_eq!(books, 10);
    assert!(Book::query().full_scan().get(&db).await.unwrap().len() == 10);
}
