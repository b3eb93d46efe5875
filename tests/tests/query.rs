//! `Model::query()` against the real server: conditions, ordering, limits, access paths,
//! projections, counting, paging and streaming.

use std::collections::HashSet;

use futures::{StreamExt, TryStreamExt, stream};
use orm_core::prelude::*;
use orm_core::scylla::statement::Consistency;
use orm_core::scylla::value::{CqlTimestamp, CqlVarint};
use orm_core::{AccessPath, Error, QueryError, Tuple};
use orm_tests::{assert_contains, assert_query_error, db, unique_id};
use uuid::Uuid;

/// Posts of one author live in the author's partition, newest first. `status` and `tags`
/// are indexed; `views` is neither a key nor indexed.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "articles")]
struct Article {
    #[orm(partition_key)]
    author: Uuid,
    #[orm(clustering_key, order = "desc")]
    id: i64,
    #[orm(index)]
    status: String,
    title: String,
    #[orm(index)]
    tags: HashSet<String>,
    views: i64,
    #[orm(static)]
    author_name: Option<String>,
}

#[derive(Projection, Debug, PartialEq)]
#[orm(model = Article)]
struct Headline {
    id: i64,
    title: String,
}

fn article(author: Uuid, id: i64) -> Article {
    Article {
        author,
        id,
        status: if id % 2 == 0 { "published" } else { "draft" }.to_owned(),
        title: format!("article {id}"),
        tags: [format!("t{}", id % 3)].into(),
        views: id * 10,
        author_name: Some("Ada".to_owned()),
    }
}

async fn insert_all(db: &Db, rows: impl IntoIterator<Item = Article>) {
    stream::iter(rows)
        .map(|row| async move { row.insert(db).await })
        .buffer_unordered(64)
        .try_collect::<Vec<()>>()
        .await
        .unwrap();
}

async fn author_with(db: &Db, count: i64) -> Uuid {
    let author = unique_id();
    insert_all(db, (1..=count).map(|id| article(author, id))).await;
    author
}

#[tokio::test]
async fn typed_conditions_order_and_limit() {
    let db = db(&[Article::TABLE]).await;
    let author = author_with(&db, 10).await;

    let newest_first = Article::query()
        .filter(Article::AUTHOR.eq(author))
        .filter(Article::ID.gt(3))
        .filter(Article::ID.le(8))
        .get(&db)
        .await
        .unwrap();
    let ids: Vec<i64> = newest_first.iter().map(|a| a.id).collect();
    assert_eq!(ids, [8, 7, 6, 5, 4], "the table's clustering order is DESC");

    let oldest_two = Article::query()
        .filter(Article::AUTHOR.eq(author))
        .order_by(Article::ID.asc())
        .limit(2)
        .get(&db)
        .await
        .unwrap();
    assert_eq!(oldest_two, [article(author, 1), article(author, 2)]);
}

#[tokio::test]
async fn conditions_by_name_match_their_typed_twins() {
    let db = db(&[Article::TABLE]).await;
    let author = author_with(&db, 6).await;

    let by_name = Article::query()
        .where_("author", "=", author)
        .where_("id", "in", vec![2_i64, 3, 5])
        .order_by_("id", "ASC")
        .get(&db)
        .await
        .unwrap();
    let typed = Article::query()
        .filter(Article::AUTHOR.eq(author))
        .filter(Article::ID.in_([2, 3, 5]))
        .order_by(Article::ID.asc())
        .get(&db)
        .await
        .unwrap();
    assert_eq!(by_name, typed);
    assert_eq!(by_name.iter().map(|a| a.id).collect::<Vec<_>>(), [2, 3, 5]);

    let range_by_name = Article::query()
        .where_("author", "=", author)
        .where_("id", ">=", 4_i64)
        .get(&db)
        .await
        .unwrap();
    let range_typed = Article::query()
        .filter(Article::AUTHOR.eq(author))
        .filter(Article::ID.ge(4))
        .get(&db)
        .await
        .unwrap();
    assert_eq!(range_by_name, range_typed);
    assert_eq!(
        range_by_name.iter().map(|a| a.id).collect::<Vec<_>>(),
        [6, 5, 4]
    );
}

