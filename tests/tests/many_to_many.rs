//! `belongs_to_many` against the real server: both pivot directions stay equal through
//! attach, detach, sync and toggle; pivot columns read back; reads are one pivot
//! partition plus concurrent primary-key reads.

use std::collections::BTreeSet;

use orm_core::prelude::*;
use orm_core::{Pivot, RelationKind, WithPivot};
use orm_tests::{collect, db, unique_id};
use uuid::Uuid;

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "m2m_posts")]
#[belongs_to_many(Tag, pivot = PostTag)]
struct Post {
    #[orm(partition_key)]
    id: Uuid,
    title: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "m2m_tags")]
#[belongs_to_many(Post, pivot = PostTag, inverse)]
struct Tag {
    #[orm(partition_key)]
    id: Uuid,
    name: String,
}

/// One row per (post, tag), stored in `m2m_post_tags` (by post) and `m2m_tag_posts` (by
/// tag), with who added the tag.
#[derive(Pivot, Debug, Clone, PartialEq, Default)]
#[pivot(left = Post, right = Tag, table = "m2m_post_tags", inverse_table = "m2m_tag_posts")]
struct PostTag {
    #[pivot(left)]
    post_id: Uuid,
    #[pivot(right)]
    tag_id: Uuid,
    added_by: Option<String>,
}

/// Users following users: both sides of the pivot are the same model.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "m2m_people")]
#[belongs_to_many(Person, pivot = Follow, name = "following")]
#[belongs_to_many(Person, pivot = Follow, inverse, name = "followers")]
struct Person {
    #[orm(partition_key)]
    id: Uuid,
    name: String,
}

#[derive(Pivot, Debug, Clone, PartialEq, Default)]
#[pivot(left = Person, right = Person, table = "m2m_following", inverse_table = "m2m_followers")]
struct Follow {
    #[pivot(left)]
    follower: Uuid,
    #[pivot(right)]
    followed: Uuid,
}

const TABLES: [&orm_core::TableMeta; 7] = [
    Post::TABLE,
    Tag::TABLE,
    PostTag::FORWARD,
    PostTag::INVERSE,
    Person::TABLE,
    Follow::FORWARD,
    Follow::INVERSE,
];

async fn tags(db: &Db, names: &[&str]) -> Vec<Tag> {
    let mut tags = Vec::new();
    for name in names {
        let tag = Tag {
            id: unique_id(),
            name: (*name).to_owned(),
        };
        tag.insert(db).await.unwrap();
        tags.push(tag);
    }
    tags
}

async fn post(db: &Db) -> Post {
    let post = Post {
        id: unique_id(),
        title: "Pivots".into(),
    };
    post.insert(db).await.unwrap();
    post
}

/// A post tagged with `tags`, by one `sync`.
async fn post_with_tags(db: &Db, tags: &[Tag]) -> Post {
    let post = post(db).await;
    post.tags_relation()
        .sync(db, tags.iter().map(|t| t.id))
        .await
        .unwrap();
    post
}

/// A post and tags named `names`, attached to it one `attach` each.
async fn post_with_attached(db: &Db, names: &[&str]) -> (Post, Vec<Tag>) {
    let post = post(db).await;
    let tags = tags(db, names).await;
    for tag in &tags {
        post.tags_relation().attach(db, tag).await.unwrap();
    }
    (post, tags)
}

/// Fifty tags, `tag-00` to `tag-49`.
async fn fifty_tags(db: &Db) -> Vec<Tag> {
    let names: Vec<String> = (0..50).map(|i| format!("tag-{i:02}")).collect();
    tags(db, &names.iter().map(String::as_str).collect::<Vec<_>>()).await
}

/// The ids of the post's tags, in the order of its pivot rows.
async fn tag_ids_in_pivot_order(db: &Db, post: &Post) -> Vec<Uuid> {
    let pivots = post.tags_relation().pivots(db).await.unwrap();
    pivots.iter().map(|pivot| pivot.tag_id).collect()
}

