//! The access-path rule against the real server: for every key role (partition key of one
//! column, part of a composite partition key, first and second clustering column, static,
//! regular, list/set and map), indexed or not, and each operator that applies, alone and
//! next to other restrictions (the partition key by `=` or `IN`, an earlier clustering
//! column, a token range), the server accepts a query
//! without `ALLOW FILTERING` exactly when the ORM does, and with it exactly when the ORM
//! does. The compile-time relation check evaluates the same rule.

use std::collections::{HashMap, HashSet};

use orm_core::prelude::*;
use orm_core::{AccessPath, Error, QueryError, Select, TableMeta};
use orm_tests::{db, unique_id};

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "ap_plain")]
struct Plain {
    #[orm(partition_key)]
    pk: i32,
    #[orm(clustering_key)]
    c1: i32,
    #[orm(clustering_key)]
    c2: i32,
    #[orm(static)]
    s: Option<i32>,
    r: i32,
    tags: HashSet<i32>,
    scores: HashMap<i32, i32>,
}

/// `Plain` with an index on every column that can have one.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "ap_indexed")]
struct Indexed {
    #[orm(partition_key)]
    pk: i32,
    #[orm(clustering_key, index)]
    c1: i32,
    #[orm(clustering_key, index)]
    c2: i32,
    #[orm(static, index)]
    s: Option<i32>,
    #[orm(index)]
    r: i32,
    #[orm(index)]
    tags: HashSet<i32>,
    #[orm(index)]
    scores: HashMap<i32, i32>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "ap_composite")]
struct Composite {
    #[orm(partition_key)]
    p1: i32,
    #[orm(partition_key)]
    p2: i32,
    #[orm(clustering_key)]
    c: i32,
    r: i32,
}

/// `Composite` with an index on one column of its partition key.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "ap_composite_indexed")]
struct CompositeIndexed {
    #[orm(partition_key, index)]
    p1: i32,
    #[orm(partition_key)]
    p2: i32,
    #[orm(clustering_key)]
    c: i32,
    r: i32,
}

/// One condition, by name, with a literal for the server and a value for the ORM. The
/// subject is a column or a tuple of two columns, `(c1,c2)`.
#[derive(Clone, Copy, Debug)]
struct Cond {
    subject: &'static str,
    operator: &'static str,
}

impl Cond {
    const fn new(subject: &'static str, operator: &'static str) -> Self {
        Cond { subject, operator }
    }

    fn tuple(&self) -> Option<Vec<&'static str>> {
        let inner = self.subject.strip_prefix('(')?.strip_suffix(')')?;
        Some(inner.split(',').collect())
    }

    fn cql(&self, table: &TableMeta) -> String {
        if self.subject == "token" {
            let key: Vec<String> = table
                .partition_key()
                .map(|c| format!("\"{}\"", c.name))
                .collect();
            return format!("token({}) {} 1", key.join(", "), self.operator);
        }
        match self.tuple() {
            Some(columns) => {
                let literal = if self.operator == "IN" {
                    "((1, 2), (2, 3))"
                } else {
                    "(1, 2)"
                };
                let columns: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
                format!("({}) {} {literal}", columns.join(", "), self.operator)
            }
            None => {
                let literal = if self.operator == "IN" { "(1, 2)" } else { "1" };
                format!("\"{}\" {} {literal}", self.subject, self.operator)
            }
        }
    }

    fn add<M: Model>(&self, query: Select<M>) -> Select<M> {
        if self.subject == "token" {
            let token = Token::<M>::new();
            return query.filter(match self.operator {
                ">" => token.gt(1),
                ">=" => token.ge(1),
                "<" => token.lt(1),
                _ => token.le(1),
            });
        }
        match (self.tuple(), self.operator) {
            (Some(columns), "IN") => {
                query.where_tuple(&columns, "IN", vec![(1_i32, 2_i32), (2, 3)])
            }
            (Some(columns), operator) => query.where_tuple(&columns, operator, (1_i32, 2_i32)),
            (None, "IN") => query.where_(self.subject, "IN", vec![1_i32, 2]),
            (None, operator) => query.where_(self.subject, operator, 1_i32),
        }
    }
}

/// What is decided about one query: accepted as is, accepted only with
/// `ALLOW FILTERING`, or refused either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Accepted,
    NeedsFiltering,
    Refused,
}

