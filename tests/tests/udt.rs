//! `#[derive(Udt)]` against the real server: the types `create_schema` declares, and UDT
//! values (top level, optional, nested, in collections, in a key) written and read back.

use std::collections::HashMap;

use orm_core::{Model, Udt, render};
use orm_tests::{db, unique_id};
use uuid::Uuid;

/// Nested in `Address`.
#[derive(Udt, Debug, Clone, PartialEq)]
struct Point {
    lat: f64,
    lon: f64,
}

#[derive(Udt, Debug, Clone, PartialEq)]
#[orm(name = "address")]
struct Address {
    street: String,
    #[orm(rename = "zip_code")]
    zip: Option<String>,
    geo: Option<Point>,
    #[orm(skip)]
    label_cache: Option<String>,
}

/// Every place a UDT can take in a model.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "customers")]
struct Customer {
    #[orm(partition_key)]
    id: Uuid,
    home: Address,
    maybe: Option<Address>,
    previous: Vec<Address>,
    by_label: HashMap<String, Address>,
}

/// A frozen UDT can be part of the primary key.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "visits")]
struct Visit {
    #[orm(partition_key)]
    id: Uuid,
    #[orm(clustering_key)]
    at: Point,
    note: String,
}

fn address(street: &str, geo: Option<Point>) -> Address {
    Address {
        street: street.to_owned(),
        zip: Some(format!("{}-000", street.len())),
        geo,
        label_cache: None,
    }
}

fn customer(id: Uuid) -> Customer {
    Customer {
        id,
        home: address(
            "1 Main St",
            Some(Point {
                lat: 48.85,
                lon: 2.35,
            }),
        ),
        maybe: None,
        previous: vec![
            address("2 Old Rd", None),
            Address {
                street: "3 Elm St".into(),
                zip: None,
                geo: Some(Point {
                    lat: -1.5,
                    lon: 0.0,
                }),
                label_cache: None,
            },
        ],
        by_label: HashMap::from([
            ("work".to_owned(), address("4 Office Pk", None)),
            (
                "cabin".to_owned(),
                address(
                    "5 Lake Ln",
                    Some(Point {
                        lat: 61.0,
                        lon: 24.5,
                    }),
                ),
            ),
        ]),
    }
}

#[test]
fn create_type_text() {
    assert_eq!(
        render::create_type(Address::META),
        r#"CREATE TYPE IF NOT EXISTS "address" ("street" text, "zip_code" text, "geo" frozen<"point">)"#
    );
    assert_eq!(
        render::create_type(Point::META),
        r#"CREATE TYPE IF NOT EXISTS "point" ("lat" double, "lon" double)"#
    );
}

/// The types come before the table, nested ones first, each once, though `address` is
/// used by four columns.
#[test]
fn create_schema_declares_the_types_first() {
    assert_eq!(
        render::create_schema(Customer::TABLE),
        [
            r#"CREATE TYPE IF NOT EXISTS "point" ("lat" double, "lon" double)"#,
            r#"CREATE TYPE IF NOT EXISTS "address" ("street" text, "zip_code" text, "geo" frozen<"point">)"#,
            "CREATE TABLE IF NOT EXISTS \"customers\" (\"id\" uuid, \"home\" frozen<\"address\">, \
             \"maybe\" frozen<\"address\">, \"previous\" list<frozen<\"address\">>, \
             \"by_label\" map<text, frozen<\"address\">>, PRIMARY KEY ((\"id\")))",
        ]
    );
}

#[tokio::test]
async fn round_trip_through_insert_and_find() {
    let db = db(&[Customer::TABLE]).await;
    let without = customer(unique_id());
    without.insert(&db).await.unwrap();
    assert_eq!(
        Customer::find(&db, &without.id).await.unwrap(),
        Some(without.clone())
    );

    let mut with = customer(unique_id());
    with.maybe = Some(address("6 Side St", Some(Point { lat: 1.0, lon: 2.0 })));
    with.home.label_cache = Some("not stored".into());
    with.insert(&db).await.unwrap();
    let found = Customer::find(&db, &with.id).await.unwrap().unwrap();
    assert_eq!(
        found.home.label_cache, None,
        "skipped fields read as Default"
    );
    with.home.label_cache = None;
    assert_eq!(found, with);
}

#[tokio::test]
async fn round_trip_through_a_query() {
    let db = db(&[Customer::TABLE]).await;
    let mut row = customer(unique_id());
    row.maybe = Some(Address {
        street: "7 Null Ave".into(),
        zip: None,
        geo: None,
        label_cache: None,
    });
    row.insert(&db).await.unwrap();
    let found = Customer::query()
        .filter(Customer::ID.eq(row.id))
        .get(&db)
        .await
        .unwrap();
    assert_eq!(found, [row]);
}

