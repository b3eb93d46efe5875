//! The typed core of eager loading against the real server: a relation given by its
//! parts (the parent's key, a constraint per key, a cardinality) loaded and counted for
//! many parents, with the statements it costs.

use orm_core::Select;
use orm_core::eager::{Cardinality, count_related, load_related};
use orm_core::prelude::*;
use orm_tests::db;
use uuid::Uuid;

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "core_notes")]
struct Note {
    #[orm(partition_key)]
    owner: Uuid,
    #[orm(clustering_key)]
    id: i32,
    body: String,
}

/// A parent that is not a model: any type with a key will do.
struct Parent {
    owner: Option<Uuid>,
}

/// `owners` owners; owner `i` has `i % 3` notes (so some have none).
async fn notes(db: &Db, owners: usize) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for i in 0..owners {
        let owner = Uuid::new_v4();
        for id in 0..(i % 3) as i32 {
            let body = format!("note {id} of owner {i}");
            Note { owner, id, body }.insert(db).await.unwrap();
        }
        ids.push(owner);
    }
    ids
}

/// 40 parents over `owners`: each owner twice, and every tenth parent without a key.
fn parents(owners: &[Uuid]) -> Vec<Parent> {
    (0..40)
        .map(|i| Parent {
            owner: (i % 10 != 9).then(|| owners[i % owners.len()]),
        })
        .collect()
}

fn by_owner(notes: Select<Note>, owner: &Uuid) -> Select<Note> {
    notes.filter(Note::OWNER.eq(*owner))
}

#[tokio::test]
async fn each_parent_gets_its_own_rows_for_one_statement_per_distinct_key() {
    let db = db(&[Note::TABLE]).await;
    let owners = notes(&db, 20).await;
    let parents = parents(&owners);
    let distinct = parents
        .iter()
        .filter_map(|p| p.owner)
        .collect::<std::collections::HashSet<_>>()
        .len();
    assert_eq!(distinct, 18, "40 parents, 4 without a key, each key twice");

    let before = db.statements_executed();
    let prepared = db.statements_prepared();
    let loaded = load_related(
        &db,
        &parents,
        |parent: &Parent| parent.owner,
        by_owner,
        Cardinality::Many,
        4,
    )
    .await
    .unwrap();
    assert_eq!(db.statements_executed() - before, distinct as u64);
    assert_eq!(
        db.statements_prepared() - prepared,
        1,
        "one PREPARE per load"
    );
    assert_eq!(loaded.len(), 40);
    assert_eq!(loaded.distinct().len(), distinct);

    for (parent, rows) in parents.iter().zip(loaded.iter()) {
        let Some(owner) = parent.owner else {
            assert!(rows.is_none(), "a parent without a key gets nothing");
            continue;
        };
        let expected = Note::query()
            .filter(Note::OWNER.eq(owner))
            .get(&db)
            .await
            .unwrap();
        assert_eq!(rows.unwrap(), &expected, "the hand-written query's rows");
        assert!(rows.unwrap().iter().all(|note| note.owner == owner));
    }
}

#[tokio::test]
async fn one_or_optional_reads_the_first_row_and_counts_count() {
    let db = db(&[Note::TABLE]).await;
    let owners = notes(&db, 6).await;
    let parents = parents(&owners);

    let first = load_related(
        &db,
        &parents,
        |parent: &Parent| parent.owner,
        |notes: Select<Note>, owner: &Uuid| by_owner(notes, owner).order_by(Note::ID.desc()),
        Cardinality::Optional,
        32,
    )
    .await
    .unwrap();
    for (i, rows) in first.iter().enumerate() {
        let Some(rows) = rows else { continue };
        let notes = (i % owners.len()) % 3;
        assert_eq!(rows.len(), notes.min(1), "parent {i}");
        if let Some(note) = rows.first() {
            assert_eq!(
                note.id,
                notes as i32 - 1,
                "the newest of parent {i}'s notes"
            );
        }
    }

    let before = db.statements_executed();
    let counts = count_related(&db, &parents, |parent: &Parent| parent.owner, by_owner, 32)
        .await
        .unwrap();
    assert_eq!(db.statements_executed() - before, owners.len() as u64);
    for (i, count) in counts.iter().enumerate() {
        let expected = (i % 10 != 9).then_some(((i % owners.len()) % 3) as i64);
        assert_eq!(count.copied(), expected, "parent {i}");
    }
}

#[tokio::test]
async fn a_constraint_whose_shape_depends_on_the_key_still_reads_each_keys_rows() {
    let db = db(&[Note::TABLE]).await;
    let owners = notes(&db, 9).await;
    let parents = parents(&owners);
    // Every other owner gets a condition more: two shapes in one load, whichever runs
    // first.
    let filtered: std::collections::HashSet<Uuid> = owners.iter().step_by(2).copied().collect();
    let even = move |owner: &Uuid| filtered.contains(owner);
    let loaded = load_related(
        &db,
        &parents,
        |parent: &Parent| parent.owner,
        |notes: Select<Note>, owner: &Uuid| {
            let notes = by_owner(notes, owner);
            if even(owner) {
                notes.filter(Note::ID.ge(1))
            } else {
                notes
            }
        },
        Cardinality::Many,
        32,
    )
    .await
    .unwrap();
    for (parent, rows) in parents.iter().zip(loaded.iter()) {
        let Some(owner) = parent.owner else { continue };
        let mut expected = Note::query().filter(Note::OWNER.eq(owner));
        if even(&owner) {
            expected = expected.filter(Note::ID.ge(1));
        }
        assert_eq!(rows.unwrap(), &expected.get(&db).await.unwrap());
    }
}

/// The load's future is `Send`, so it runs on a multi-thread runtime (and inside a
/// relation kind's boxed load).
#[test]
fn the_load_is_send() {
    fn send<T: Send>(value: T) -> T {
        value
    }
    async fn load(db: &Db, parents: &[Parent]) {
        let _ = send(load_related(
            db,
            parents,
            |parent: &Parent| parent.owner,
            by_owner,
            Cardinality::Many,
            32,
        ))
        .await;
    }
    let _ = load;
}