/// Every mistake is an error value naming the valid choices, and nothing reaches the
/// server.
#[tokio::test]
async fn mistakes_are_errors_before_anything_is_sent() {
    let db = db(&[Article::TABLE]).await;
    let author = unique_id();
    let sent_before = db.statements_executed();
    let message = |query: orm_core::Select<Article>| query.cql().unwrap_err().to_string();
    let base = || Article::query().filter(Article::AUTHOR.eq(author));

    assert_eq!(
        message(base().where_("titel", "=", "x")),
        "Article has no column `titel`; its columns are: author, id, status, title, tags, views, author_name"
    );
    assert_eq!(
        message(base().where_("title", "LIKE", "x")),
        "\"LIKE\" is not a CQL operator; use one of: =, !=, <, <=, >, >=, IN, CONTAINS, CONTAINS KEY"
    );
    assert_eq!(
        message(base().where_("title", "contains", "x")),
        "`CONTAINS` cannot be used on Article.title (text): CONTAINS applies to list, set and map columns"
    );
    assert_eq!(
        message(base().where_("views", ">", 10.5_f64)),
        "Article.views `>` needs a value of CQL type bigint, but got double"
    );
    assert_eq!(
        message(base().filter(Article::VIEWS.ne(1))),
        "`!=` cannot be used on Article.views (bigint): `!=` is only allowed in a conditional write's IF clause"
    );
    assert_eq!(
        message(base().order_by_("title", "asc")),
        "cannot order Article by `title`: ORDER BY takes clustering columns (id)"
    );
    assert_eq!(message(base().limit(0)), "LIMIT must be positive, not 0");

    assert_eq!(
        message(Article::query().filter(Article::AUTHOR.in_((0..101).map(|_| unique_id())))),
        "Article.author IN has 101 values; ScyllaDB refuses more than 100 by default: split the list, or read per key (eager loading does)"
    );
    assert_eq!(
        message(base().where_("id", "in", (0..101_i64).collect::<Vec<_>>())),
        "Article.id IN has 101 values; ScyllaDB refuses more than 100 by default: split the list, or read per key (eager loading does)"
    );
    assert!(
        Article::query()
            .filter(Article::AUTHOR.in_((0..100).map(|_| unique_id())))
            .cql()
            .is_ok()
    );

    let err = base()
        .where_("nope", "=", 1_i64)
        .get(&db)
        .await
        .unwrap_err();
    assert_query_error!(err, QueryError::UnknownColumn { .. });
    assert_eq!(db.statements_executed(), sent_before, "nothing was sent");
}

/// Without the full partition key, an index or a token range the server would scan:
/// refused unless the caller opts in.
#[tokio::test]
async fn scans_need_an_explicit_opt_in() {
    let db = db(&[Article::TABLE]).await;
    let author = author_with(&db, 4).await;

    let filtered = Article::query().filter(Article::VIEWS.eq(30));
    assert!(matches!(
        filtered.access_path(),
        Err(QueryError::NeedsFiltering { .. })
    ));
    let err = filtered.get(&db).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "Article: `views` is not part of the primary key and has no index, so the server would have to scan and filter rows; declare `#[orm(index)]` on `views`, or call `allow_filtering()` to accept the scan"
    );

    // Inside one partition, filtering a non-key column still needs the opt-in.
    let in_partition = Article::query()
        .filter(Article::AUTHOR.eq(author))
        .filter(Article::VIEWS.eq(30))
        .allow_filtering();
    assert_eq!(in_partition.access_path(), Ok(AccessPath::Filtering));
    assert!(in_partition.cql().unwrap().ends_with(" ALLOW FILTERING"));
    let found = in_partition.get(&db).await.unwrap();
    assert_eq!(found, [article(author, 3)]);

    let everything = Article::query();
    assert!(matches!(
        everything.access_path(),
        Err(QueryError::FullScan { .. })
    ));
}

#[tokio::test]
async fn a_partition_read_carries_no_allow_filtering() {
    let query = Article::query()
        .filter(Article::AUTHOR.eq(unique_id()))
        .filter(Article::ID.lt(5));
    assert_eq!(query.access_path(), Ok(AccessPath::SinglePartition));
    assert!(!query.cql().unwrap().contains("ALLOW FILTERING"));
}

