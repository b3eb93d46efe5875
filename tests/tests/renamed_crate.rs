//! `#[orm(crate = path)]` (and `#[pivot(crate = path)]`): every derive reaches the runtime
//! through the path given, so a program can re-export `orm_core` or depend on it under
//! another name. (Cargo does not let this crate depend on `orm-core` twice under two
//! names, so the runtime is re-exported from a module here.) No server needed.

use std::sync::atomic::Ordering;

use orm_core::Model as _;

/// The runtime under another path. One item of its hidden module is replaced by a wrapper
/// that counts its calls: a count that moves proves the generated code went through this
/// path, not `::orm_core`. (The hidden module's name changes with the crates' version.)
mod runtime {
    pub use orm_core::*;

    pub mod __private_v0_1 {
        use std::sync::atomic::{AtomicUsize, Ordering};

        pub use orm_core::__private_v0_1::*;

        /// Calls of [`column_value`] through this path.
        pub static COLUMN_VALUES: AtomicUsize = AtomicUsize::new(0);

        /// `orm_core`'s `column_value`, counted.
        pub fn column_value<T: FieldType>(value: &T) -> &dyn SerializeValue {
            COLUMN_VALUES.fetch_add(1, Ordering::SeqCst);
            orm_core::__private_v0_1::column_value(value)
        }
    }
}

#[derive(runtime::Model, Debug, Clone, PartialEq)]
#[orm(crate = crate::runtime, table = "renamed_notes")]
#[has_many(Comment, foreign_key = "note_id")]
struct Note {
    #[orm(partition_key)]
    id: i32,
    text: String,
}

#[derive(runtime::Model, Debug, Clone, PartialEq)]
#[orm(crate = crate::runtime)]
#[belongs_to(Note, foreign_key = "note_id")]
struct Comment {
    #[orm(partition_key)]
    note_id: i32,
    #[orm(clustering_key)]
    id: i32,
    place: Option<Place>,
}

#[derive(runtime::Udt, Debug, Clone, PartialEq)]
#[orm(crate = crate::runtime, name = "renamed_place")]
struct Place {
    name: String,
}

#[derive(runtime::Projection, Debug, PartialEq)]
#[orm(crate = crate::runtime, model = Note)]
struct NoteText {
    text: String,
}

#[derive(runtime::Pivot, Debug, Clone, PartialEq, Default)]
#[pivot(crate = crate::runtime, left = Note, right = Note, table = "renamed_links", inverse_table = "renamed_backlinks")]
struct NoteLink {
    #[pivot(left)]
    from: i32,
    #[pivot(right)]
    to: i32,
}

#[test]
fn the_model_derive_writes_values_through_the_path_given() {
    let note = Note {
        id: 1,
        text: "hello".into(),
    };
    let before = runtime::__private_v0_1::COLUMN_VALUES.load(Ordering::SeqCst);
    let mut columns = Vec::new();
    note.__visit_values(None, &mut |values| {
        columns.extend(values.iter().map(|(name, _)| *name));
        Ok(())
    })
    .unwrap();
    let after = runtime::__private_v0_1::COLUMN_VALUES.load(Ordering::SeqCst);
    assert_eq!(columns, ["id", "text"]);
    assert_eq!(after - before, 2, "one counted call per column");
}

#[test]
fn every_derive_works_through_a_re_exported_runtime() {
    use runtime::{Pivot as _, Projection as _, Udt as _};

    assert_eq!(Note::TABLE.name, "renamed_notes");
    assert_eq!(Comment::TABLE.name, "comment");
    assert_eq!(Place::META.name, "renamed_place");
    assert_eq!(NoteText::COLUMNS, ["text"]);
    assert_eq!(NoteLink::FORWARD.name, "renamed_links");
    assert_eq!(NoteLink::INVERSE.name, "renamed_backlinks");

    let note = Note {
        id: 7,
        text: String::new(),
    };
    let mut comment = Comment {
        note_id: 0,
        id: 1,
        place: None,
    };
    comment.associate_note(&note);
    assert_eq!(comment.note_id, 7);
    assert_eq!(note.comments_relation().get_parent_key(), Some(&7));
}