fn orm_outcome<M: Model>(conditions: &[Cond]) -> Outcome {
    let query = || conditions.iter().fold(M::query(), |q, c| c.add(q));
    match (
        query().access_path(),
        query().allow_filtering().access_path(),
    ) {
        (Ok(_), _) => Outcome::Accepted,
        (Err(QueryError::NeedsFiltering { .. }), Ok(_)) => Outcome::NeedsFiltering,
        (Err(_), Err(_)) => Outcome::Refused,
        (Err(plain), Ok(_)) => panic!("{conditions:?}: refused without opt-in by {plain}"),
    }
}

async fn server_outcome<M: Model>(db: &Db, conditions: &[Cond]) -> Outcome {
    let clause: Vec<String> = conditions.iter().map(|c| c.cql(M::TABLE)).collect();
    let cql = format!(
        "SELECT * FROM \"{}\" WHERE {}",
        M::TABLE.name,
        clause.join(" AND ")
    );
    let run = |cql: String| async move {
        match db.query_unpaged(cql, ()).await {
            Ok(_) => true,
            Err(Error::Execute { .. }) => false,
            Err(other) => panic!("not a refusal: {other}"),
        }
    };
    match (
        run(cql.clone()).await,
        run(format!("{cql} ALLOW FILTERING")).await,
    ) {
        (true, _) => Outcome::Accepted,
        (false, true) => Outcome::NeedsFiltering,
        (false, false) => Outcome::Refused,
    }
}