#[tokio::test]
async fn indexed_columns_are_read_through_their_index() {
    let db = db(&[Article::TABLE]).await;
    let author = author_with(&db, 3).await;
    let marker = format!("status-{author}");
    let mut special = article(author, 100);
    special.status = marker.clone();
    special.tags = ["rare".to_owned(), marker.clone()].into();
    special.insert(&db).await.unwrap();

    let by_status = Article::query().filter(Article::STATUS.eq(marker.clone()));
    assert_eq!(by_status.access_path(), Ok(AccessPath::Index("status")));
    assert!(!by_status.cql().unwrap().contains("ALLOW FILTERING"));
    assert_eq!(by_status.get(&db).await.unwrap(), [special.clone()]);

    let by_tag = Article::query().filter(Article::TAGS.contains(marker));
    assert_eq!(by_tag.access_path(), Ok(AccessPath::Index("tags")));
    assert_eq!(by_tag.get(&db).await.unwrap(), [special]);
}

#[tokio::test]
async fn in_on_the_partition_key_and_per_partition_limit() {
    let db = db(&[Article::TABLE]).await;
    let first = author_with(&db, 5).await;
    let second = author_with(&db, 5).await;
    let query = Article::query()
        .filter(Article::AUTHOR.in_([first, second]))
        .per_partition_limit(2);
    assert_eq!(query.access_path(), Ok(AccessPath::Partitions));
    let rows = query.get(&db).await.unwrap();
    let mut got: Vec<(Uuid, i64)> = rows.iter().map(|a| (a.author, a.id)).collect();
    got.sort();
    let mut expected = vec![(first, 5), (first, 4), (second, 5), (second, 4)];
    expected.sort();
    assert_eq!(got, expected);
}

#[tokio::test]
async fn count_exists_and_first() {
    let db = db(&[Article::TABLE]).await;
    let author = author_with(&db, 7).await;
    let of_author = || Article::query().filter(Article::AUTHOR.eq(author));

    assert_eq!(of_author().count(&db).await.unwrap(), 7);
    assert_eq!(
        of_author()
            .filter(Article::ID.gt(4))
            .count(&db)
            .await
            .unwrap(),
        3
    );
    assert!(of_author().exists(&db).await.unwrap());
    assert!(
        !of_author()
            .filter(Article::ID.gt(100))
            .exists(&db)
            .await
            .unwrap()
    );
    assert_eq!(
        of_author().first(&db).await.unwrap(),
        Some(article(author, 7))
    );
    assert_eq!(
        of_author()
            .order_by(Article::ID.asc())
            .first(&db)
            .await
            .unwrap(),
        Some(article(author, 1))
    );
    let nobody = Article::query().filter(Article::AUTHOR.eq(unique_id()));
    assert_eq!(nobody.first(&db).await.unwrap(), None);
}

