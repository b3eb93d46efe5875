//! Factories through polymorphic and custom relationships against the real server:
//! `has` fills a `morph_many` / `morph_one` child's key and type tag, `for_` a
//! `morph_to`'s; `has_custom` / `for_custom` fill the columns a custom relationship
//! declares; each read back through the relation accessors and eager loading; mistakes
//! found before anything is written.

use orm_core::factory::fake::Fake;
use orm_core::factory::fake::faker::lorem::en::Sentence;
use orm_core::factory::{Factory, FactoryError};
use orm_core::prelude::*;
use orm_core::relation::{Custom, CustomRelationship, Many};
use orm_core::{Select, TableMeta};
use orm_tests::db;
use uuid::Uuid;

mod morph_models;
use morph_models::{
    Comment, CommentCommentable, Image, ImageImageable, Post, TABLES as MORPH_TABLES, Video,
};

fn posts() -> Factory<Post> {
    Factory::new(|f| Post {
        id: f.uuid(),
        title: Sentence(2..5).fake_with_rng(f.rng()),
    })
}

fn videos() -> Factory<Video> {
    Factory::new(|f| Video {
        id: f.uuid(),
        url: format!("https://example.com/v/{}", f.sequence()),
    })
}

/// Comments pointing nowhere: the relation fills the owner's type and key.
fn comments() -> Factory<Comment> {
    Factory::new(|f| Comment {
        commentable_type: String::new(),
        commentable_id: Uuid::nil(),
        id: f.sequence() as i64,
        body: Sentence(3..8).fake_with_rng(f.rng()),
    })
}

fn images() -> Factory<Image> {
    Factory::new(|f| Image {
        imageable_type: String::new(),
        imageable_id: Uuid::nil(),
        url: format!("https://example.com/i/{}", f.sequence()),
    })
}

#[tokio::test]
async fn morph_many_and_morph_one_fill_the_childrens_key_and_type() {
    let db = db(&MORPH_TABLES).await;
    let seeded = posts()
        .times(4)
        .has("comments", comments().times(3))
        .has("image", images())
        .create(&db)
        .await
        .unwrap();
    let on_videos = videos()
        .times(2)
        .has("comments", comments().times(2))
        .create(&db)
        .await
        .unwrap();
    assert_eq!(seeded.report.to_string(), "Comment: 12, Image: 4, Post: 4");
    assert_eq!(on_videos.report.to_string(), "Comment: 4, Video: 2");

    for post in &seeded.rows {
        let comments = post.comments_relation().get(&db).await.unwrap();
        assert_eq!(
            comments.len(),
            3,
            "each post has the 3 comments made for it"
        );
        for comment in &comments {
            assert_eq!(comment.commentable_type, "Post");
            assert_eq!(comment.commentable_id, post.id);
            // And back, through the child's morph_to.
            assert_eq!(
                comment.commentable_relation().get(&db).await.unwrap(),
                Some(CommentCommentable::Post(post.clone()))
            );
        }
        let image = post.image_relation().get(&db).await.unwrap().unwrap();
        assert_eq!(
            (image.imageable_type.as_str(), image.imageable_id),
            ("Post", post.id)
        );
    }
    for video in &on_videos.rows {
        let comments = video.comments_relation().get(&db).await.unwrap();
        assert_eq!(comments.len(), 2);
        assert!(comments.iter().all(|c| c.commentable_type == "Video"));
    }

    // Eager loading sees the same graph.
    let ids: Vec<Uuid> = seeded.rows.iter().map(|p| p.id).collect();
    let seeded_posts = Post::query()
        .filter(Post::ID.in_(ids))
        .with(Post::comments_relation)
        .with(Post::image_relation);
    let loaded = seeded_posts.get(&db).await.unwrap();
    assert_eq!(loaded.len(), 4);
    for post in &loaded {
        let comments = post.related(Post::comments_relation).unwrap();
        assert_eq!(comments.len(), 3);
        assert!(comments.iter().all(|c| c.commentable_id == post.id));
        let image = post
            .related(Post::image_relation)
            .unwrap()
            .as_ref()
            .unwrap();
        assert_eq!(image.imageable_id, post.id);
    }
}