/// The post's tags read from the post's side, and the same pairs read from each tag's side.
async fn both_directions(
    db: &Db,
    post: &Post,
    all_tags: &[Tag],
) -> (BTreeSet<Uuid>, BTreeSet<Uuid>) {
    let forward = BTreeSet::from_iter(tag_ids_in_pivot_order(db, post).await);
    let mut inverse = BTreeSet::new();
    for tag in all_tags {
        let posts: Vec<PostTag> = tag.posts_relation().pivots(db).await.unwrap();
        if posts.iter().any(|p| p.post_id == post.id) {
            inverse.insert(tag.id);
        }
    }
    (forward, inverse)
}

fn ids(tags: &[&Tag]) -> BTreeSet<Uuid> {
    tags.iter().map(|t| t.id).collect()
}

#[tokio::test]
async fn attach_and_detach_keep_both_directions_equal() {
    let db = db(&TABLES).await;
    let (post, all) = post_with_attached(&db, &["rust", "cql", "orm"]).await;
    let (forward, inverse) = both_directions(&db, &post, &all).await;
    assert_eq!(forward, ids(&[&all[0], &all[1], &all[2]]));
    assert_eq!(forward, inverse);

    post.tags_relation().detach(&db, &all[1]).await.unwrap();
    let (forward, inverse) = both_directions(&db, &post, &all).await;
    assert_eq!(forward, ids(&[&all[0], &all[2]]));
    assert_eq!(forward, inverse);

    let tags = post.tags_relation().get(&db).await.unwrap();
    let mut names: Vec<String> = tags.into_iter().map(|t| t.row.name).collect();
    names.sort();
    assert_eq!(names, ["orm", "rust"]);
    let posts = all[0].posts_relation().get(&db).await.unwrap();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].row, post);
}

#[tokio::test]
async fn sync_and_toggle_keep_both_directions_equal() {
    let db = db(&TABLES).await;
    let post = post(&db).await;
    let all = tags(&db, &["a", "b", "c", "d"]).await;
    let relation = post.tags_relation();

    let changes = relation.sync(&db, [all[0].id, all[1].id]).await.unwrap();
    assert_eq!(changes.attached, [all[0].id, all[1].id]);
    assert!(changes.detached.is_empty());

    let changes = relation
        .sync(&db, [all[1].id, all[2].id, all[2].id])
        .await
        .unwrap();
    assert_eq!(changes.attached, [all[2].id]);
    assert_eq!(changes.detached, [all[0].id]);
    let (forward, inverse) = both_directions(&db, &post, &all).await;
    assert_eq!(forward, ids(&[&all[1], &all[2]]));
    assert_eq!(forward, inverse);

    let changes = relation.toggle(&db, [all[2].id, all[3].id]).await.unwrap();
    assert_eq!(changes.attached, [all[3].id]);
    assert_eq!(changes.detached, [all[2].id]);
    let (forward, inverse) = both_directions(&db, &post, &all).await;
    assert_eq!(forward, ids(&[&all[1], &all[3]]));
    assert_eq!(forward, inverse);

    let changes = relation.sync(&db, []).await.unwrap();
    assert_eq!(changes.detached.len(), 2);
    let (forward, inverse) = both_directions(&db, &post, &all).await;
    assert!(forward.is_empty() && inverse.is_empty());
}

