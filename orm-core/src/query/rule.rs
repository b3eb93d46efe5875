//! The access-path rule: how the server finds the rows a set of restrictions selects, or
//! why it would refuse them.
//!
//! One `const fn` over the table's metadata decides it. The derive evaluates it at compile
//! time for each relation (through [`check_access`](crate::relation::check_access)), and
//! [`Select`](crate::Select) at run time for each query, so the two cannot disagree.
//!
//! It mirrors Cassandra 5.0's rules for its default secondary indexes (`CREATE INDEX`
//! without `USING`), as the `access_paths` integration test checks against the server;
//! it has not been checked against ScyllaDB, whose rules differ in places:
//!
//! - The partition key is *complete* when each of its columns is compared with `=` or `IN`.
//! - The clustering restrictions are a *prefix* when, in clustering order, columns compared
//!   with `=` or `IN` are followed by at most one range (one column's bounds, or a tuple
//!   slice starting there), with nothing restricted after a gap or a range.
//! - With a complete key and a prefix, other restrictions are served by a secondary index
//!   only if there is exactly one and its column's index answers its operator (`=`, or
//!   `CONTAINS` on collections, whose index holds their values). Otherwise every restriction the key does
//!   not answer is *filtered*, and the server reads through an index only when exactly one
//!   such restriction remains and an index answers it.
//! - A secondary-index read cannot be combined with `IN` on the partition key, a column
//!   takes one `=` or `IN` and nothing else (or one lower and one upper bound), and a
//!   tuple slice starts at the first clustering column not compared with `=` or `IN`: the
//!   server refuses these even with `ALLOW FILTERING`.

use crate::condition::Operator;
use crate::cql_type::CqlType;
use crate::meta::{ColumnMeta, KeyRole, TableMeta};
use crate::query::AccessPath;

/// What one restriction compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject<'a> {
    /// A column, by CQL name.
    Column(&'a str),
    /// `token(<partition key>)`.
    Token,
    /// Clustering columns compared as one tuple, in the order written.
    Tuple(&'a [&'a str]),
}

/// One restriction of a `WHERE` clause: a subject and an operator (values do not matter
/// to the rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restriction<'a> {
    /// What is compared.
    pub subject: Subject<'a>,
    /// How.
    pub operator: Operator,
}

impl<'a> Restriction<'a> {
    /// `column <operator> ?`.
    pub const fn column(name: &'a str, operator: Operator) -> Self {
        Restriction {
            subject: Subject::Column(name),
            operator,
        }
    }
}

/// The rule's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The server reads the rows this way, without `ALLOW FILTERING`.
    Path(AccessPath),
    /// The server refuses the query unless it carries `ALLOW FILTERING`.
    NeedsFiltering(Filtering),
    /// The server refuses the query, with or without `ALLOW FILTERING`.
    Invalid(Invalid),
}

/// Why the server would have to filter rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filtering {
    /// A partition-key column is compared with a range.
    PartitionKeyRange {
        /// The column.
        column: &'static str,
        /// Its operator.
        operator: Operator,
    },
    /// Some partition-key columns are restricted, `missing` is not.
    PartitionKeyIncomplete {
        /// The first partition-key column left unrestricted.
        missing: &'static str,
    },
    /// A clustering column is restricted while the partition key is not.
    NoPartitionKey {
        /// The clustering column.
        column: &'static str,
        /// An earlier clustering column that must be compared with `=` or `IN` too (the
        /// clustering restrictions are not a prefix either).
        then_restrict: Option<&'static str>,
    },
    /// A clustering column is restricted, but `missing` before it is not.
    ClusteringGap {
        /// The restricted column.
        column: &'static str,
        /// The unrestricted column before it.
        missing: &'static str,
    },
    /// A clustering column is restricted after a range on an earlier one.
    AfterRange {
        /// The restricted column.
        column: &'static str,
        /// The earlier column with the range.
        ranged: &'static str,
        /// Whether `column` is compared with a range too (two separate ranges: a tuple
        /// condition is probably what was meant).
        both_ranges: bool,
    },
    /// A column outside the primary key without an index.
    NotIndexed {
        /// The column.
        column: &'static str,
    },
    /// An indexed column compared with an operator its index does not answer.
    IndexOperator {
        /// The column.
        column: &'static str,
        /// The operator.
        operator: Operator,
        /// The operator the index answers.
        answers: Operator,
    },
    /// Several conditions need an index; the server reads one and filters by the others.
    SeveralIndexed {
        /// The first.
        first: &'static str,
        /// Another one.
        second: &'static str,
    },
}