#[tokio::test]
async fn morph_to_makes_the_owner_or_takes_an_existing_one() {
    let db = db(&MORPH_TABLES).await;
    // An owner made for the purpose: one video for all three comments.
    let seeded = comments()
        .times(3)
        .for_("commentable", videos())
        .create(&db)
        .await
        .unwrap();
    assert_eq!(seeded.report.to_string(), "Comment: 3, Video: 1");
    let video_id = seeded.rows[0].commentable_id;
    let video = Video::find(&db, &video_id).await.unwrap().unwrap();
    assert!(
        seeded
            .rows
            .iter()
            .all(|c| c.commentable_type == "Video" && c.commentable_id == video.id)
    );
    let loaded = orm_core::eager::load(&db, seeded.rows, Comment::commentable_relation)
        .await
        .unwrap();
    for comment in &loaded {
        assert!(matches!(
            comment.related(Comment::commentable_relation).unwrap(),
            Some(CommentCommentable::Video(v)) if *v == video
        ));
    }
    assert_eq!(video.comments_relation().get(&db).await.unwrap().len(), 3);

    // An existing owner: nothing is written for it.
    let post = posts().create_one(&db).await.unwrap();
    let seeded = comments()
        .times(2)
        .for_row("commentable", &post)
        .create(&db)
        .await
        .unwrap();
    assert_eq!(seeded.report.to_string(), "Comment: 2");
    for comment in &seeded.rows {
        assert_eq!(
            comment.commentable_relation().get(&db).await.unwrap(),
            Some(CommentCommentable::Post(post.clone()))
        );
    }
    assert_eq!(post.comments_relation().get(&db).await.unwrap().len(), 2);

    // A morph_one's child through its morph_to.
    let image = images()
        .for_("imageable", posts())
        .create_one(&db)
        .await
        .unwrap();
    let Some(ImageImageable::Post(owner)) = image.imageable_relation().get(&db).await.unwrap()
    else {
        panic!("the image has its post");
    };
    assert_eq!(owner.image_relation().get(&db).await.unwrap(), Some(image));
}

/// `factory` fails with `message` before writing anything: no row of the `expected`
/// rows (the ones the factory would have written first) exists.
async fn fails_before_writing<M: Model + std::fmt::Debug>(
    db: &Db,
    factory: Factory<M>,
    expected: Vec<M>,
    message: &str,
) {
    let err = factory.create(db).await.unwrap_err();
    assert_eq!(err.to_string(), message);
    assert_eq!(err.written().total(), 0, "{message}");
    for row in expected {
        assert!(
            M::find(db, &row.primary_key()).await.unwrap().is_none(),
            "nothing was written for: {message}"
        );
    }
}

#[tokio::test]
async fn wrong_polymorphic_relations_are_errors_before_anything_is_written() {
    let db = db(&MORPH_TABLES).await;
    let seeded_posts = || posts().times(2).seed(41);
    let expected = seeded_posts().make().unwrap();

    fails_before_writing(
        &db,
        seeded_posts().has("remarks", comments()),
        expected.clone(),
        "Post has no relation `remarks`; its relations are: [comments, image]",
    )
    .await;
    fails_before_writing(
        &db,
        seeded_posts().for_("comments", comments()),
        expected.clone(),
        "Post.comments: is a morph_many relation: use `has` for has_one/has_many/morph_one/morph_many, `attach` for belongs_to_many",
    )
    .await;
    fails_before_writing(
        &db,
        seeded_posts().has("image", images().times(2)),
        expected.clone(),
        "Post.image: is a morph_one relation, so each row has one: `times(2)` asks for more",
    )
    .await;
    fails_before_writing(
        &db,
        seeded_posts().has("comments", images()),
        expected,
        "Post.comments: leads to Comment, but the factory given makes Image",
    )
    .await;

    let seeded_comments = || comments().times(2).seed(42);
    let expected = seeded_comments()
        .with(|c| c.commentable_type = "Post".into())
        .make()
        .unwrap();
    fails_before_writing(
        &db,
        seeded_comments().has("commentable", posts()),
        expected,
        "Comment.commentable: is a morph_to relation: use `for_` for belongs_to and morph_to, `attach` for belongs_to_many",
    )
    .await;
    // Video is not one of the image's owner types.
    let image_err = images().for_("imageable", videos()).create(&db).await;
    assert_eq!(
        image_err.unwrap_err().to_string(),
        "Image.imageable: leads to Post, but the factory given makes Video"
    );
}

// Custom relationships: a derived one each way, and one by hand over a two-column key.

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "fm_authors")]
#[relationship(
    Note,
    name = "notes",
    local_key = "id",
    foreign_key = "author_id",
    constraints = notes_of
)]
struct Author {
    #[orm(partition_key)]
    id: Uuid,
    /// The day the author's events are filed under.
    day: i32,
    name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "fm_notes")]
#[relationship(
    Author,
    name = "author",
    local_key = "author_id",
    foreign_key = "id",
    constraints = author_by_id,
    results = "one"
)]
struct Note {
    #[orm(partition_key)]
    author_id: Uuid,
    #[orm(clustering_key)]
    n: i64,
    text: String,
}

/// One partition per author and day.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "fm_events")]
struct Event {
    #[orm(partition_key)]
    author_id: Uuid,
    #[orm(partition_key)]
    day: i32,
    #[orm(clustering_key)]
    seq: i64,
}

fn notes_of(query: Select<Note>, author_id: &Uuid) -> Select<Note> {
    query.filter(Note::AUTHOR_ID.eq(*author_id))
}

fn author_by_id(query: Select<Author>, id: &Uuid) -> Select<Author> {
    query.filter(Author::ID.eq(*id))
}

/// An author's events on the author's day: a two-column key.
struct DayEvents;