#[tokio::test]
async fn projections_read_only_their_columns() {
    let db = db(&[Article::TABLE]).await;
    let author = author_with(&db, 3).await;
    let query = Article::query()
        .filter(Article::AUTHOR.eq(author))
        .select::<Headline>();
    assert!(
        query
            .cql()
            .unwrap()
            .starts_with(r#"SELECT "id", "title" FROM "articles""#)
    );
    let headlines = query.get(&db).await.unwrap();
    assert_eq!(
        headlines,
        [3, 2, 1].map(|id| Headline {
            id,
            title: format!("article {id}")
        })
    );
}

#[tokio::test]
async fn static_columns_are_shared_by_the_partition() {
    let db = db(&[Article::TABLE]).await;
    let author = author_with(&db, 3).await;
    let mut renamed = article(author, 4);
    renamed.author_name = Some("Ada Lovelace".into());
    renamed.insert(&db).await.unwrap();
    let rows = Article::query()
        .filter(Article::AUTHOR.eq(author))
        .get(&db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 4);
    assert!(
        rows.iter()
            .all(|a| a.author_name.as_deref() == Some("Ada Lovelace"))
    );
}

/// More rows than one page: pages of 5 from 12 rows, resumed from saved bytes.
#[tokio::test]
async fn paging_resumes_from_a_saved_state() {
    let db = db(&[Article::TABLE]).await;
    let author = author_with(&db, 12).await;
    let query = || {
        Article::query()
            .filter(Article::AUTHOR.eq(author))
            .page_size(5)
    };

    let first = query().page(&db, PagingState::start()).await.unwrap();
    assert_eq!(
        first.rows.iter().map(|a| a.id).collect::<Vec<_>>(),
        [12, 11, 10, 9, 8]
    );
    let saved: Vec<u8> = first.next.unwrap().as_bytes_slice().unwrap().to_vec();

    // As if in another request: rebuild the state from its bytes.
    let resumed = PagingState::new_from_raw_bytes(saved);
    let second = query().page(&db, resumed).await.unwrap();
    assert_eq!(
        second.rows.iter().map(|a| a.id).collect::<Vec<_>>(),
        [7, 6, 5, 4, 3]
    );
    let third = query().page(&db, second.next.unwrap()).await.unwrap();
    assert_eq!(third.rows.iter().map(|a| a.id).collect::<Vec<_>>(), [2, 1]);
    assert!(third.next.is_none(), "the last page has no next state");
}

/// `get` reads every page: 250 rows with pages of 100 take 3 requests.
#[tokio::test]
async fn get_reads_every_page() {
    let db = db(&[Article::TABLE]).await;
    let author = author_with(&db, 250).await;
    let before = db.statements_executed();
    let all = Article::query()
        .filter(Article::AUTHOR.eq(author))
        .page_size(100)
        .get(&db)
        .await
        .unwrap();
    assert_eq!(all.len(), 250);
    assert_eq!(db.statements_executed() - before, 3);
}

#[tokio::test]
async fn a_stream_over_ten_thousand_rows() {
    let db = db(&[Article::TABLE]).await;
    let author = author_with(&db, 10_000).await;
    let mut rows = Article::query()
        .filter(Article::AUTHOR.eq(author))
        .select::<Headline>()
        .stream(&db)
        .await
        .unwrap();
    let mut count = 0_i64;
    let mut previous = i64::MAX;
    while let Some(row) = rows.next().await {
        let row = row.unwrap();
        assert!(row.id < previous, "rows arrive in clustering order");
        previous = row.id;
        count += 1;
    }
    assert_eq!(count, 10_000);
}

/// A table of its own, so a token-range scan sees only this test's rows.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "token_scan_items")]
struct TokenItem {
    #[orm(partition_key)]
    id: i64,
    label: String,
}

#[tokio::test]
async fn token_ranges_and_full_scans() {
    let db = db(&[TokenItem::TABLE]).await;
    for id in 0..20 {
        TokenItem {
            id,
            label: format!("item {id}"),
        }
        .insert(&db)
        .await
        .unwrap();
    }
    // Two halves of the ring together return every row exactly once.
    let token = Token::<TokenItem>::new;
    let low = TokenItem::query().filter(token().le(0));
    assert_eq!(low.access_path(), Ok(AccessPath::TokenRange));
    assert!(low.cql().unwrap().contains(r#"WHERE token("id") <= ?"#));
    let high = TokenItem::query().filter(token().gt(0));
    let mut ids: Vec<i64> = low
        .get(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.id)
        .collect();
    ids.extend(high.get(&db).await.unwrap().into_iter().map(|i| i.id));
    ids.sort();
    assert_eq!(ids, (0..20).collect::<Vec<_>>());

    let all = TokenItem::query().full_scan();
    assert_eq!(all.access_path(), Ok(AccessPath::FullScan));
    assert_eq!(all.count(&db).await.unwrap(), 20);
}

/// Statement options reach the server: a consistency level a one-node cluster cannot
/// meet fails, the session's default succeeds.
#[tokio::test]
async fn statement_options_are_applied() {
    let db = db(&[Article::TABLE]).await;
    let author = author_with(&db, 1).await;
    let query = || Article::query().filter(Article::AUTHOR.eq(author));

    let err = query()
        .consistency(Consistency::Three)
        .get(&db)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Execute { .. }), "{err}");
    let chain = orm_tests::error_chain(&err);
    assert!(chain.to_lowercase().contains("three"), "{chain}");

    let rows = query()
        .consistency(Consistency::One)
        .timeout(std::time::Duration::from_secs(5))
        .tracing(true)
        .idempotent(true)
        .get(&db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
}

/// Two clustering columns, to check the prefix rule.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "shelf_items")]
struct ShelfItem {
    #[orm(partition_key)]
    shop: Uuid,
    #[orm(clustering_key)]
    aisle: i32,
    #[orm(clustering_key)]
    slot: i32,
    label: String,
}

/// The items of one shop.
fn shelf(shop: Uuid) -> orm_core::Select<ShelfItem> {
    ShelfItem::query().filter(ShelfItem::SHOP.eq(shop))
}

/// Why the query is refused before it is sent.
fn reason<M: Model>(query: orm_core::Select<M>) -> String {
    query.cql().unwrap_err().to_string()
}

/// Shapes the server would refuse without `ALLOW FILTERING` (or at all) are caught
/// before sending, with the reason.
#[tokio::test]
async fn shapes_the_server_refuses_are_caught_first() {
    let db = db(&[Article::TABLE, ShelfItem::TABLE]).await;

    let two_indexes = Article::query()
        .filter(Article::STATUS.eq("draft"))
        .filter(Article::TAGS.contains("t1"));
    assert_eq!(
        reason(two_indexes),
        "Article: `status` and `tags` each need an index; the server reads one index and filters by the other, so the server would have to scan and filter rows; keep one of these conditions and check the other on the rows read, or call `allow_filtering()` to accept the scan"
    );
    let two_tags = Article::query()
        .filter(Article::AUTHOR.eq(unique_id()))
        .filter(Article::TAGS.contains("t1"))
        .filter(Article::TAGS.contains("t2"));
    assert!(
        reason(two_tags).starts_with(
            "Article: `tags` has two conditions its index answers; the server reads the index for one and filters by the other"
        )
    );
    let token_and_more = Article::query()
        .filter(Token::<Article>::new().gt(0))
        .filter(Article::ID.eq(1));
    assert_eq!(
        reason(token_and_more),
        "Article: clustering column `id` is restricted but the partition key (author) is not, so the server would have to scan and filter rows; restrict the partition key (author) with `=` or `IN` as well, or call `allow_filtering()` to accept the scan"
    );
    let index_and_range = Article::query()
        .filter(Article::STATUS.eq("draft"))
        .filter(Article::ID.gt(3));
    assert_contains(
        &reason(index_and_range),
        "clustering column `id` is restricted but the partition key (author) is not",
    );
    // An index and a token range together are an index read the server accepts.
    let index_and_token = Article::query()
        .filter(Article::STATUS.eq("draft"))
        .filter(Token::<Article>::new().gt(0));
    assert_eq!(
        index_and_token.access_path(),
        Ok(AccessPath::Index("status"))
    );
    index_and_token.get(&db).await.unwrap();

    let shop = unique_id();
    let gap = shelf(shop).filter(ShelfItem::SLOT.eq(2));
    assert_contains(
        &reason(gap),
        "clustering column `slot` is restricted but `aisle` before it is not",
    );
    let after_range = shelf(shop)
        .filter(ShelfItem::AISLE.gt(1))
        .filter(ShelfItem::SLOT.eq(2));
    assert_contains(
        &reason(after_range),
        "`slot` is restricted after a range on `aisle`",
    );
    // A prefix with a range on its last column is a plain partition read.
    let prefix = shelf(shop)
        .filter(ShelfItem::AISLE.eq(1))
        .filter(ShelfItem::SLOT.ge(2));
    assert_eq!(prefix.access_path(), Ok(AccessPath::SinglePartition));
    prefix.get(&db).await.unwrap();

    let ordered_in = ShelfItem::query()
        .filter(ShelfItem::SHOP.in_([shop, unique_id()]))
        .order_by(ShelfItem::AISLE.desc());
    assert_eq!(
        reason(ordered_in),
        "ShelfItem: ORDER BY with IN on the partition key cannot be paged; drop `order_by` and sort the rows, or read each partition on its own"
    );

    let err = shelf(shop).page_size(0).get(&db).await.unwrap_err();
    assert_eq!(err.to_string(), "page size must be positive, not 0");
}

/// A user's videos, newest first: the start-point paging shape of a video-sharing
/// application (`WHERE userid = ? AND (added_date, videoid) <= (?, ?)`).
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "user_videos")]
struct UserVideo {
    #[orm(partition_key)]
    userid: Uuid,
    #[orm(clustering_key, order = "desc")]
    added_date: CqlTimestamp,
    #[orm(clustering_key)]
    videoid: i32,
    name: String,
}

