//! The compile-time access-path rule for relations, as a `const fn` the derive calls.

use crate::meta::{KeyRole, TableMeta};

/// Panics (a compile error when called in a `const`) unless `column` is a column of the
/// related table that reads it without scanning: its whole partition key, or indexed, or
/// the relation opted in to filtering. The messages are written by the derive, which
/// knows the names. `track_caller`: the compile error points at the relation, without
/// notes from inside this function.
#[track_caller]
pub const fn check_access(
    table: &TableMeta,
    column: &str,
    allow_filtering: bool,
    missing_message: &'static str,
    scan_message: &'static str,
) {
    if !has_column(table, column) {
        panic!("{}", missing_message);
    }
    if allow_filtering || is_whole_partition_key(table, column) || is_indexed(table, column) {
        return;
    }
    panic!("{}", scan_message);
}

/// The rule for `morph_many` / `morph_one`: the child is read by its type and key
/// columns together, which must be exactly its partition key (or the relation opts in
/// to filtering).
#[track_caller]
pub const fn check_morph_access(
    table: &TableMeta,
    type_column: &str,
    id_column: &str,
    allow_filtering: bool,
    missing_message: &'static str,
    scan_message: &'static str,
) {
    if !has_column(table, type_column) || !has_column(table, id_column) {
        panic!("{}", missing_message);
    }
    if allow_filtering || is_partition_key_pair(table, type_column, id_column) {
        return;
    }
    panic!("{}", scan_message);
}

/// Whether the partition key is exactly the columns `a` and `b`, in any order.
const fn is_partition_key_pair(table: &TableMeta, a: &str, b: &str) -> bool {
    let mut count = 0;
    let mut i = 0;
    while i < table.columns.len() {
        let meta = &table.columns[i];
        if matches!(meta.role, KeyRole::PartitionKey) {
            if !str_eq(meta.name, a) && !str_eq(meta.name, b) {
                return false;
            }
            count += 1;
        }
        i += 1;
    }
    count == 2
}

const fn has_column(table: &TableMeta, column: &str) -> bool {
    let mut i = 0;
    while i < table.columns.len() {
        if str_eq(table.columns[i].name, column) {
            return true;
        }
        i += 1;
    }
    false
}

const fn is_whole_partition_key(table: &TableMeta, column: &str) -> bool {
    let mut found = false;
    let mut i = 0;
    while i < table.columns.len() {
        let meta = &table.columns[i];
        if matches!(meta.role, KeyRole::PartitionKey) {
            if !str_eq(meta.name, column) {
                return false;
            }
            found = true;
        }
        i += 1;
    }
    found
}

const fn is_indexed(table: &TableMeta, column: &str) -> bool {
    let mut i = 0;
    while i < table.columns.len() {
        let meta = &table.columns[i];
        if str_eq(meta.name, column) {
            return meta.indexed;
        }
        i += 1;
    }
    false
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