impl CustomRelationship for DayEvents {
    type Parent = Author;
    type Related = Event;
    type Key = (Uuid, i32);
    type Results = Many;
    const NAME: &'static str = "day_events";
    const FOREIGN_KEY: &'static [&'static str] = &["author_id", "day"];
    const LOCAL_KEY: &'static [&'static str] = &["id", "day"];

    fn parent_key(&self, author: &Author) -> Option<(Uuid, i32)> {
        Some((author.id, author.day))
    }

    fn add_constraints(&self, query: Select<Event>, key: &(Uuid, i32)) -> Select<Event> {
        query
            .filter(Event::AUTHOR_ID.eq(key.0))
            .filter(Event::DAY.eq(key.1))
    }
}

/// A relationship that does not say which columns hold its key.
struct Undeclared;

impl CustomRelationship for Undeclared {
    type Parent = Author;
    type Related = Event;
    type Key = Uuid;
    type Results = Many;
    const NAME: &'static str = "undeclared";
    const FOREIGN_KEY: &'static [&'static str] = &[];
    const LOCAL_KEY: &'static [&'static str] = &["id"];

    fn parent_key(&self, author: &Author) -> Option<Uuid> {
        Some(author.id)
    }

    fn add_constraints(&self, query: Select<Event>, id: &Uuid) -> Select<Event> {
        query.filter(Event::AUTHOR_ID.eq(*id)).allow_filtering()
    }
}

const CUSTOM_TABLES: [&TableMeta; 3] = [Author::TABLE, Note::TABLE, Event::TABLE];

fn authors() -> Factory<Author> {
    Factory::new(|f| Author {
        id: f.uuid(),
        day: f.number(1..365) as i32,
        name: format!("author {}", f.sequence()),
    })
}

fn notes() -> Factory<Note> {
    Factory::new(|f| Note {
        author_id: Uuid::nil(),
        n: f.sequence() as i64,
        text: Sentence(2..6).fake_with_rng(f.rng()),
    })
}

fn events() -> Factory<Event> {
    Factory::new(|f| Event {
        author_id: Uuid::nil(),
        day: 0,
        seq: f.sequence() as i64,
    })
}

#[tokio::test]
async fn custom_relationships_fill_the_key_columns_they_declare() {
    let db = db(&CUSTOM_TABLES).await;
    let seeded = authors()
        .times(3)
        .has_custom(AuthorNotesRelationship, notes().times(2))
        .has_custom(DayEvents, events().times(4))
        .create(&db)
        .await
        .unwrap();
    assert_eq!(seeded.report.to_string(), "Author: 3, Event: 12, Note: 6");
    for author in &seeded.rows {
        let notes = author.notes_relation().get(&db).await.unwrap();
        assert_eq!(notes.len(), 2);
        let events = Custom::new(DayEvents, author).get(&db).await.unwrap();
        assert_eq!(events.len(), 4, "both key columns were filled");
        assert!(events.iter().all(|e| e.day == author.day));
    }
    // Eager loading through the derived relationship sees the same rows.
    let ids: Vec<Uuid> = seeded.rows.iter().map(|a| a.id).collect();
    let seeded_authors = Author::query()
        .filter(Author::ID.in_(ids))
        .with(Author::notes_relation);
    let loaded = seeded_authors.get(&db).await.unwrap();
    assert!(
        loaded
            .iter()
            .all(|a| a.related(Author::notes_relation).unwrap().len() == 2)
    );

    // The other way: each note's author is made first and read back.
    let seeded = notes()
        .times(2)
        .for_custom(NoteAuthorRelationship, authors())
        .create(&db)
        .await
        .unwrap();
    assert_eq!(seeded.report.to_string(), "Author: 1, Note: 2");
    let author = seeded.rows[0].author_relation().get(&db).await.unwrap();
    assert_eq!(author.id, seeded.rows[1].author_id);
}

#[tokio::test]
async fn custom_relationships_without_usable_keys_are_typed_errors() {
    let db = db(&CUSTOM_TABLES).await;
    let seeded_authors = || authors().times(2).seed(43);
    let expected = seeded_authors().make().unwrap();

    // By name, a custom relationship's definition names only the first key column.
    let err = seeded_authors()
        .has("notes", notes())
        .create(&db)
        .await
        .unwrap_err();
    assert!(matches!(
        &err,
        FactoryError::Relation {
            model: "Author",
            relation: "notes",
            ..
        }
    ));
    assert!(
        err.to_string().starts_with(
            "Author.notes: is a custom relationship: a factory cannot tell from its name which columns hold the key"
        ),
        "{err}"
    );
    assert!(
        err.to_string().contains("use `has_custom` or `for_custom`"),
        "{err}"
    );

    fails_before_writing(
        &db,
        seeded_authors().has_custom(Undeclared, events()),
        expected,
        "Author.undeclared: a factory fills a custom relationship from its declared keys, column by column, but this one declares LOCAL_KEY = [id] and FOREIGN_KEY = []: declare the same number of columns (at least one) on both sides",
    )
    .await;
    let err = notes()
        .for_custom(NoteAuthorRelationship, authors())
        .has_custom(NoteAuthorRelationship, authors().times(2))
        .make()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Note.author: has at most one row per parent: `times(2)` asks for more"
    );
}