/// Ten videos, two per date.
async fn videos_of(db: &Db, userid: Uuid) -> Vec<UserVideo> {
    let videos: Vec<UserVideo> = (0..10)
        .map(|i| UserVideo {
            userid,
            added_date: CqlTimestamp(1_700_000_000_000 + i64::from(i / 2) * 1_000),
            videoid: i,
            name: format!("video {i}"),
        })
        .collect();
    for video in &videos {
        video.insert(db).await.unwrap();
    }
    videos
}

/// The rows of `videos` at or before the start point, in the table's clustering order.
fn at_or_before(videos: &[UserVideo], start: (CqlTimestamp, i32)) -> Vec<UserVideo> {
    let mut rows: Vec<UserVideo> = videos
        .iter()
        .filter(|v| (v.added_date.0, v.videoid) <= (start.0.0, start.1))
        .cloned()
        .collect();
    rows.sort_by_key(|v| (std::cmp::Reverse(v.added_date.0), v.videoid));
    rows
}

#[tokio::test]
async fn tuple_conditions_read_from_a_start_point() {
    let db = db(&[UserVideo::TABLE]).await;
    let userid = unique_id();
    let videos = videos_of(&db, userid).await;
    let start = (videos[5].added_date, 4);

    let typed = UserVideo::query()
        .filter(UserVideo::USERID.eq(userid))
        .filter(Tuple::of((UserVideo::ADDED_DATE, UserVideo::VIDEOID)).le(start));
    assert_eq!(typed.access_path(), Ok(AccessPath::SinglePartition));
    assert!(
        typed
            .cql()
            .unwrap()
            .ends_with(r#"WHERE "userid" = ? AND ("added_date", "videoid") <= ?"#)
    );
    let expected = at_or_before(&videos, start);
    assert_eq!(
        expected.iter().map(|v| v.videoid).collect::<Vec<_>>(),
        [4, 2, 3, 0, 1]
    );
    assert_eq!(typed.get(&db).await.unwrap(), expected);

    let by_name = UserVideo::query()
        .where_("userid", "=", userid)
        .where_tuple(&["added_date", "videoid"], "<=", start)
        .get(&db)
        .await
        .unwrap();
    assert_eq!(by_name, expected);
    // Integer items widen losslessly, as single values by name do.
    let widened = UserVideo::query()
        .where_("userid", "=", userid)
        .where_tuple(&["added_date", "videoid"], "<=", (start.0, 4_i16))
        .get(&db)
        .await
        .unwrap();
    assert_eq!(widened, expected);
    let widened_in = UserVideo::query()
        .where_("userid", "=", userid)
        .where_tuple(
            &["added_date", "videoid"],
            "IN",
            vec![(videos[1].added_date, 1_i8), (videos[6].added_date, 6)],
        )
        .get(&db)
        .await
        .unwrap();
    assert_eq!(widened_in, [videos[6].clone(), videos[1].clone()]);

    let picked = UserVideo::query()
        .filter(UserVideo::USERID.eq(userid))
        .filter(
            Tuple::of((UserVideo::ADDED_DATE, UserVideo::VIDEOID))
                .in_([(videos[1].added_date, 1), (videos[6].added_date, 6)]),
        )
        .get(&db)
        .await
        .unwrap();
    assert_eq!(picked, [videos[6].clone(), videos[1].clone()]);

    let err = UserVideo::query()
        .where_("userid", "=", userid)
        .where_tuple(&["added_date", "videoid"], "<=", (1_i64, 4_i32))
        .cql()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "UserVideo: the tuple condition (added_date, videoid) `<=` needs a value of CQL type tuple<timestamp, int>, but got tuple<bigint, int>"
    );
    let narrowing = UserVideo::query()
        .where_("userid", "=", userid)
        .where_tuple(&["added_date", "videoid"], "<=", (start.0, 4_i64))
        .cql()
        .unwrap_err();
    assert_eq!(
        narrowing.to_string(),
        "UserVideo: the tuple condition (added_date, videoid) `<=` needs a value of CQL type tuple<timestamp, int>, but got tuple<timestamp, bigint>"
    );
    let too_many = UserVideo::query()
        .filter(UserVideo::USERID.eq(userid))
        .filter(
            Tuple::of((UserVideo::ADDED_DATE, UserVideo::VIDEOID))
                .in_((0..101).map(|i| (CqlTimestamp(0), i))),
        );
    assert_eq!(
        too_many.cql().unwrap_err().to_string(),
        "UserVideo.added_date IN has 101 values; ScyllaDB refuses more than 100 by default: split the list, or read per key (eager loading does)"
    );
}