/// Every case of the matrix for model `M`: each column alone and in each context that
/// applies to its role, with each operator that applies to its type.
fn cases(
    columns: &[(&'static str, &'static [&'static str])],
    contexts: &[(&'static str, Vec<Cond>)],
) -> Vec<Vec<Cond>> {
    let mut cases = Vec::new();
    for (column, operators) in columns {
        for operator in *operators {
            for (applies_to, context) in contexts {
                if !applies_to.split(' ').any(|c| c == *column || c == "*") {
                    continue;
                }
                let mut case = context.clone();
                case.push(Cond::new(column, operator));
                cases.push(case);
            }
        }
    }
    cases
}

const SCALAR: &[&str] = &["=", "IN", "<", ">="];
const COLLECTION: &[&str] = &["CONTAINS"];
const MAP: &[&str] = &["CONTAINS", "CONTAINS KEY"];

async fn compare<M: Model>(db: &Db, cases: Vec<Vec<Cond>>, disagreements: &mut Vec<String>) {
    for case in cases {
        let orm = orm_outcome::<M>(&case);
        let server = server_outcome::<M>(db, &case).await;
        if orm != server {
            disagreements.push(format!(
                "{} {case:?}: ORM {orm:?}, server {server:?}",
                M::TABLE.name
            ));
        }
    }
}

#[tokio::test]
async fn the_orm_and_the_server_accept_the_same_restrictions() {
    let db = db(&[
        Plain::TABLE,
        Indexed::TABLE,
        Composite::TABLE,
        CompositeIndexed::TABLE,
    ])
    .await;
    let clustered_columns: &[(&str, &[&str])] = &[
        ("pk", SCALAR),
        ("c1", SCALAR),
        ("c2", SCALAR),
        ("s", SCALAR),
        ("r", SCALAR),
        ("tags", COLLECTION),
        ("scores", MAP),
    ];
    let clustered_contexts = vec![
        ("*", vec![]),
        ("c1 c2 s r tags scores", vec![Cond::new("pk", "=")]),
        ("c1 c2 s r tags scores", vec![Cond::new("pk", "IN")]),
        ("c2", vec![Cond::new("pk", "="), Cond::new("c1", "=")]),
        ("c2", vec![Cond::new("pk", "="), Cond::new("c1", ">=")]),
        ("r", vec![Cond::new("pk", "="), Cond::new("c1", "=")]),
        ("*", vec![Cond::new("token", ">")]),
    ];
    let composite_columns: &[(&str, &[&str])] =
        &[("p1", SCALAR), ("p2", SCALAR), ("c", SCALAR), ("r", SCALAR)];
    let composite_contexts = vec![
        ("*", vec![]),
        ("p1", vec![Cond::new("p2", "=")]),
        ("p2", vec![Cond::new("p1", "=")]),
        ("c r", vec![Cond::new("p1", "=")]),
        ("c r", vec![Cond::new("p1", "="), Cond::new("p2", "=")]),
        ("c r", vec![Cond::new("p1", "="), Cond::new("p2", "IN")]),
        ("*", vec![Cond::new("token", "<=")]),
    ];

    let clustered = cases(clustered_columns, &clustered_contexts);
    let composite = cases(composite_columns, &composite_contexts);
    let total = 2 * (clustered.len() + composite.len());
    let mut disagreements = Vec::new();
    compare::<Plain>(&db, clustered.clone(), &mut disagreements).await;
    compare::<Indexed>(&db, clustered, &mut disagreements).await;
    compare::<Composite>(&db, composite.clone(), &mut disagreements).await;
    compare::<CompositeIndexed>(&db, composite, &mut disagreements).await;
    assert!(total > 150, "the matrix has {total} cases");
    assert!(
        disagreements.is_empty(),
        "{} of {total} cases disagree:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

/// Shapes beyond one restriction per column: ranges ending the clustering prefix, several
/// indexes, an index with `IN` on the partition key, token ranges.
#[tokio::test]
async fn combined_restrictions_agree_with_the_server() {
    let db = db(&[Plain::TABLE, Indexed::TABLE, CompositeIndexed::TABLE]).await;
    let c = Cond::new;
    let shapes: Vec<Vec<Cond>> = vec![
        vec![c("pk", "="), c("c1", ">="), c("c1", "<")],
        vec![c("pk", "="), c("c1", ">="), c("c2", "<")],
        vec![c("pk", "="), c("c1", "IN"), c("c2", "<")],
        vec![c("pk", "IN"), c("c1", "="), c("r", ">=")],
        vec![c("pk", "="), c("c2", "="), c("r", "=")],
        vec![c("pk", "="), c("r", "="), c("s", "=")],
        vec![c("r", "="), c("s", "=")],
        vec![c("c1", "="), c("r", "=")],
        vec![c("pk", "="), c("tags", "CONTAINS"), c("tags", "CONTAINS")],
        vec![c("pk", "="), c("r", ">="), c("r", "<")],
        vec![c("pk", "="), c("c1", "IN"), c("r", "=")],
        vec![c("pk", "="), c("c1", "IN"), c("c2", "=")],
        vec![c("pk", "="), c("c1", ">="), c("c1", "<"), c("r", "=")],
        vec![c("pk", "="), c("c1", "="), c("c2", ">="), c("r", "=")],
        vec![c("pk", "IN"), c("c1", "IN"), c("c2", "<")],
        vec![c("pk", "="), c("tags", "CONTAINS"), c("r", "=")],
        vec![c("r", "="), c("tags", "CONTAINS")],
        vec![c("token", ">"), c("c1", "=")],
        vec![c("token", ">"), c("token", "<="), c("r", "=")],
        vec![c("token", ">"), c("r", "="), c("s", "=")],
        vec![c("pk", "="), c("(c1,c2)", "="), c("r", "=")],
        vec![c("pk", "IN"), c("(c1,c2)", "="), c("r", "=")],
        vec![
            c("pk", "="),
            c("(c1,c2)", ">"),
            c("(c1,c2)", "<"),
            c("r", "="),
        ],
        vec![c("(c1,c2)", "="), c("r", "=")],
    ];
    let mut disagreements = Vec::new();
    compare::<Plain>(&db, shapes.clone(), &mut disagreements).await;
    compare::<Indexed>(&db, shapes, &mut disagreements).await;
    compare::<CompositeIndexed>(
        &db,
        vec![
            vec![c("p1", "="), c("p2", "IN"), c("r", "=")],
            vec![c("p1", "="), c("r", "=")],
        ],
        &mut disagreements,
    )
    .await;
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// The reported bug: the owner is found through an index on one of its clustering
/// columns. The relation compiles (the derive's check accepts the index) and its reads
/// run, through that index, without `ALLOW FILTERING`.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "ap_channels")]
struct Channel {
    #[orm(partition_key)]
    region: String,
    #[orm(clustering_key, index)]
    handle: String,
    title: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "ap_uploads")]
#[belongs_to(Channel, foreign_key = "channel_handle", owner_key = "handle")]
struct Upload {
    #[orm(partition_key)]
    id: uuid::Uuid,
    channel_handle: Option<String>,
}

#[tokio::test]
async fn a_belongs_to_through_an_indexed_clustering_column_reads_its_owner() {
    let db = db(&[Channel::TABLE, Upload::TABLE]).await;
    let channel = Channel {
        region: "eu".into(),
        handle: format!("handle-{}", unique_id()),
        title: "Cooking".into(),
    };
    channel.insert(&db).await.unwrap();
    let upload = Upload {
        id: unique_id(),
        channel_handle: Some(channel.handle.clone()),
    };
    upload.insert(&db).await.unwrap();

    let owner = upload.channel_relation();
    assert_eq!(
        owner.get_query().access_path(),
        Ok(AccessPath::Index("handle"))
    );
    assert!(!owner.get_query().cql().unwrap().contains("ALLOW FILTERING"));
    assert_eq!(owner.get(&db).await.unwrap(), Some(channel));
}

/// Three clustering columns, for tuple conditions.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "ap_slots")]
struct Slot {
    #[orm(partition_key)]
    shop: i32,
    #[orm(clustering_key)]
    aisle: i32,
    #[orm(clustering_key)]
    shelf: i32,
    #[orm(clustering_key)]
    slot: i32,
    label: i32,
}

/// The server's rules for tuple conditions (clustering columns only, consecutive, in key
/// order, a range starting at the first column not compared with `=` or `IN`, shared
/// bounds with single-column ranges): the ORM accepts, needs filtering for, and refuses
/// exactly what the server does.
#[tokio::test]
async fn tuple_conditions_follow_the_servers_rules() {
    let db = db(&[Slot::TABLE]).await;
    let c = Cond::new;
    let accepted = vec![
        vec![c("shop", "="), c("(aisle,shelf)", "<=")],
        vec![c("shop", "="), c("(aisle,shelf)", ">")],
        vec![c("shop", "="), c("(aisle,shelf)", "=")],
        vec![c("shop", "="), c("(aisle,shelf)", "IN")],
        vec![c("shop", "IN"), c("(aisle,shelf)", "<")],
        vec![c("shop", "="), c("aisle", "="), c("(shelf,slot)", ">=")],
        vec![c("shop", "="), c("aisle", "IN"), c("(shelf,slot)", "<")],
        vec![c("shop", "="), c("(aisle,shelf)", ">"), c("aisle", "<")],
        vec![
            c("shop", "="),
            c("(aisle,shelf)", ">"),
            c("(aisle,shelf)", "<="),
        ],
        vec![c("shop", "="), c("(aisle,shelf)", "="), c("slot", ">")],
    ];
    let filtered = vec![
        vec![c("(aisle,shelf)", "<=")],
        vec![c("shop", "="), c("(shelf,slot)", "=")],
        vec![c("shop", "="), c("(aisle,shelf)", ">"), c("slot", "=")],
        vec![c("shop", "="), c("(aisle,shelf)", "<"), c("label", "=")],
    ];
    let refused = vec![
        vec![c("shop", "="), c("(shelf,aisle)", "<")],
        vec![c("shop", "="), c("(aisle,slot)", "<")],
        vec![c("shop", "="), c("(slot,label)", "<")],
        vec![c("shop", "="), c("(shelf,slot)", ">")],
        vec![c("shop", "="), c("aisle", ">"), c("(shelf,slot)", ">")],
        vec![c("shop", "="), c("aisle", "="), c("(aisle,shelf)", ">")],
        vec![
            c("shop", "="),
            c("(aisle,shelf)", ">"),
            c("(aisle,shelf)", ">="),
        ],
        vec![c("shop", "="), c("(aisle,shelf)", ">"), c("shelf", "<")],
        vec![c("shop", "="), c("aisle", "<"), c("(aisle,shelf)", "<")],
        vec![
            c("shop", "="),
            c("(aisle,shelf)", "IN"),
            c("(aisle,shelf)", "IN"),
        ],
    ];
    for (expected, cases) in [
        (Outcome::Accepted, accepted),
        (Outcome::NeedsFiltering, filtered),
        (Outcome::Refused, refused),
    ] {
        for case in cases {
            let server = server_outcome::<Slot>(&db, &case).await;
            assert_eq!(server, expected, "server, {case:?}");
            assert_eq!(orm_outcome::<Slot>(&case), expected, "ORM, {case:?}");
        }
    }
}

/// A column restricted twice: refused before anything is sent, with the rule, as the
/// server refuses it with or without `ALLOW FILTERING`; one lower and one upper bound
/// stay allowed.
#[tokio::test]
async fn double_restrictions_are_refused_locally_as_the_server_refuses_them() {
    let db = db(&[Plain::TABLE]).await;
    let c = Cond::new;
    let doubles = vec![
        vec![c("pk", "="), c("pk", ">=")],
        vec![c("pk", "="), c("pk", "=")],
        vec![c("pk", "IN"), c("pk", "=")],
        vec![c("pk", "="), c("c1", "="), c("c1", ">=")],
        vec![c("pk", "="), c("c1", "="), c("c1", "=")],
        vec![c("pk", "="), c("c1", "IN"), c("c1", "<")],
        vec![c("pk", "="), c("c1", ">"), c("c1", ">=")],
        vec![c("pk", "="), c("c1", "<"), c("c1", "<")],
        vec![c("pk", "="), c("r", "="), c("r", ">")],
        vec![c("pk", "="), c("r", ">"), c("r", ">=")],
    ];
    for case in &doubles {
        assert_eq!(
            server_outcome::<Plain>(&db, case).await,
            Outcome::Refused,
            "{case:?}"
        );
        let sent = db.statements_executed();
        let query = case.iter().fold(Plain::query(), |q, c| c.add(q));
        let err = query.allow_filtering().get(&db).await.unwrap_err();
        assert!(
            matches!(err, Error::Query(QueryError::DoubleRestriction { .. })),
            "{case:?}: {err}"
        );
        assert_eq!(db.statements_executed(), sent, "nothing was sent");
    }
    let message = Plain::query()
        .where_("pk", "=", 1_i32)
        .where_("pk", ">=", 1_i32)
        .cql()
        .unwrap_err()
        .to_string();
    assert_eq!(
        message,
        "Plain: `pk` is restricted twice (`=` and `>=`): a column compared with `=` or `IN` takes no other condition (a relation's query already restricts its key column); remove one of them"
    );

    let both_bounds = vec![c("pk", "="), c("c1", ">="), c("c1", "<")];
    assert_eq!(
        server_outcome::<Plain>(&db, &both_bounds).await,
        Outcome::Accepted
    );
    assert_eq!(orm_outcome::<Plain>(&both_bounds), Outcome::Accepted);
}

/// A relation's query already restricts the parent key: restricting it again in `where_`
/// is refused before anything is sent.
#[tokio::test]
async fn re_restricting_a_relations_key_is_refused_locally() {
    let db = db(&[Channel::TABLE, Upload::TABLE]).await;
    let upload = Upload {
        id: unique_id(),
        channel_handle: Some("cooking".into()),
    };
    let sent = db.statements_executed();
    let err = upload
        .channel_relation()
        .where_("handle", "=", "baking")
        .get(&db)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Channel: `handle` is restricted twice (`=` and `=`): a column compared with `=` or `IN` takes no other condition (a relation's query already restricts its key column); remove one of them"
    );
    assert_eq!(db.statements_executed(), sent, "nothing was sent");
}

/// Deletes share the checks: a double restriction, a gap or a restriction after a range
/// in the clustering key are refused before sending (the server refuses each), and a
/// tuple range deletes exactly the rows after its start point.
#[tokio::test]
async fn deletes_share_the_restriction_checks() {
    let db = db(&[Slot::TABLE]).await;
    let refused_by_server = |clause: &'static str| {
        let db = &db;
        async move {
            db.query_unpaged(format!("DELETE FROM \"ap_slots\" WHERE {clause}"), ())
                .await
                .is_err()
        }
    };
    let shop = 1_000 + (unique_id().as_u128() % 1_000_000) as i32;
    let sent = db.statements_executed();
    let local = |delete: orm_core::write::Delete<Slot>| delete.cql().unwrap_err().to_string();

    assert_eq!(
        local(
            Slot::delete_query()
                .filter(Slot::SHOP.eq(shop))
                .filter(Slot::AISLE.eq(1))
                .filter(Slot::AISLE.ge(1))
        ),
        "Slot: `aisle` is restricted twice (`=` and `>=`): a column compared with `=` or `IN` takes no other condition (a relation's query already restricts its key column); remove one of them"
    );
    assert_eq!(
        local(
            Slot::delete_query()
                .filter(Slot::SHOP.eq(shop))
                .filter(Slot::SHELF.eq(1))
        ),
        "Slot: clustering column `shelf` is restricted but `aisle` before it is not, and a DELETE cannot filter rows; restrict `aisle` with `=` or `IN` as well"
    );
    assert_eq!(
        local(
            Slot::delete_query()
                .filter(Slot::SHOP.eq(shop))
                .filter(Slot::AISLE.gt(1))
                .filter(Slot::SHELF.gt(1))
        ),
        "Slot: clustering column `shelf` is restricted after a range on `aisle`, and a DELETE cannot filter rows; to delete from a start point, compare the columns together with one tuple condition such as `(aisle, shelf) > (...)`, or restrict `aisle` with `=` or `IN`"
    );
    assert_eq!(db.statements_executed(), sent, "nothing was sent");
    for clause in [
        "shop = 1 AND aisle = 1 AND aisle >= 1",
        "shop = 1 AND shelf = 1",
        "shop = 1 AND aisle > 1 AND shelf > 1",
    ] {
        assert!(refused_by_server(clause).await, "{clause}");
    }

    for aisle in 1..=2 {
        for shelf in 1..=3 {
            Slot {
                shop,
                aisle,
                shelf,
                slot: 0,
                label: 0,
            }
            .insert(&db)
            .await
            .unwrap();
        }
    }
    Slot::delete_query()
        .filter(Slot::SHOP.eq(shop))
        .filter(orm_core::Tuple::of((Slot::AISLE, Slot::SHELF)).gt((1, 2)))
        .execute(&db)
        .await
        .unwrap();
    let left: Vec<(i32, i32)> = Slot::query()
        .filter(Slot::SHOP.eq(shop))
        .get(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.aisle, s.shelf))
        .collect();
    assert_eq!(left, [(1, 1), (1, 2)]);
}

/// Each refusal names a fix, and the query changed as the fix says is accepted by the
/// ORM and by the server.
#[tokio::test]
async fn each_refusal_names_a_fix_the_server_accepts() {
    let db = db(&[Plain::TABLE, Indexed::TABLE, Composite::TABLE]).await;
    let c = Cond::new;

    /// `refused` on `M` is refused with `hint`; `fixed` on `F` (`M`, or `M` changed as
    /// the hint says) is accepted.
    async fn check<M: Model, F: Model>(db: &Db, refused: &[Cond], hint: &str, fixed: &[Cond]) {
        let query = refused.iter().fold(M::query(), |q, c| c.add(q));
        let message = query.cql().unwrap_err().to_string();
        assert!(message.contains(hint), "{refused:?}: {message}");
        assert_eq!(orm_outcome::<F>(fixed), Outcome::Accepted, "{fixed:?}");
        assert_eq!(
            server_outcome::<F>(db, fixed).await,
            Outcome::Accepted,
            "{fixed:?}"
        );
    }

    check::<Plain, Plain>(
        &db,
        &[c("c2", "=")],
        "restrict the partition key (pk) and `c1` with `=` or `IN` as well",
        &[c("pk", "="), c("c1", "="), c("c2", "=")],
    )
    .await;
    check::<Plain, Plain>(
        &db,
        &[c("pk", "="), c("c1", ">="), c("c2", "<")],
        "one tuple condition such as `(c1, c2) > (...)`",
        &[c("pk", "="), c("(c1,c2)", "<")],
    )
    .await;
    check::<Plain, Plain>(
        &db,
        &[c("pk", "="), c("c2", ">=")],
        "restrict `c1` with `=` or `IN` as well",
        &[c("pk", "="), c("c1", "IN"), c("c2", ">=")],
    )
    .await;
    check::<Composite, Composite>(
        &db,
        &[c("p1", "="), c("c", "=")],
        "restrict `p2` with `=` or `IN` as well",
        &[c("p1", "="), c("p2", "="), c("c", "=")],
    )
    .await;
    check::<Plain, Indexed>(
        &db,
        &[c("pk", "="), c("r", "=")],
        "declare `#[orm(index)]` on `r`",
        &[c("pk", "="), c("r", "=")],
    )
    .await;
    check::<Indexed, Indexed>(
        &db,
        &[c("pk", "="), c("r", ">=")],
        "compare `r` with `=`",
        &[c("pk", "="), c("r", "=")],
    )
    .await;
    check::<Indexed, Indexed>(
        &db,
        &[c("r", "="), c("s", "=")],
        "keep one of these conditions",
        &[c("r", "=")],
    )
    .await;
    check::<Plain, Plain>(
        &db,
        &[c("pk", ">=")],
        "compare `pk` with `=` or `IN`",
        &[c("pk", "IN")],
    )
    .await;
}
