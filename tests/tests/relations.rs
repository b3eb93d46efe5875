//! Relations against the real server: has_many, has_one and belongs_to with the seed's
//! relationship API, their access paths, and writes through them.

use orm_core::prelude::*;
use orm_core::{AccessPath, QueryError, RelationKind};
use orm_tests::{assert_query_error, collect, db, unique_id};
use uuid::Uuid;

// Clippy's `duplicated_attributes` mistakes two `has_many` with the same `foreign_key`
// for a repeated attribute (rust-lang/rust-clippy#13238); they are two relations.
#[allow(clippy::duplicated_attributes)]
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "rel_users")]
#[has_many(Post, foreign_key = "user_id")]
#[has_one(Profile, foreign_key = "user_id")]
#[has_many(Comment, foreign_key = "author_id", name = "comments")]
#[has_many(Like, foreign_key = "user_id", allow_filtering)]
struct User {
    #[orm(partition_key)]
    id: Uuid,
    name: String,
}

/// Posts live in their author's partition, clustered by status first: reading a user's
/// published posts is one partition and a clustering prefix, so it needs no filtering.
#[derive(Model, Debug, Clone, PartialEq, Default)]
#[orm(table = "rel_posts")]
#[belongs_to(User, foreign_key = "user_id")]
struct Post {
    #[orm(partition_key)]
    user_id: Uuid,
    #[orm(clustering_key)]
    status: String,
    #[orm(clustering_key, order = "desc")]
    id: i64,
    title: String,
}

#[derive(Model, Debug, Clone, PartialEq, Default)]
#[orm(table = "rel_profiles")]
#[belongs_to(User, foreign_key = "user_id")]
struct Profile {
    #[orm(partition_key)]
    user_id: Uuid,
    bio: String,
}

/// Comments live in their post's partition; `author_id` is indexed, so a user's comments
/// are an index read. A comment may have no author.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "rel_comments")]
#[belongs_to(User, foreign_key = "author_id", name = "author")]
struct Comment {
    #[orm(partition_key)]
    post_id: i64,
    #[orm(clustering_key)]
    id: i64,
    #[orm(index)]
    author_id: Option<Uuid>,
    body: String,
}

/// Likes live in the liked post's partition and `user_id` has no index: the relation
/// from a user opts in to a filtered scan.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "rel_likes")]
struct Like {
    #[orm(partition_key)]
    post_id: i64,
    #[orm(clustering_key)]
    user_id: Uuid,
}

/// Countries are keyed by their code, not by an `id`.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "rel_countries")]
struct Country {
    #[orm(partition_key)]
    code: String,
    name: String,
}

/// `belongs_to` without `owner_key` refers to the owner's partition key, `code`.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "rel_cities")]
#[belongs_to(Country, foreign_key = "country_code")]
struct City {
    #[orm(partition_key)]
    country_code: String,
    #[orm(clustering_key)]
    name: String,
}

const TABLES: [&orm_core::TableMeta; 7] = [
    User::TABLE,
    Post::TABLE,
    Profile::TABLE,
    Comment::TABLE,
    Like::TABLE,
    Country::TABLE,
    City::TABLE,
];

/// A user with a fresh id, not written.
fn new_user(name: &str) -> User {
    User {
        id: unique_id(),
        name: name.into(),
    }
}

/// A user with a fresh id, written.
async fn inserted_user(db: &Db, name: &str) -> User {
    let user = new_user(name);
    user.insert(db).await.unwrap();
    user
}

async fn user_with_posts(db: &Db) -> User {
    let user = inserted_user(db, "Ada").await;
    for (id, status) in [
        (1, "published"),
        (2, "draft"),
        (3, "published"),
        (4, "published"),
    ] {
        Post {
            user_id: user.id,
            status: status.into(),
            id,
            title: format!("post {id}"),
        }
        .insert(db)
        .await
        .unwrap();
    }
    user
}

/// The seed's own example, by name and typed, on a schema where it needs no filtering.
#[tokio::test]
async fn the_seed_example_reads_one_partition() {
    let db = db(&TABLES).await;
    let user = user_with_posts(&db).await;

    let by_name = user.posts_relation().where_("status", "=", "published");
    assert_eq!(by_name.access_path(), Ok(AccessPath::SinglePartition));
    assert_eq!(
        by_name.cql().unwrap(),
        r#"SELECT "user_id", "status", "id", "title" FROM "rel_posts" WHERE "user_id" = ? AND "status" = ?"#
    );
    let published = by_name.get(&db).await.unwrap();
    assert_eq!(
        published.iter().map(|p| p.id).collect::<Vec<_>>(),
        [4, 3, 1]
    );

    let two_arguments = user
        .posts_relation()
        .where_eq("status", "published")
        .get(&db)
        .await
        .unwrap();
    assert_eq!(two_arguments, published, "the seed's where(column, value)");

    let typed = user
        .posts_relation()
        .filter(Post::STATUS.eq("published"))
        .get(&db)
        .await
        .unwrap();
    assert_eq!(typed, published);
}