#[tokio::test]
async fn first_count_and_toggle_read_only_what_they_need() {
    let db = db(&TABLES).await;
    let all = fifty_tags(&db).await;
    let post = post_with_tags(&db, &all).await;
    let relation = post.tags_relation();
    let in_pivot_order = tag_ids_in_pivot_order(&db, &post).await;

    let before = db.statements_executed();
    let first = relation.first(&db).await.unwrap().unwrap();
    assert_eq!(first.id, in_pivot_order[0]);
    assert_eq!(
        db.statements_executed() - before,
        2,
        "one pivot row, one tag: not the whole pivot partition"
    );

    let before = db.statements_executed();
    assert_eq!(relation.count(&db).await.unwrap(), 50);
    assert_eq!(
        db.statements_executed() - before,
        1,
        "the server counts the pivot partition"
    );

    // A pivot row whose tag is gone: `first` goes on to the next page.
    Tag::delete_by_key(&db, &in_pivot_order[0]).await.unwrap();
    let first = relation.first(&db).await.unwrap().unwrap();
    assert_eq!(
        first.id, in_pivot_order[1],
        "the dangling pivot row is skipped"
    );

    let fresh = tags(&db, &["fresh"]).await;
    let before = db.statements_executed();
    let changes = relation
        .toggle(&db, [in_pivot_order[5], fresh[0].id])
        .await
        .unwrap();
    assert_eq!(changes.detached, [in_pivot_order[5]]);
    assert_eq!(changes.attached, [fresh[0].id]);
    assert_eq!(
        db.statements_executed() - before,
        1 + 1 + 1,
        "one lookup of the two keys, one batch attaching, one batch detaching"
    );
    let everyone: Vec<Tag> = all.iter().chain(&fresh).cloned().collect();
    let (forward, inverse) = both_directions(&db, &post, &everyone).await;
    assert_eq!(forward, inverse);
    assert!(!forward.contains(&in_pivot_order[5]));
    assert!(forward.contains(&fresh[0].id));
}

#[tokio::test]
async fn pivot_columns_read_back_with_each_row() {
    let db = db(&TABLES).await;
    let post = post(&db).await;
    let all = tags(&db, &["first", "second"]).await;
    post.tags_relation()
        .attach_with(
            &db,
            PostTag {
                tag_id: all[0].id,
                added_by: Some("ada".into()),
                ..PostTag::default()
            },
        )
        .await
        .unwrap();
    post.tags_relation().attach(&db, &all[1]).await.unwrap();

    let mut read = post.tags_relation().get(&db).await.unwrap();
    read.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(read[0].name, "first", "a related row derefs to the model");
    assert_eq!(read[0].pivot.added_by.as_deref(), Some("ada"));
    assert_eq!(read[0].pivot.post_id, post.id);
    assert_eq!(read[1].pivot.added_by, None);
    // The same pivot row, read from the tag's side.
    let from_tag = all[0].posts_relation().get(&db).await.unwrap();
    assert_eq!(from_tag[0].pivot.added_by.as_deref(), Some("ada"));
}

/// Fifty tags: one pivot read, then fifty primary-key reads sent concurrently.
#[tokio::test]
async fn fifty_tags_cost_one_pivot_read_plus_concurrent_key_reads() {
    let db = db(&TABLES).await;
    let post = post_with_tags(&db, &fifty_tags(&db).await).await;

    let before = db.statements_executed();
    db.reset_peak_concurrency();
    let read = post.tags_relation().get(&db).await.unwrap();
    assert_eq!(read.len(), 50);
    assert_eq!(
        db.statements_executed() - before,
        1 + 50,
        "one pivot read and one read per tag"
    );
    assert!(
        db.peak_concurrency() > 1,
        "the tag reads overlapped (peak {})",
        db.peak_concurrency()
    );

    db.reset_peak_concurrency();
    post.tags_relation().concurrency(1).get(&db).await.unwrap();
    assert_eq!(
        db.peak_concurrency(),
        1,
        "concurrency(1) reads one tag at a time"
    );
}