/// Two separate ranges are not a start point: the refusal says so and names the tuple
/// condition (the old hint asked to restrict the partition key, which was restricted).
#[tokio::test]
async fn two_separate_ranges_point_to_a_tuple_condition() {
    let query = UserVideo::query()
        .filter(UserVideo::USERID.eq(unique_id()))
        .filter(UserVideo::ADDED_DATE.le(CqlTimestamp(1_700_000_002_000)))
        .filter(UserVideo::VIDEOID.le(4));
    assert_eq!(
        query.cql().unwrap_err().to_string(),
        "UserVideo: clustering column `videoid` is restricted after a range on `added_date`, so the server would have to scan and filter rows; to read from a start point, compare the columns together with one tuple condition such as `(added_date, videoid) > (...)` (`Tuple::of` or `where_tuple`), or restrict `added_date` with `=` or `IN`; `allow_filtering()` would filter each column on its own, which selects other rows"
    );
}

/// A `varint` clustering column, for integer widening.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "big_counts")]
struct BigCount {
    #[orm(partition_key)]
    id: Uuid,
    #[orm(clustering_key)]
    n: CqlVarint,
}

/// By name, an integer value that fits the column's wider integer type is converted to
/// it (`tinyint` < `smallint` < `int` < `bigint` < `varint`), alone and in `IN` lists;
/// narrowing and other types are still refused.
#[tokio::test]
async fn integer_values_by_name_widen_losslessly() {
    let db = db(&[Article::TABLE, ShelfItem::TABLE, BigCount::TABLE]).await;
    let author = author_with(&db, 6).await;
    let ids = |rows: Vec<Article>| rows.into_iter().map(|a| a.id).collect::<Vec<_>>();
    let of_author = || Article::query().where_("author", "=", author);

    let above_two = of_author().where_("id", ">", 2_i32).get(&db).await.unwrap();
    assert_eq!(ids(above_two), [6, 5, 4, 3]);
    let listed = of_author()
        .where_("id", "in", vec![2_i16, 5])
        .get(&db)
        .await
        .unwrap();
    assert_eq!(ids(listed), [5, 2]);
    let tiny = of_author().where_("id", "=", 3_i8).get(&db).await.unwrap();
    assert_eq!(ids(tiny), [3]);

    let id = unique_id();
    for n in [1_u8, 5, 9] {
        BigCount {
            id,
            n: CqlVarint::from_signed_bytes_be(vec![n]),
        }
        .insert(&db)
        .await
        .unwrap();
    }
    let big = BigCount::query()
        .where_("id", "=", id)
        .where_("n", ">=", 5_i64)
        .get(&db)
        .await
        .unwrap();
    assert_eq!(big.len(), 2);

    let refused = |query: orm_core::Select<ShelfItem>| query.cql().unwrap_err().to_string();
    let shop = unique_id();
    assert_eq!(
        refused(
            ShelfItem::query()
                .where_("shop", "=", shop)
                .where_("aisle", "=", 1_i64)
        ),
        "ShelfItem.aisle `=` needs a value of CQL type int, but got bigint"
    );
    assert_eq!(
        refused(
            ShelfItem::query()
                .where_("shop", "=", shop)
                .where_("aisle", "in", vec![1_i64])
        ),
        "ShelfItem.aisle `IN` needs a value of CQL type list<int>, but got list<bigint>"
    );
    assert_eq!(
        refused(
            ShelfItem::query()
                .where_("shop", "=", shop)
                .where_("aisle", "=", 1.0_f32)
        ),
        "ShelfItem.aisle `=` needs a value of CQL type int, but got float"
    );
}

/// Names a program takes from its users reach error messages (and so logs) at most 64
/// characters long and escaped: a 10 KB column name with a newline and a terminal escape
/// does not come back verbatim, whether it names a column, an operator or a direction.
#[test]
fn user_supplied_names_in_errors_are_shortened_and_escaped() {
    let hostile = format!("x\n\u{1b}[31m{}", "y".repeat(10_000));
    let errors = [
        Article::query()
            .where_(&hostile, "=", 1_i64)
            .cql()
            .unwrap_err(),
        Article::query()
            .where_("id", &hostile, 1_i64)
            .cql()
            .unwrap_err(),
        Article::query()
            .order_by_(&hostile, "asc")
            .cql()
            .unwrap_err(),
        Article::query()
            .order_by_("id", &hostile)
            .cql()
            .unwrap_err(),
    ];
    for err in errors {
        let message = err.to_string();
        assert!(message.len() < 300, "{message}");
        assert!(
            !message.contains('\n') && !message.contains('\u{1b}'),
            "{message}"
        );
        assert!(message.contains("x\\n\\u{1b}[31myyy"), "{message}");
    }
}