#[tokio::test]
async fn has_many_reads_counts_pages_and_streams() {
    let db = db(&TABLES).await;
    let user = user_with_posts(&db).await;
    let posts = user.posts_relation();

    assert_eq!(posts.get(&db).await.unwrap().len(), 4);
    assert_eq!(posts.count(&db).await.unwrap(), 4);
    assert!(posts.exists(&db).await.unwrap());
    assert_eq!(
        posts.first(&db).await.unwrap().unwrap().status,
        "draft",
        "clustering order: status, then id desc"
    );
    let streamed = collect(posts.stream(&db).await.unwrap()).await;
    assert_eq!(streamed.len(), 4);
    let first_page = posts
        .get_query()
        .page_size(3)
        .page(&db, PagingState::start())
        .await
        .unwrap();
    assert_eq!(first_page.rows.len(), 3);
    let rest = posts
        .get_query()
        .page_size(3)
        .page(&db, first_page.next.unwrap())
        .await
        .unwrap();
    assert_eq!(rest.rows.len(), 1);
    let ordered = posts
        .get_query()
        .filter(Post::STATUS.eq("published"))
        .order_by(Post::ID.asc())
        .limit(2);
    assert_eq!(
        ordered
            .get(&db)
            .await
            .unwrap()
            .iter()
            .map(|p| p.id)
            .collect::<Vec<_>>(),
        [1, 3]
    );

    let nobody = new_user("Nobody");
    assert!(nobody.posts_relation().get(&db).await.unwrap().is_empty());
    assert!(!nobody.posts_relation().exists(&db).await.unwrap());
}

#[tokio::test]
async fn the_seed_methods_describe_the_relation() {
    let user = new_user("Ada");
    let posts = user.posts_relation();
    assert_eq!(posts.get_parent_key(), Some(&user.id));
    assert_eq!(posts.get_foreign_key_name(), "user_id");
    assert_eq!(posts.get_local_key_name(), "id");
    assert_eq!(posts.definition().kind, RelationKind::HasMany);

    let post = Post {
        user_id: user.id,
        ..Post::default()
    };
    let author = post.user_relation();
    assert_eq!(author.get_parent_key(), Some(&user.id));
    assert_eq!(author.get_foreign_key_name(), "user_id");
    assert_eq!(author.get_local_key_name(), "id");
    assert_eq!(
        author.get_query().access_path(),
        Ok(AccessPath::SinglePartition)
    );

    let related = posts.related();
    assert_eq!(related.user_id, user.id, "related() sets the foreign key");
}

#[tokio::test]
async fn has_one_and_belongs_to() {
    let db = db(&TABLES).await;
    let user = user_with_posts(&db).await;
    assert_eq!(user.profile_relation().get(&db).await.unwrap(), None);

    let mut profile = user.profile_relation().related();
    profile.bio = "Wrote the first program".into();
    user.profile_relation()
        .save(&db, &mut profile)
        .await
        .unwrap();
    assert_eq!(
        user.profile_relation().get(&db).await.unwrap(),
        Some(profile.clone())
    );
    assert_eq!(
        profile.user_relation().get(&db).await.unwrap(),
        Some(user.clone())
    );

    let post = user.posts_relation().first(&db).await.unwrap().unwrap();
    assert_eq!(post.user_relation().get(&db).await.unwrap(), Some(user));
}