#[tokio::test]
async fn conditions_and_the_seed_methods_on_the_related_side() {
    let db = db(&TABLES).await;
    let (post, _) = post_with_attached(&db, &["rust", "go", "rust"]).await;
    let relation = post.tags_relation();
    assert_eq!(
        relation
            .clone()
            .where_("name", "=", "rust")
            .get(&db)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(relation.definition().kind, RelationKind::BelongsToMany);
    let typed = post
        .tags_relation()
        .filter(Tag::NAME.eq("go"))
        .first(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(typed.name, "go");
    assert_eq!(post.tags_relation().count(&db).await.unwrap(), 3);
    assert_eq!(relation.get_parent_key(), Some(&post.id));
    assert_eq!(relation.get_foreign_key_name(), "post_id");
    assert_eq!(relation.get_related_key_name(), "tag_id");
    assert_eq!(relation.get_local_key_name(), "id");
    assert_eq!(
        relation.pivot_cql(),
        r#"SELECT "post_id", "tag_id", "added_by" FROM "m2m_post_tags" WHERE "post_id" = ?"#
    );
    let err = post
        .tags_relation()
        .where_("nmae", "=", "x")
        .get(&db)
        .await
        .unwrap_err();
    assert!(
        err.to_string().starts_with("Tag has no column `nmae`"),
        "{err}"
    );
}

#[tokio::test]
async fn a_model_can_join_itself() {
    let db = db(&TABLES).await;
    let people: Vec<Person> = ["Ada", "Grace", "Alan"]
        .into_iter()
        .map(|name| Person {
            id: unique_id(),
            name: name.into(),
        })
        .collect();
    for person in &people {
        person.insert(&db).await.unwrap();
    }
    let (ada, grace, alan) = (&people[0], &people[1], &people[2]);
    ada.following_relation().attach(&db, grace).await.unwrap();
    ada.following_relation().attach(&db, alan).await.unwrap();
    alan.following_relation().attach(&db, grace).await.unwrap();

    let names = |rows: Vec<orm_core::WithPivot<Person, Follow>>| {
        let mut names: Vec<String> = rows.into_iter().map(|r| r.row.name).collect();
        names.sort();
        names
    };
    assert_eq!(
        names(ada.following_relation().get(&db).await.unwrap()),
        ["Alan", "Grace"]
    );
    assert_eq!(
        names(grace.followers_relation().get(&db).await.unwrap()),
        ["Ada", "Alan"]
    );
    assert!(
        grace
            .following_relation()
            .get(&db)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(Follow::FORWARD.name, "m2m_following");
}

/// Many-to-many relations take part in eager loading: one pivot read per distinct post,
/// then each distinct tag once for all posts.
#[tokio::test]
async fn tags_load_eagerly_for_many_posts() {
    let db = db(&TABLES).await;
    let all = tags(&db, &["x", "y", "z"]).await;
    let mut posts = Vec::new();
    for count in 0..3 {
        posts.push(post_with_tags(&db, &all[..count]).await);
    }
    let before = db.statements_executed();
    let loaded = Post::query()
        .filter(Post::ID.in_(posts.iter().map(|p| p.id)))
        .with(Post::tags_relation)
        .get(&db)
        .await
        .unwrap();
    let mut sizes: Vec<usize> = loaded
        .iter()
        .map(|p| p.related(Post::tags_relation).unwrap().len())
        .collect();
    sizes.sort();
    assert_eq!(sizes, [0, 1, 2]);
    // Post 1 has tag x, post 2 has x and y: two distinct tags, each read once.
    assert_eq!(
        db.statements_executed() - before,
        1 + 3 + 2,
        "the posts, 3 pivot reads, each distinct tag once"
    );

    // Nested below the many-to-many: the posts of each distinct tag, loaded once per tag
    // and shared by every post that has it.
    let before = db.statements_executed();
    let nested = Post::query()
        .filter(Post::ID.in_(posts.iter().map(|p| p.id)))
        .with("tags.posts")
        .get(&db)
        .await
        .unwrap();
    assert_eq!(
        db.statements_executed() - before,
        1 + 3 + 2 + 2 + 2,
        "the posts, their pivots, 2 tags, the 2 tags' pivots, 2 distinct posts"
    );
    let two_tags = nested
        .iter()
        .find(|p| p.id == posts[2].id)
        .expect("post 2 was read");
    let mut per_tag: Vec<(String, usize)> = two_tags
        .related(Post::tags_relation)
        .unwrap()
        .iter()
        .map(|tag| {
            let tagged = tag.row.related(Tag::posts_relation).unwrap();
            (tag.name.clone(), tagged.len())
        })
        .collect();
    per_tag.sort();
    assert_eq!(per_tag, [("x".to_owned(), 2), ("y".to_owned(), 1)]);
}

/// `belongs_to_many` has the other relations' query surface: `get_query`, `where_` and
/// `filter` return a query that limits, counts, pages, streams and loads the related
/// rows' own relations, reading only the pivot rows it needs.
#[tokio::test]
async fn the_relation_reads_through_a_query_like_the_other_relations() {
    let db = db(&TABLES).await;
    let all = tags(&db, &["a", "b", "c", "d", "e"]).await;
    let post = post_with_tags(&db, &all).await;
    let in_order = tag_ids_in_pivot_order(&db, &post).await;
    let ids_of = |rows: &[WithPivot<Tag, PostTag>]| rows.iter().map(|r| r.id).collect::<Vec<_>>();

    // A limit reads one pivot page of that many rows, then those rows.
    let before = db.statements_executed();
    let two = post
        .tags_relation()
        .get_query()
        .limit(2)
        .get(&db)
        .await
        .unwrap();
    assert_eq!(ids_of(&two), in_order[..2]);
    assert_eq!(db.statements_executed() - before, 1 + 2);

    // `where_` returns a query: it can still be counted and asked for existence.
    let named_c = post.tags_relation().where_("name", "=", "c");
    assert_eq!(named_c.clone().count(&db).await.unwrap(), 1);
    assert!(named_c.exists(&db).await.unwrap());
    let missing = post.tags_relation().where_eq("name", "zz");
    assert!(!missing.exists(&db).await.unwrap());
    assert!(post.tags_relation().exists(&db).await.unwrap());

    // Pages of two pivot rows, resumable from the paging state.
    let first = post
        .tags_relation()
        .get_query()
        .page_size(2)
        .page(&db, PagingState::start())
        .await
        .unwrap();
    assert_eq!(ids_of(&first.rows), in_order[..2]);
    let second = post
        .tags_relation()
        .get_query()
        .page_size(2)
        .page(&db, first.next.expect("three more pivot rows"))
        .await
        .unwrap();
    assert_eq!(ids_of(&second.rows), in_order[2..4]);

    // A stream yields every row in pivot order; a limit ends it early.
    let streamed = collect(post.tags_relation().stream(&db).await.unwrap()).await;
    assert_eq!(ids_of(&streamed), in_order);
    let limited_query = post.tags_relation().get_query().limit(3);
    let limited = collect(limited_query.stream(&db).await.unwrap()).await;
    assert_eq!(ids_of(&limited), in_order[..3]);

    // `with` loads each related tag's own relation (its posts: this one).
    let loaded = post
        .tags_relation()
        .get_query()
        .limit(2)
        .with(Tag::posts_relation)
        .get(&db)
        .await
        .unwrap();
    assert_eq!(loaded.len(), 2);
    for tag in &loaded {
        let posts = tag.related(Tag::posts_relation).unwrap();
        assert_eq!(posts.len(), 1);
        assert_eq!(posts[0].id, post.id);
    }

    // An eager constraint's limit counts per parent.
    let other = post_with_tags(&db, &all[..3]).await;
    let parents = Post::query()
        .filter(Post::ID.in_([post.id, other.id]))
        .with(eager(Post::tags_relation).constrain(|q| q.limit(1)))
        .get(&db)
        .await
        .unwrap();
    assert_eq!(parents.len(), 2);
    for parent in &parents {
        assert_eq!(parent.related(Post::tags_relation).unwrap().len(), 1);
    }
}