#[tokio::test]
async fn a_udt_in_the_primary_key() {
    let db = db(&[Visit::TABLE]).await;
    let id = unique_id();
    for (lat, note) in [(2.0, "second"), (1.0, "first")] {
        let at = Point { lat, lon: 0.5 };
        let note = note.to_owned();
        Visit { id, at, note }.insert(&db).await.unwrap();
    }
    let key = (id, Point { lat: 1.0, lon: 0.5 });
    let found = Visit::find(&db, &key).await.unwrap().unwrap();
    assert_eq!(found.note, "first");
    let all = Visit::query()
        .filter(Visit::ID.eq(id))
        .get(&db)
        .await
        .unwrap();
    let lats: Vec<f64> = all.iter().map(|v| v.at.lat).collect();
    assert_eq!(lats, [1.0, 2.0], "frozen UDTs cluster in field order");
}

/// Fields are matched by name: a type whose fields the server declares in another order
/// reads and writes the same values.
#[tokio::test]
async fn fields_are_matched_by_name() {
    let db = db(&[]).await;
    for statement in [
        r#"CREATE TYPE IF NOT EXISTS "point_swapped" ("lon" double, "lat" double)"#,
        r#"CREATE TABLE IF NOT EXISTS "swapped" ("id" uuid PRIMARY KEY, "at" frozen<"point_swapped">)"#,
    ] {
        db.session().query_unpaged(statement, ()).await.unwrap();
    }
    let id = unique_id();
    let at = Point {
        lat: 10.0,
        lon: 20.0,
    };
    db.session()
        .query_unpaged(
            r#"INSERT INTO "swapped" ("id", "at") VALUES (?, ?)"#,
            (id, &at),
        )
        .await
        .unwrap();
    let select = |cql: &'static str| {
        let db = db.clone();
        async move {
            db.session()
                .query_unpaged(cql, (id,))
                .await
                .unwrap()
                .into_rows_result()
                .unwrap()
        }
    };
    let rows = select(r#"SELECT "at" FROM "swapped" WHERE "id" = ?"#).await;
    assert_eq!(rows.single_row::<(Point,)>().unwrap().0, at);
    let rows = select(r#"SELECT "at"."lat", "at"."lon" FROM "swapped" WHERE "id" = ?"#).await;
    assert_eq!(rows.single_row::<(f64, f64)>().unwrap(), (10.0, 20.0));
}

/// A field missing on either side is an error naming the type, the field and both field
/// lists.
#[tokio::test]
async fn a_missing_field_is_a_clear_error() {
    let db = db(&[]).await;
    for statement in [
        r#"CREATE TYPE IF NOT EXISTS "point_3d" ("lat" double, "lon" double, "alt" double)"#,
        r#"CREATE TYPE IF NOT EXISTS "point_lat" ("lat" double)"#,
        r#"CREATE TABLE IF NOT EXISTS "odd_points" ("id" uuid PRIMARY KEY, "three" frozen<"point_3d">, "one" frozen<"point_lat">)"#,
    ] {
        db.session().query_unpaged(statement, ()).await.unwrap();
    }
    let keyspace = db
        .session()
        .get_keyspace()
        .expect("the harness sets a keyspace");
    let id = unique_id();
    let point = Point { lat: 1.0, lon: 2.0 };

    let write = |column: &'static str| {
        let db = db.clone();
        let point = point.clone();
        async move {
            let cql = format!(r#"INSERT INTO "odd_points" ("id", "{column}") VALUES (?, ?)"#);
            db.session()
                .query_unpaged(cql, (id, point))
                .await
                .unwrap_err()
                .to_string()
        }
    };
    let message = write("three").await;
    assert!(
        message.contains(&format!(
            "the server's type `{keyspace}.point_3d` has a field `alt` that Point lacks \
             (Point has [lat, lon], `{keyspace}.point_3d` has [lat, lon, alt]): add a field for it to Point"
        )),
        "{message}"
    );
    let message = write("one").await;
    assert!(
        message.contains(&format!(
            "Point has a field `lon` that the server's type `{keyspace}.point_lat` lacks \
             (Point has [lat, lon], `{keyspace}.point_lat` has [lat])"
        )),
        "{message}"
    );

    db.session()
        .query_unpaged(
            r#"INSERT INTO "odd_points" ("id", "three") VALUES (?, {lat: 1, lon: 2, alt: 3})"#,
            (id,),
        )
        .await
        .unwrap();
    let rows = db
        .session()
        .query_unpaged(r#"SELECT "three" FROM "odd_points" WHERE "id" = ?"#, (id,))
        .await
        .unwrap()
        .into_rows_result()
        .unwrap();
    let Err(err) = rows.rows::<(Point,)>() else {
        panic!("the type check accepted a type with a field Point lacks");
    };
    let message = err.to_string();
    assert!(
        message.contains("has a field `alt` that Point lacks"),
        "{message}"
    );
}

/// A null UDT column only reads into an `Option`; the error says so.
#[tokio::test]
async fn a_null_value_needs_an_option() {
    let db = db(&[Customer::TABLE]).await;
    let id = unique_id();
    db.session()
        .query_unpaged(
            r#"INSERT INTO "customers" ("id", "previous") VALUES (?, ?)"#,
            (id, vec![address("8 Gap Rd", None)]),
        )
        .await
        .unwrap();
    let message = orm_tests::error_chain(&Customer::find(&db, &id).await.unwrap_err());
    assert!(message.contains("Customer.home: "), "{message}");
    assert!(
        message.contains(
            "Address: the value is null; read a column that may be null into Option<Address>"
        ),
        "{message}"
    );
}
