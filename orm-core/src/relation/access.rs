//! The compile-time access-path check for relations: the same
//! [`rule`](crate::query::rule) every query is checked with at run time, as a `const fn`
//! the derive evaluates.

use crate::condition::Operator;
use crate::meta::TableMeta;
use crate::query::rule::{self, Restriction, Verdict};

/// Panics (a compile error when called in a `const`) unless `column` is a column of the
/// related table and `column = ?` reads it without filtering (the whole partition key,
/// or a column whose secondary index the server reads, whatever the column's role), or
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
    check_custom_access(
        table,
        &[column],
        allow_filtering,
        missing_message,
        scan_message,
    );
}

/// The most key columns a relation declares (a custom relationship's `foreign_key`).
const MAX_KEY_COLUMNS: usize = 8;

/// [`check_access`] for the columns a custom relationship declares (`foreign_key =
/// "user_id, day"`): `column = ?` on each of them together must read the related table
/// without filtering, or the relationship opts in. Panics with `missing_message` when a
/// column is not the related table's (or there are none, or more than eight).
#[track_caller]
pub const fn check_custom_access(
    table: &TableMeta,
    columns: &[&str],
    allow_filtering: bool,
    missing_message: &'static str,
    scan_message: &'static str,
) {
    if columns.is_empty() || columns.len() > MAX_KEY_COLUMNS {
        panic!("{}", missing_message);
    }
    let mut restrictions = [Restriction::column("", Operator::Eq); MAX_KEY_COLUMNS];
    let mut i = 0;
    while i < columns.len() {
        if rule::find(table, columns[i]).is_none() {
            panic!("{}", missing_message);
        }
        restrictions[i] = Restriction::column(columns[i], Operator::Eq);
        i += 1;
    }
    let (declared, _) = restrictions.split_at(columns.len());
    if reads_without_scanning(rule::decide(table, declared), allow_filtering) {
        return;
    }
    panic!("{}", scan_message);
}

/// The rule for `morph_many` / `morph_one`: the child is read by its type and key
/// columns together (`type = ? AND id = ?`), which must not need filtering (or the
/// relation opts in to it).
#[track_caller]
pub const fn check_morph_access(
    table: &TableMeta,
    type_column: &str,
    id_column: &str,
    allow_filtering: bool,
    missing_message: &'static str,
    scan_message: &'static str,
) {
    if rule::find(table, type_column).is_none() || rule::find(table, id_column).is_none() {
        panic!("{}", missing_message);
    }
    let restrictions = [
        Restriction::column(type_column, Operator::Eq),
        Restriction::column(id_column, Operator::Eq),
    ];
    if reads_without_scanning(rule::decide(table, &restrictions), allow_filtering) {
        return;
    }
    panic!("{}", scan_message);
}

/// Whether the relation's read is accepted: a path without filtering, or filtering the
/// relation opted in to.
const fn reads_without_scanning(verdict: Verdict, allow_filtering: bool) -> bool {
    matches!(verdict, Verdict::Path(_))
        || allow_filtering && matches!(verdict, Verdict::NeedsFiltering(_))
}