/// Why the server refuses a query outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    /// A name that is not a column of the table.
    UnknownColumn,
    /// A column (or the token) restricted twice in a way CQL does not merge.
    DoubleRestriction {
        /// The column, or `token` for the partition-key token.
        column: &'static str,
        /// The first operator.
        first: Operator,
        /// The second operator.
        second: Operator,
    },
    /// A tuple condition names a column that is not a clustering column.
    TupleNotClustering {
        /// The column.
        column: &'static str,
    },
    /// A tuple condition's columns are not consecutive clustering columns in key order.
    TupleOrder {
        /// The column out of place.
        column: &'static str,
        /// The column that must come at its place.
        expected: &'static str,
    },
    /// A tuple slice starts after a clustering column not compared with `=` or `IN`.
    TupleSliceStart {
        /// The tuple's first column.
        first: &'static str,
        /// The earlier clustering column not compared with `=` or `IN`.
        before: &'static str,
    },
    /// A tuple condition with no column.
    EmptyTuple,
    /// `IN` on the partition key together with a secondary-index read.
    IndexWithPartitionIn {
        /// An indexed column the server would read through.
        index: &'static str,
    },
}

/// How the server finds the rows `restrictions` select in `table`, or why it refuses them.
///
/// # Example
/// ```
/// use orm_core::Model;
/// use orm_core::query::rule::{Restriction, Verdict, decide};
/// use orm_core::{AccessPath, Operator};
///
/// #[derive(Model)]
/// struct Video {
///     #[orm(partition_key)]
///     user_id: i64,
///     #[orm(clustering_key, index)]
///     added: i64,
///     title: String,
/// }
///
/// const BY_DATE: Verdict = decide(Video::TABLE, &[Restriction::column("added", Operator::Eq)]);
/// assert_eq!(BY_DATE, Verdict::Path(AccessPath::Index("added")));
/// assert!(matches!(
///     decide(Video::TABLE, &[Restriction::column("title", Operator::Eq)]),
///     Verdict::NeedsFiltering(_)
/// ));
/// ```
pub const fn decide(table: &TableMeta, restrictions: &[Restriction<'_>]) -> Verdict {
    if let Some(invalid) = shape_problem(table, restrictions) {
        return Verdict::Invalid(invalid);
    }
    if let Some(invalid) = double_restriction(table, restrictions) {
        return Verdict::Invalid(invalid);
    }
    let clustering = match clustering_prefix(table, restrictions) {
        Ok(problem) => problem,
        Err(invalid) => return Verdict::Invalid(invalid),
    };
    let key = partition_key(table, restrictions);
    let prefix = clustering.is_none();

    // The restrictions the key does not answer, which an index must answer or the
    // server filters.
    let mut unanswered = 0;
    let mut first_unanswered: Option<usize> = None;
    let mut any_indexed: Option<&'static str> = None;
    let mut i = 0;
    while i < restrictions.len() {
        let restriction = restrictions[i];
        if key_leaves(table, restriction, key.complete, prefix) {
            unanswered += 1;
            if first_unanswered.is_none() {
                first_unanswered = Some(i);
            }
        }
        if any_indexed.is_none() {
            any_indexed = index_answering(table, restriction);
        }
        i += 1;
    }

    if key.has_in
        && unanswered > 0
        && let Some(index) = any_indexed
    {
        return Verdict::Invalid(Invalid::IndexWithPartitionIn { index });
    }
    if unanswered == 0 {
        return Verdict::Path(if key.complete {
            if key.has_in {
                AccessPath::Partitions
            } else {
                AccessPath::SinglePartition
            }
        } else if key.token {
            AccessPath::TokenRange
        } else {
            AccessPath::FullScan
        });
    }
    if unanswered == 1
        && let Some(at) = first_unanswered
        && let Some(index) = index_answering(table, restrictions[at])
    {
        return Verdict::Path(if key.complete {
            AccessPath::SinglePartition
        } else {
            AccessPath::Index(index)
        });
    }
    Verdict::NeedsFiltering(filtering_reason(table, restrictions, key, clustering))
}

/// What the restrictions do to the partition key.
#[derive(Clone, Copy)]
struct KeyShape {
    /// Every partition-key column compared with `=` or `IN`.
    complete: bool,
    /// Some partition-key column compared with `IN`.
    has_in: bool,
    /// A token restriction is present.
    token: bool,
}

const fn partition_key(table: &TableMeta, restrictions: &[Restriction<'_>]) -> KeyShape {
    let mut complete = true;
    let mut has_in = false;
    let mut i = 0;
    while i < table.columns.len() {
        let column = &table.columns[i];
        if matches!(column.role, KeyRole::PartitionKey) {
            let mut found = false;
            let mut j = 0;
            while j < restrictions.len() {
                if let Subject::Column(name) = restrictions[j].subject
                    && str_eq(name, column.name)
                {
                    match restrictions[j].operator {
                        Operator::Eq => found = true,
                        Operator::In => {
                            found = true;
                            has_in = true;
                        }
                        _ => {}
                    }
                }
                j += 1;
            }
            if !found {
                complete = false;
            }
        }
        i += 1;
    }
    let mut token = false;
    let mut j = 0;
    while j < restrictions.len() {
        if matches!(restrictions[j].subject, Subject::Token) {
            token = true;
        }
        j += 1;
    }
    KeyShape {
        complete,
        has_in,
        token,
    }
}

/// Whether the key leaves `restriction` to an index or to filtering.
const fn key_leaves(
    table: &TableMeta,
    restriction: Restriction<'_>,
    key_complete: bool,
    prefix: bool,
) -> bool {
    match restriction.subject {
        Subject::Token => false,
        Subject::Tuple(_) => !key_complete || !prefix,
        Subject::Column(name) => match find(table, name) {
            Some(column) => match column.role {
                KeyRole::PartitionKey => !key_complete,
                KeyRole::ClusteringKey(_) => !key_complete || !prefix,
                KeyRole::Static | KeyRole::Regular => true,
            },
            None => true,
        },
    }
}

/// The indexed column that answers `restriction`, if one does.
const fn index_answering(table: &TableMeta, restriction: Restriction<'_>) -> Option<&'static str> {
    let Subject::Column(name) = restriction.subject else {
        return None;
    };
    let Some(column) = find(table, name) else {
        return None;
    };
    if !column.indexed {
        return None;
    }
    if matches!(restriction.operator, Operator::Eq)
        && matches!(indexed_operator(column), Operator::Eq)
        || matches!(restriction.operator, Operator::Contains)
            && matches!(indexed_operator(column), Operator::Contains)
    {
        Some(column.name)
    } else {
        None
    }
}

/// The operator a column's secondary index (`CREATE INDEX ... (column)`) answers: `=`,
/// or `CONTAINS` for a collection that is not frozen (a map's index holds its values, so
/// `CONTAINS KEY` is filtered).
const fn indexed_operator(column: &ColumnMeta) -> Operator {
    match column.cql_type {
        CqlType::List(_) | CqlType::Set(_) | CqlType::Map(..) => Operator::Contains,
        _ => Operator::Eq,
    }
}

/// Unknown columns and malformed tuples.
const fn shape_problem(table: &TableMeta, restrictions: &[Restriction<'_>]) -> Option<Invalid> {
    let mut i = 0;
    while i < restrictions.len() {
        match restrictions[i].subject {
            Subject::Token => {}
            Subject::Column(name) => {
                if find(table, name).is_none() {
                    return Some(Invalid::UnknownColumn);
                }
            }
            Subject::Tuple(names) => {
                if let Some(invalid) = tuple_problem(table, names) {
                    return Some(invalid);
                }
            }
        }
        i += 1;
    }
    None
}

/// A tuple names consecutive clustering columns in clustering order.
pub(crate) const fn tuple_problem(table: &TableMeta, names: &[&str]) -> Option<Invalid> {
    if names.is_empty() {
        return Some(Invalid::EmptyTuple);
    }
    let mut previous: Option<usize> = None;
    let mut i = 0;
    while i < names.len() {
        let Some(column) = find(table, names[i]) else {
            return Some(Invalid::UnknownColumn);
        };
        let Some(position) = clustering_position(table, column.name) else {
            return Some(Invalid::TupleNotClustering {
                column: column.name,
            });
        };
        if let Some(before) = previous
            && position != before + 1
        {
            let expected = match clustering_at(table, before + 1) {
                Some(expected) => expected.name,
                None => column.name,
            };
            return Some(Invalid::TupleOrder {
                column: column.name,
                expected,
            });
        }
        previous = Some(position);
        i += 1;
    }
    None
}

/// How two restrictions on one column (or on the token) combine.
const fn double_restriction(
    table: &TableMeta,
    restrictions: &[Restriction<'_>],
) -> Option<Invalid> {
    let mut i = 0;
    while i < restrictions.len() {
        let mut j = i + 1;
        while j < restrictions.len() {
            if let Some(invalid) = conflict(table, restrictions[i], restrictions[j]) {
                return Some(invalid);
            }
            j += 1;
        }
        i += 1;
    }
    None
}

/// Whether `a` and `b` restrict a common column in a way the server cannot merge.
const fn conflict(table: &TableMeta, a: Restriction<'_>, b: Restriction<'_>) -> Option<Invalid> {
    if let (Subject::Token, Subject::Token) = (a.subject, b.subject) {
        return if bounds_merge(a.operator, b.operator) {
            None
        } else {
            Some(Invalid::DoubleRestriction {
                column: "token",
                first: a.operator,
                second: b.operator,
            })
        };
    }
    let mut i = 0;
    while i < column_count(a.subject) {
        let mut j = 0;
        while j < column_count(b.subject) {
            let name = column_at(a.subject, i);
            if str_eq(name, column_at(b.subject, j)) {
                // Two slices merge when both start at this column and bound it from
                // opposite sides: `c1 > ? AND (c1, c2) < (?, ?)`.
                if i == 0 && j == 0 && bounds_merge(a.operator, b.operator) {
                    return None;
                }
                let column = match find(table, name) {
                    Some(column) => column.name,
                    None => "",
                };
                return Some(Invalid::DoubleRestriction {
                    column,
                    first: a.operator,
                    second: b.operator,
                });
            }
            j += 1;
        }
        i += 1;
    }
    None
}

/// One lower and one upper bound merge, and several `CONTAINS` on one collection (the
/// server filters those); anything else on one column does not.
const fn bounds_merge(a: Operator, b: Operator) -> bool {
    is_lower(a) && is_upper(b) || is_upper(a) && is_lower(b) || is_contains(a) && is_contains(b)
}

const fn is_lower(operator: Operator) -> bool {
    matches!(operator, Operator::Gt | Operator::Ge)
}

const fn is_upper(operator: Operator) -> bool {
    matches!(operator, Operator::Lt | Operator::Le)
}

const fn is_contains(operator: Operator) -> bool {
    matches!(operator, Operator::Contains | Operator::ContainsKey)
}

/// How many columns a subject restricts (none for the token).
const fn column_count(subject: Subject<'_>) -> usize {
    match subject {
        Subject::Column(_) => 1,
        Subject::Tuple(names) => names.len(),
        Subject::Token => 0,
    }
}

/// The `i`-th column a subject restricts.
const fn column_at<'a>(subject: Subject<'a>, i: usize) -> &'a str {
    match subject {
        Subject::Column(name) => name,
        Subject::Tuple(names) => names[i],
        Subject::Token => "",
    }
}

/// How a clustering column is restricted, from every restriction naming it.
#[derive(Clone, Copy)]
struct ClusteringUse {
    /// By `=` or `IN` (alone or inside a tuple).
    eq: bool,
    /// By a range on this column, or a tuple slice starting here.
    range: bool,
    /// By anything else (`CONTAINS`, ...).
    other: bool,
    /// A tuple slice starting here covers this many columns.
    tuple_slice: usize,
    /// A tuple `=` / `IN` starting here covers this many columns.
    tuple_eq: usize,
}

const fn clustering_use(restrictions: &[Restriction<'_>], column: &str) -> ClusteringUse {
    let mut usage = ClusteringUse {
        eq: false,
        range: false,
        other: false,
        tuple_slice: 0,
        tuple_eq: 0,
    };
    let mut i = 0;
    while i < restrictions.len() {
        let restriction = restrictions[i];
        let eq = matches!(restriction.operator, Operator::Eq | Operator::In);
        let range = restriction.operator.is_range();
        match restriction.subject {
            Subject::Column(name) if str_eq(name, column) => {
                if eq {
                    usage.eq = true;
                } else if range {
                    usage.range = true;
                } else {
                    usage.other = true;
                }
            }
            Subject::Tuple(names) if str_eq(names[0], column) => {
                if eq {
                    usage.eq = true;
                    if names.len() > usage.tuple_eq {
                        usage.tuple_eq = names.len();
                    }
                } else {
                    usage.range = true;
                    if names.len() > usage.tuple_slice {
                        usage.tuple_slice = names.len();
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    usage
}

/// Whether the clustering restrictions form a prefix: `Ok(None)` if they do,
/// `Ok(Some(problem))` if the server must filter, `Err` for a tuple slice that cannot
/// start where it does.
const fn clustering_prefix(
    table: &TableMeta,
    restrictions: &[Restriction<'_>],
) -> Result<Option<Filtering>, Invalid> {
    let mut problem: Option<Filtering> = None;
    // The column that ended the prefix: a gap (`ranged == false`) or a range.
    let mut ended: Option<(&'static str, bool)> = None;
    let mut eq_until = 0;
    let mut slice_until = 0;
    let mut position = 0;
    while let Some(column) = clustering_at(table, position) {
        let usage = clustering_use(restrictions, column.name);
        if usage.tuple_slice > 0
            && let Some((before, _)) = ended
        {
            return Err(Invalid::TupleSliceStart {
                first: column.name,
                before,
            });
        }
        let inside_eq_tuple = position < eq_until;
        let inside_slice = position < slice_until;
        if position + usage.tuple_eq > eq_until {
            eq_until = position + usage.tuple_eq;
        }
        if position + usage.tuple_slice > slice_until {
            slice_until = position + usage.tuple_slice;
        }
        let restricted = usage.eq || usage.range || usage.other || inside_eq_tuple;
        match ended {
            None => {
                if usage.range || usage.other {
                    ended = Some((column.name, true));
                } else if !usage.eq && !inside_eq_tuple {
                    ended = Some((column.name, false));
                }
            }
            Some((before, ranged)) => {
                if restricted && !inside_slice && problem.is_none() {
                    problem = Some(if ranged {
                        Filtering::AfterRange {
                            column: column.name,
                            ranged: before,
                            both_ranges: usage.range,
                        }
                    } else {
                        Filtering::ClusteringGap {
                            column: column.name,
                            missing: before,
                        }
                    });
                }
            }
        }
        position += 1;
    }
    Ok(problem)
}

/// The first reason the server would filter, in the order a user fixes them: the
/// partition key, the clustering prefix, then the other columns.
const fn filtering_reason(
    table: &TableMeta,
    restrictions: &[Restriction<'_>],
    key: KeyShape,
    clustering: Option<Filtering>,
) -> Filtering {
    let mut partition_touched = false;
    let mut first_clustering: Option<&'static str> = None;
    let mut i = 0;
    while i < restrictions.len() {
        let restriction = restrictions[i];
        match restriction.subject {
            Subject::Column(name) => {
                if let Some(column) = find(table, name) {
                    match column.role {
                        KeyRole::PartitionKey => {
                            partition_touched = true;
                            if !matches!(restriction.operator, Operator::Eq | Operator::In) {
                                return Filtering::PartitionKeyRange {
                                    column: column.name,
                                    operator: restriction.operator,
                                };
                            }
                        }
                        KeyRole::ClusteringKey(_) => {
                            if first_clustering.is_none() {
                                first_clustering = Some(column.name);
                            }
                        }
                        KeyRole::Static | KeyRole::Regular => {}
                    }
                }
            }
            Subject::Tuple(names) => {
                if first_clustering.is_none()
                    && let Some(column) = find(table, names[0])
                {
                    first_clustering = Some(column.name);
                }
            }
            Subject::Token => {}
        }
        i += 1;
    }
    if !key.complete {
        if partition_touched {
            let mut i = 0;
            while i < table.columns.len() {
                let column = &table.columns[i];
                if matches!(column.role, KeyRole::PartitionKey)
                    && !key_column_found(restrictions, column.name)
                {
                    return Filtering::PartitionKeyIncomplete {
                        missing: column.name,
                    };
                }
                i += 1;
            }
        }
        if let Some(column) = first_clustering {
            let then_restrict = match clustering {
                Some(Filtering::ClusteringGap { missing, .. }) => Some(missing),
                Some(Filtering::AfterRange { ranged, .. }) => Some(ranged),
                _ => None,
            };
            return Filtering::NoPartitionKey {
                column,
                then_restrict,
            };
        }
    }
    if let Some(problem) = clustering {
        return problem;
    }
    let mut first: Option<&'static str> = None;
    let mut i = 0;
    while i < restrictions.len() {
        let restriction = restrictions[i];
        if let Subject::Column(name) = restriction.subject
            && let Some(column) = find(table, name)
            && matches!(column.role, KeyRole::Static | KeyRole::Regular)
        {
            if !column.indexed {
                return Filtering::NotIndexed {
                    column: column.name,
                };
            }
            if index_answering(table, restriction).is_none() {
                return Filtering::IndexOperator {
                    column: column.name,
                    operator: restriction.operator,
                    answers: indexed_operator(column),
                };
            }
            match first {
                None => first = Some(column.name),
                Some(first) => {
                    return Filtering::SeveralIndexed {
                        first,
                        second: column.name,
                    };
                }
            }
        }
        i += 1;
    }
    // Not reached for restrictions the rule refused; a neutral reason all the same.
    Filtering::SeveralIndexed {
        first: match first {
            Some(name) => name,
            None => "",
        },
        second: "",
    }
}

/// Whether a partition-key column is compared with `=` or `IN`.
const fn key_column_found(restrictions: &[Restriction<'_>], column: &str) -> bool {
    let mut i = 0;
    while i < restrictions.len() {
        if let Subject::Column(name) = restrictions[i].subject
            && str_eq(name, column)
            && matches!(restrictions[i].operator, Operator::Eq | Operator::In)
        {
            return true;
        }
        i += 1;
    }
    false
}

/// The column named `name`.
pub(crate) const fn find(table: &TableMeta, name: &str) -> Option<&'static ColumnMeta> {
    let columns: &'static [ColumnMeta] = table.columns;
    let mut i = 0;
    while i < columns.len() {
        if str_eq(columns[i].name, name) {
            return Some(&columns[i]);
        }
        i += 1;
    }
    None
}

/// The position of a clustering column in the clustering key.
const fn clustering_position(table: &TableMeta, name: &str) -> Option<usize> {
    let mut position = 0;
    let mut i = 0;
    while i < table.columns.len() {
        let column = &table.columns[i];
        if matches!(column.role, KeyRole::ClusteringKey(_)) {
            if str_eq(column.name, name) {
                return Some(position);
            }
            position += 1;
        }
        i += 1;
    }
    None
}

/// The clustering column at `position` in the clustering key.
pub(crate) const fn clustering_at(
    table: &TableMeta,
    position: usize,
) -> Option<&'static ColumnMeta> {
    let columns: &'static [ColumnMeta] = table.columns;
    let mut seen = 0;
    let mut i = 0;
    while i < columns.len() {
        if matches!(columns[i].role, KeyRole::ClusteringKey(_)) {
            if seen == position {
                return Some(&columns[i]);
            }
            seen += 1;
        }
        i += 1;
    }
    None
}

/// `a == b`, in a `const fn`.
pub(crate) const fn str_eq(a: &str, b: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::ClusteringOrder;

    const INT: CqlType = CqlType::Native("int");
    const SET: CqlType = CqlType::Set(&INT);
    const MAP: CqlType = CqlType::Map(&INT, &INT);

    const fn column(name: &'static str, role: KeyRole, indexed: bool) -> ColumnMeta {
        ColumnMeta {
            name,
            field: name,
            cql_type: match name.as_bytes() {
                b"tags" => &SET,
                b"scores" => &MAP,
                _ => &INT,
            },
            role,
            indexed,
        }
    }

    const fn table(name: &'static str, columns: &'static [ColumnMeta]) -> TableMeta {
        TableMeta {
            model: name,
            name,
            keyspace: None,
            columns,
            default_ttl: None,
            options: None,
        }
    }

    const CK: KeyRole = KeyRole::ClusteringKey(ClusteringOrder::Asc);

    /// pk | c1, c2, c3 | static s | r, q, tags: nothing indexed.
    const PLAIN: TableMeta = table(
        "Plain",
        &[
            column("pk", KeyRole::PartitionKey, false),
            column("c1", CK, false),
            column("c2", CK, false),
            column("c3", CK, false),
            column("s", KeyRole::Static, false),
            column("r", KeyRole::Regular, false),
            column("q", KeyRole::Regular, false),
            column("tags", KeyRole::Regular, false),
        ],
    );

    /// `PLAIN` with indexes on c1, c2, s, r, q and tags.
    const INDEXED: TableMeta = table(
        "Indexed",
        &[
            column("pk", KeyRole::PartitionKey, false),
            column("c1", CK, true),
            column("c2", CK, true),
            column("c3", CK, false),
            column("s", KeyRole::Static, true),
            column("r", KeyRole::Regular, true),
            column("q", KeyRole::Regular, true),
            column("tags", KeyRole::Regular, true),
            column("scores", KeyRole::Regular, true),
        ],
    );

    /// (p1 indexed, p2) | c | r.
    const COMPOSITE: TableMeta = table(
        "Composite",
        &[
            column("p1", KeyRole::PartitionKey, true),
            column("p2", KeyRole::PartitionKey, false),
            column("c", CK, false),
            column("r", KeyRole::Regular, false),
        ],
    );

    #[derive(Debug, PartialEq)]
    enum Kind {
        Ok,
        Filter,
        Refuse,
    }

    /// Parses `pk = AND c1 > AND (c1,c2) <=` into restrictions and decides.
    fn kind(table: &TableMeta, clause: &str) -> Kind {
        let names: Vec<Vec<&str>> = clause
            .split(" AND ")
            .map(|part| {
                let (subject, _) = part.split_once(' ').unwrap();
                subject
                    .trim_matches(|c| c == '(' || c == ')')
                    .split(',')
                    .collect()
            })
            .collect();
        let restrictions: Vec<Restriction<'_>> = clause
            .split(" AND ")
            .zip(&names)
            .map(|(part, names)| {
                let (subject, operator) = part.split_once(' ').unwrap();
                let operator = operator.parse().unwrap();
                let subject = if subject == "token" {
                    Subject::Token
                } else if subject.starts_with('(') {
                    Subject::Tuple(names)
                } else {
                    Subject::Column(names[0])
                };
                Restriction { subject, operator }
            })
            .collect();
        match decide(table, &restrictions) {
            Verdict::Path(_) => Kind::Ok,
            Verdict::NeedsFiltering(_) => Kind::Filter,
            Verdict::Invalid(_) => Kind::Refuse,
        }
    }

    /// What Cassandra 5.0 answered for each shape (the `access_paths` integration test
    /// checks the rule against the server itself).
    #[test]
    fn the_rule_matches_what_the_server_answered() {
        use Kind::*;
        let cases: &[(&TableMeta, &str, Kind)] = &[
            (&PLAIN, "pk =", Ok),
            (&PLAIN, "pk IN", Ok),
            (&PLAIN, "pk >", Filter),
            (&PLAIN, "pk >= AND pk <", Filter),
            (&PLAIN, "pk = AND pk =", Refuse),
            (&PLAIN, "pk IN AND pk >", Refuse),
            (&PLAIN, "c1 =", Filter),
            (&PLAIN, "pk = AND c2 =", Filter),
            (&PLAIN, "pk = AND c1 > AND c2 =", Filter),
            (&PLAIN, "pk = AND c1 > AND c2 >", Filter),
            (&PLAIN, "pk = AND c1 = AND c1 >", Refuse),
            (&PLAIN, "pk = AND c1 > AND c1 >=", Refuse),
            (&PLAIN, "pk = AND c1 > AND c1 <", Ok),
            (&PLAIN, "pk = AND c1 IN AND c2 >", Ok),
            (&PLAIN, "pk = AND c1 IN AND c1 =", Refuse),
            (&PLAIN, "pk = AND r =", Filter),
            (&PLAIN, "r IN", Filter),
            (&PLAIN, "r = AND r >", Refuse),
            (&PLAIN, "r > AND r <", Filter),
            (&PLAIN, "r > AND r >", Refuse),
            (&PLAIN, "tags CONTAINS AND tags CONTAINS", Filter),
            (&PLAIN, "pk = AND (c1,c2) <=", Ok),
            (&PLAIN, "pk = AND (c1,c2) IN", Ok),
            (&PLAIN, "pk = AND (c2,c3) >", Refuse),
            (&PLAIN, "pk = AND (c2,c3) =", Filter),
            (&PLAIN, "pk = AND c1 = AND (c2,c3) >", Ok),
            (&PLAIN, "pk = AND c1 > AND (c2,c3) >", Refuse),
            (&PLAIN, "pk = AND (c1,c2) > AND c3 =", Filter),
            (&PLAIN, "pk = AND (c1,c2) > AND (c1,c2) <", Ok),
            (&PLAIN, "pk = AND (c1,c2) > AND c1 <", Ok),
            (&PLAIN, "pk = AND (c1,c2) > AND c2 <", Refuse),
            (&PLAIN, "pk = AND (c1,c2) > AND (c1,c2) >", Refuse),
            (&PLAIN, "pk = AND (c1,c3) >", Refuse),
            (&PLAIN, "pk = AND (c2,c1) >", Refuse),
            (&PLAIN, "pk = AND (c1,r) >", Refuse),
            (&PLAIN, "pk = AND (c1,c2) = AND c1 =", Refuse),
            (&PLAIN, "pk = AND c1 < AND (c1,c2) <", Refuse),
            (&PLAIN, "(c1,c2) <=", Filter),
            (&PLAIN, "pk IN AND (c1,c2) <=", Ok),
            (&PLAIN, "pk IN AND r =", Filter),
            (&PLAIN, "token >", Ok),
            (&PLAIN, "token > AND token <", Ok),
            (&PLAIN, "token > AND token >", Refuse),
            (&PLAIN, "token > AND c1 =", Filter),
            (&PLAIN, "token > AND pk =", Ok),
            (&INDEXED, "c1 =", Ok),
            (&INDEXED, "c1 >", Filter),
            (&INDEXED, "c1 IN", Filter),
            (&INDEXED, "c2 =", Ok),
            (&INDEXED, "pk = AND c2 =", Ok),
            (&INDEXED, "pk = AND c2 >", Filter),
            (&INDEXED, "pk = AND c1 > AND c2 =", Filter),
            (&INDEXED, "pk = AND c3 =", Filter),
            (&INDEXED, "c1 = AND c2 =", Filter),
            (&INDEXED, "pk = AND c1 = AND c2 =", Ok),
            (&INDEXED, "s =", Ok),
            (&INDEXED, "r =", Ok),
            (&INDEXED, "r >", Filter),
            (&INDEXED, "pk = AND r =", Ok),
            (&INDEXED, "pk IN AND r =", Refuse),
            (&INDEXED, "pk IN AND c2 =", Refuse),
            (&INDEXED, "pk IN AND c1 =", Ok),
            (&INDEXED, "pk IN AND c1 = AND r >", Refuse),
            (&INDEXED, "pk IN AND r >", Filter),
            (&INDEXED, "pk = AND c1 > AND r =", Ok),
            (&INDEXED, "c1 = AND r =", Filter),
            (&INDEXED, "r = AND q =", Filter),
            (&INDEXED, "pk = AND r = AND q =", Filter),
            (&INDEXED, "pk = AND c2 = AND r =", Filter),
            (&INDEXED, "r = AND token >", Ok),
            (&INDEXED, "token > AND c2 =", Ok),
            (&INDEXED, "tags CONTAINS", Ok),
            (&INDEXED, "tags CONTAINS AND tags CONTAINS", Filter),
            (&INDEXED, "scores CONTAINS", Ok),
            (&INDEXED, "scores CONTAINS KEY", Filter),
            (&INDEXED, "pk = AND (c1,c2) > AND r =", Ok),
            (&INDEXED, "r = AND (c1,c2) >", Filter),
            (&COMPOSITE, "p1 =", Ok),
            (&COMPOSITE, "p1 IN", Filter),
            (&COMPOSITE, "p1 >", Filter),
            (&COMPOSITE, "p2 =", Filter),
            (&COMPOSITE, "p1 = AND p2 IN", Ok),
            (&COMPOSITE, "p1 = AND p2 >", Filter),
            (&COMPOSITE, "p1 = AND c =", Filter),
            (&COMPOSITE, "p1 = AND r =", Filter),
            (&COMPOSITE, "p1 = AND p2 IN AND c = AND r =", Refuse),
        ];
        let wrong: Vec<String> = cases
            .iter()
            .filter_map(|(table, clause, expected)| {
                let got = kind(table, clause);
                (got != *expected)
                    .then(|| format!("{} {clause}: {got:?}, expected {expected:?}", table.model))
            })
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn refusals_name_the_real_problem() {
        let restriction = |name, operator| Restriction::column(name, operator);
        assert_eq!(
            decide(
                &PLAIN,
                &[
                    restriction("pk", Operator::Eq),
                    restriction("c1", Operator::Ge),
                    restriction("c2", Operator::Le),
                ]
            ),
            Verdict::NeedsFiltering(Filtering::AfterRange {
                column: "c2",
                ranged: "c1",
                both_ranges: true
            })
        );
        assert_eq!(
            decide(&COMPOSITE, &[restriction("p1", Operator::In)]),
            Verdict::NeedsFiltering(Filtering::PartitionKeyIncomplete { missing: "p2" })
        );
        assert_eq!(
            decide(&PLAIN, &[restriction("c1", Operator::Eq)]),
            Verdict::NeedsFiltering(Filtering::NoPartitionKey {
                column: "c1",
                then_restrict: None
            })
        );
        assert_eq!(
            decide(&PLAIN, &[restriction("c2", Operator::Eq)]),
            Verdict::NeedsFiltering(Filtering::NoPartitionKey {
                column: "c2",
                then_restrict: Some("c1")
            })
        );
        assert_eq!(
            decide(
                &INDEXED,
                &[
                    restriction("pk", Operator::Eq),
                    restriction("r", Operator::Gt)
                ]
            ),
            Verdict::NeedsFiltering(Filtering::IndexOperator {
                column: "r",
                operator: Operator::Gt,
                answers: Operator::Eq
            })
        );
        assert_eq!(
            decide(
                &PLAIN,
                &[
                    restriction("pk", Operator::Eq),
                    restriction("pk", Operator::Ge)
                ]
            ),
            Verdict::Invalid(Invalid::DoubleRestriction {
                column: "pk",
                first: Operator::Eq,
                second: Operator::Ge
            })
        );
    }

    /// The derive's check is the same rule, evaluated at compile time: an indexed
    /// clustering column (first or second) and an indexed part of a composite partition
    /// key are accepted.
    #[test]
    fn the_compile_time_check_is_the_same_rule() {
        const _: () = crate::relation::check_access(&INDEXED, "c2", false, "missing", "scan");
        const _: () = crate::relation::check_access(&INDEXED, "c1", false, "missing", "scan");
        const _: () = crate::relation::check_access(&COMPOSITE, "p1", false, "missing", "scan");
        const _: () = crate::relation::check_access(&PLAIN, "pk", false, "missing", "scan");
        const _: () = crate::relation::check_access(&PLAIN, "c1", true, "missing", "scan");
        let refused = std::panic::catch_unwind(|| {
            crate::relation::check_access(&PLAIN, "c1", false, "missing", "scan")
        });
        assert!(
            refused.is_err(),
            "an unindexed clustering column is refused"
        );
    }
}
