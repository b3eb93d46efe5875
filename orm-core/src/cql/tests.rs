//! Rendering, table by table: each row a statement description and the text it must give.

use crate::condition::{Operator, Target, TupleColumns};
use crate::cql::{
    Action, Cond, Guard, Selector, Set, ShapeKey, ShapeSlots, Statement, Using, fixed, fixed_by_key,
};
use crate::cql_type::CqlType;
use crate::meta::{ClusteringOrder, ColumnMeta, KeyRole, TableMeta};
use crate::query::QueryError;
use crate::query::{Computed, Function};

const fn column(name: &'static str, role: KeyRole) -> ColumnMeta {
    ColumnMeta {
        name,
        field: name,
        role,
        cql_type: &CqlType::Native("bigint"),
        indexed: false,
    }
}

static POSTS: TableMeta = TableMeta {
    model: "Post",
    name: "posts",
    keyspace: None,
    columns: &[
        column("user_id", KeyRole::PartitionKey),
        column("region", KeyRole::PartitionKey),
        column("id", KeyRole::ClusteringKey(ClusteringOrder::Desc)),
        column("title", KeyRole::Regular),
    ],
    default_ttl: None,
    options: None,
};

static PINNED: TableMeta = TableMeta {
    model: "Pinned",
    name: "pinned",
    keyspace: Some("blog"),
    columns: &[column("id", KeyRole::PartitionKey)],
    default_ttl: None,
    options: None,
};

fn cond(column: &'static str, operator: Operator) -> Cond {
    Cond {
        target: Target::Column(column),
        operator,
    }
}

static TITLE_TTL: Computed = Computed {
    name: "ttl(title)",
    function: Function::Ttl,
    column: "title",
};

#[test]
fn renders_each_statement_shape() {
    let key = || vec![cond("user_id", Operator::Eq), cond("region", Operator::Eq)];
    let cases: Vec<(&str, Statement, &str)> = vec![
        (
            "insert",
            Statement::insert(&POSTS),
            r#"INSERT INTO "posts" ("user_id", "region", "id", "title") VALUES (?, ?, ?, ?)"#,
        ),
        (
            "insert if not exists, TTL after the condition",
            Statement {
                using: Using {
                    ttl: true,
                    timestamp: false,
                },
                guard: Guard::NotExists,
                ..Statement::insert(&PINNED)
            },
            r#"INSERT INTO "blog"."pinned" ("id") VALUES (?) IF NOT EXISTS USING TTL ?"#,
        ),
        (
            "find by primary key",
            Statement::select_by_primary_key(&POSTS),
            r#"SELECT "user_id", "region", "id", "title" FROM "posts" WHERE "user_id" = ? AND "region" = ? AND "id" = ?"#,
        ),
        (
            "select with projection, order, limits, filtering",
            Statement {
                conditions: vec![cond("user_id", Operator::Eq), cond("title", Operator::Gt)],
                orderings: vec![("id", ClusteringOrder::Asc)],
                per_partition_limit: true,
                limit: true,
                allow_filtering: true,
                ..Statement::new(
                    &POSTS,
                    Action::Select(vec![
                        Selector::Column("title"),
                        Selector::Computed(&TITLE_TTL),
                    ]),
                )
            },
            r#"SELECT "title", TTL("title") AS "ttl(title)" FROM "posts" WHERE "user_id" = ? AND "title" > ? ORDER BY "id" ASC PER PARTITION LIMIT ? LIMIT ? ALLOW FILTERING"#,
        ),
        (
            "count over a token range",
            Statement::count(
                &POSTS,
                vec![Cond {
                    target: Target::Token,
                    operator: Operator::Gt,
                }],
            ),
            r#"SELECT COUNT(*) FROM "posts" WHERE token("user_id", "region") > ?"#,
        ),
        (
            "tuple condition",
            Statement::count(
                &POSTS,
                vec![Cond {
                    target: Target::Tuple(TupleColumns::new(&["id", "title"]).unwrap()),
                    operator: Operator::Le,
                }],
            ),
            r#"SELECT COUNT(*) FROM "posts" WHERE ("id", "title") <= ?"#,
        ),
        (
            "update: every kind of SET, USING, IF",
            Statement {
                using: Using {
                    ttl: true,
                    timestamp: true,
                },
                conditions: key(),
                guard: Guard::Conditions(vec![cond("title", Operator::Ne)]),
                ..Statement::new(
                    &POSTS,
                    Action::Update(vec![
                        Set::Value("a"),
                        Set::Add("b"),
                        Set::Subtract("c"),
                        Set::Prepend("d"),
                        Set::Put("e"),
                    ]),
                )
            },
            r#"UPDATE "posts" USING TTL ? AND TIMESTAMP ? SET "a" = ?, "b" = "b" + ?, "c" = "c" - ?, "d" = ? + "d", "e"[?] = ? WHERE "user_id" = ? AND "region" = ? IF "title" != ?"#,
        ),
        (
            "delete by primary key",
            Statement::delete_by_primary_key(&POSTS),
            r#"DELETE FROM "posts" WHERE "user_id" = ? AND "region" = ? AND "id" = ?"#,
        ),
        (
            "delete a range with a timestamp",
            Statement {
                using: Using {
                    ttl: false,
                    timestamp: true,
                },
                conditions: vec![cond("user_id", Operator::In), cond("id", Operator::Lt)],
                ..Statement::new(&POSTS, Action::Delete)
            },
            r#"DELETE FROM "posts" USING TIMESTAMP ? WHERE "user_id" IN ? AND "id" < ?"#,
        ),
        (
            "delete if exists, quoting inner quotes",
            Statement {
                conditions: vec![cond("we\"ird", Operator::Eq)],
                guard: Guard::Exists,
                ..Statement::new(&PINNED, Action::Delete)
            },
            r#"DELETE FROM "blog"."pinned" WHERE "we""ird" = ? IF EXISTS"#,
        ),
    ];
    for (name, statement, expected) in cases {
        assert_eq!(statement.render(), expected, "{name}");
    }
}