#[tokio::test]
async fn create_sets_the_foreign_key() {
    let db = db(&TABLES).await;
    let user = inserted_user(&db, "Grace").await;
    let created = user
        .posts_relation()
        .create(
            &db,
            Post {
                user_id: unique_id(),
                status: "draft".into(),
                id: 9,
                title: "Compilers".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        created.user_id, user.id,
        "the parent's key replaced the one given"
    );
    assert_eq!(user.posts_relation().get(&db).await.unwrap(), [created]);
}

#[tokio::test]
async fn an_indexed_foreign_key_is_an_index_read() {
    let db = db(&TABLES).await;
    let user = inserted_user(&db, "Barbara").await;
    for id in 1..=3 {
        let mut comment = Comment {
            post_id: 100 + id,
            id,
            author_id: None,
            body: format!("comment {id}"),
        };
        comment.associate_author(&user);
        comment.insert(&db).await.unwrap();
    }
    let comments = user.comments_relation();
    assert_eq!(
        comments.get_query().access_path(),
        Ok(AccessPath::Index("author_id"))
    );
    assert!(
        !comments
            .get_query()
            .cql()
            .unwrap()
            .contains("ALLOW FILTERING")
    );
    let mut read = comments.get(&db).await.unwrap();
    read.sort_by_key(|c| c.id);
    assert_eq!(read.iter().map(|c| c.id).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(
        read[0].author_relation().get(&db).await.unwrap(),
        Some(user)
    );
}

#[tokio::test]
async fn filtering_only_when_the_relation_opts_in() {
    let db = db(&TABLES).await;
    let user = new_user("Liker");
    for post_id in [1, 2] {
        Like {
            post_id: 5_000 + post_id,
            user_id: user.id,
        }
        .insert(&db)
        .await
        .unwrap();
    }
    let likes = user.likes_relation();
    assert_eq!(likes.get_query().access_path(), Ok(AccessPath::Filtering));
    assert!(
        likes
            .get_query()
            .cql()
            .unwrap()
            .ends_with(" ALLOW FILTERING")
    );
    assert_eq!(likes.get(&db).await.unwrap().len(), 2);

    for cql in [
        user.posts_relation().get_query().cql().unwrap(),
        user.profile_relation().get_query().cql().unwrap(),
        user.comments_relation().get_query().cql().unwrap(),
    ] {
        assert!(!cql.contains("ALLOW FILTERING"), "{cql}");
    }
}

/// A row without a foreign key has no owner: reading the relation is an error, and no
/// unconstrained query is sent.
#[tokio::test]
async fn a_null_parent_key_is_an_error_not_a_scan() {
    let db = db(&TABLES).await;
    let mut comment = Comment {
        post_id: 1,
        id: 1,
        author_id: None,
        body: "anonymous".into(),
    };
    let author = comment.author_relation();
    assert_eq!(author.get_parent_key(), None);
    let before = db.statements_executed();
    let err = author.get(&db).await.unwrap_err();
    assert_query_error!(
        err,
        QueryError::MissingParentKey { .. },
        "Comment::author: the key `author_id` is null, so the relation has no rows to read (a query without it would scan the whole table)"
    );
    assert_eq!(db.statements_executed(), before, "nothing was sent");

    let user = new_user("Dissociated");
    comment.associate_author(&user);
    assert_eq!(comment.author_id, Some(user.id));
}

/// `dissociate_*` writes the cleared foreign key: read back, the row has no owner, and
/// the owner's `has_many` through the indexed foreign key no longer finds it.
#[tokio::test]
async fn dissociating_clears_the_stored_foreign_key() {
    let db = db(&TABLES).await;
    let user = inserted_user(&db, "Former author").await;
    let mut kept = Comment {
        post_id: 9_001,
        id: 1,
        author_id: None,
        body: "kept".into(),
    };
    let mut orphaned = Comment {
        id: 2,
        body: "orphaned".into(),
        ..kept.clone()
    };
    for comment in [&mut kept, &mut orphaned] {
        comment.associate_author(&user);
        comment.insert(&db).await.unwrap();
    }
    assert_eq!(user.comments_relation().get(&db).await.unwrap().len(), 2);

    orphaned.dissociate_author(&db).await.unwrap();
    assert_eq!(orphaned.author_id, None);

    let stored = Comment::find(&db, &(9_001, 2)).await.unwrap().unwrap();
    assert_eq!(stored.author_id, None, "the null was written");
    assert_eq!(stored.body, "orphaned", "the other columns are untouched");
    let authored = user.comments_relation().get(&db).await.unwrap();
    assert_eq!(
        authored,
        [kept],
        "the index no longer finds the dissociated row"
    );
}

/// Without `owner_key`, `belongs_to` reads the owner by its one-column partition key,
/// whatever that column is called.
#[tokio::test]
async fn belongs_to_defaults_to_the_owners_partition_key() {
    let db = db(&TABLES).await;
    let code = unique_id().to_string();
    let country = Country {
        code: code.clone(),
        name: "Freedonia".into(),
    };
    country.insert(&db).await.unwrap();
    let city = City {
        country_code: code,
        name: "Capital".into(),
    };
    let relation = city.country_relation();
    assert_eq!(relation.get_local_key_name(), "code");
    assert_eq!(
        relation.get_query().access_path(),
        Ok(AccessPath::SinglePartition)
    );
    assert_eq!(relation.get(&db).await.unwrap(), Some(country));
}