#[test]
fn one_fixed_statement_per_shape() {
    let by_key = fixed(Statement::delete_by_primary_key(&POSTS));
    let again = fixed(Statement::delete_by_primary_key(&POSTS));
    assert!(
        std::ptr::eq(by_key, again),
        "the same shape is one statement"
    );
    assert_eq!(
        by_key.cql(),
        Statement::delete_by_primary_key(&POSTS).render()
    );

    let with_timestamp = fixed(Statement {
        using: Using {
            ttl: false,
            timestamp: true,
        },
        ..Statement::delete_by_primary_key(&POSTS)
    });
    assert!(
        !std::ptr::eq(by_key, with_timestamp),
        "another shape, another statement"
    );
    assert_ne!(by_key.slot(), with_timestamp.slot());
}

#[test]
fn a_shape_key_finds_the_statement_of_its_shape_and_only_valid_shapes() {
    let key = |header: usize, column: &'static str| {
        let mut key = ShapeKey::new(header, &POSTS);
        key.name(column);
        key
    };
    let describe = || Ok(Statement::delete_by_primary_key(&POSTS));
    let slots = ShapeSlots::new();
    let by_key = fixed_by_key(&key(2, "title"), &slots, describe).unwrap();
    assert!(
        std::ptr::eq(by_key, fixed(Statement::delete_by_primary_key(&POSTS))),
        "a key leads to the shape's one statement"
    );
    let mut described = false;
    let again = fixed_by_key(&key(2, "title"), &slots, || {
        described = true;
        describe()
    })
    .unwrap();
    assert!(std::ptr::eq(by_key, again));
    assert!(!described, "a known key is not described again");

    // Another name (another key), the same shape: the same statement.
    let other = fixed_by_key(&key(2, "id"), &slots, describe).unwrap();
    assert!(std::ptr::eq(by_key, other));

    // An invalid shape is refused each time: it is never remembered.
    let refuse = || Err(QueryError::NothingToUpdate { model: "Post" });
    for _ in 0..2 {
        assert!(fixed_by_key(&key(3, "title"), &slots, refuse).is_err());
    }

    // A shape too long for a key is described on every call.
    let mut long = ShapeKey::new(4, &POSTS);
    for _ in 0..20 {
        long.name("title");
    }
    let mut calls = 0;
    for _ in 0..2 {
        fixed_by_key(&long, &slots, || {
            calls += 1;
            describe()
        })
        .unwrap();
    }
    assert_eq!(calls, 2);
}

#[test]
fn shape_slots_keep_a_models_first_shapes_and_the_table_serves_the_rest() {
    let slots = ShapeSlots::new();
    let key = |n: usize| {
        let mut key = ShapeKey::new(100 + n, &POSTS);
        key.name("title");
        key
    };
    let describe = || Ok(Statement::delete_by_primary_key(&POSTS));
    for n in 0..6 {
        fixed_by_key(&key(n), &slots, describe).unwrap();
    }
    for n in 0..4 {
        assert!(
            std::ptr::eq(slots.get(&key(n)).unwrap(), fixed(describe().unwrap())),
            "shape {n} is kept with its statement"
        );
    }
    assert!(
        slots.get(&key(4)).is_none(),
        "four slots: a fifth shape is not kept"
    );
    let mut described = false;
    fixed_by_key(&key(5), &slots, || {
        described = true;
        describe()
    })
    .unwrap();
    assert!(
        !described,
        "a shape beyond the slots is still found in the table"
    );
}
