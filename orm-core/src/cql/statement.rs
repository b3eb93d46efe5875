//! One description of a DML statement: its table, what it reads or writes, its conditions,
//! ordering, limits, `USING` and `IF`. Never its values: those are bound, so a description
//! is the statement's *shape*, and equal shapes render the same text.

use crate::condition::{Condition, Operator, Target};
use crate::meta::{ClusteringOrder, ColumnMeta, KeyRole, TableMeta};
use crate::query::Computed;

/// A `SELECT`, `INSERT`, `UPDATE` or `DELETE`, without its values.
///
/// [`render`](Statement::render) writes its CQL; the fixed-shape cache
/// ([`crate::cql::fixed`]) keys on it, so it hashes and compares by content.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Statement {
    pub table: Table,
    pub action: Action,
    pub using: Using,
    /// The `WHERE` conditions, joined by `AND`.
    pub conditions: Vec<Cond>,
    /// `ORDER BY`, for a `SELECT`.
    pub orderings: Vec<(&'static str, ClusteringOrder)>,
    /// `PER PARTITION LIMIT ?`.
    pub per_partition_limit: bool,
    /// `LIMIT ?`.
    pub limit: bool,
    pub allow_filtering: bool,
    pub guard: Guard,
}

/// The table a statement names: `"keyspace"."table"` when the model pins a keyspace.
///
/// Equal by keyspace and name; its columns give `token(...)` its partition key.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Table {
    pub keyspace: Option<&'static str>,
    pub name: &'static str,
    pub columns: &'static [ColumnMeta],
}

impl Table {
    pub fn of(table: &TableMeta) -> Self {
        Table {
            keyspace: table.keyspace,
            name: table.name,
            columns: table.columns,
        }
    }

    /// The partition-key column names, in key order.
    pub fn partition_key(&self) -> impl Iterator<Item = &'static str> {
        let columns: &'static [ColumnMeta] = self.columns;
        columns
            .iter()
            .filter(|c| c.role == KeyRole::PartitionKey)
            .map(|c| c.name)
    }
}

impl PartialEq for Table {
    fn eq(&self, other: &Self) -> bool {
        self.keyspace == other.keyspace && self.name == other.name
    }
}

impl Eq for Table {}

impl std::hash::Hash for Table {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.keyspace.hash(state);
        self.name.hash(state);
    }
}

/// What a statement does to its rows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Action {
    /// `SELECT <selectors>`.
    Select(Vec<Selector>),
    /// `SELECT COUNT(*)`.
    Count,
    /// `INSERT INTO t (<columns>) VALUES (?, ...)`.
    Insert(Vec<&'static str>),
    /// `UPDATE t SET <assignments>`.
    Update(Vec<Set>),
    /// `DELETE FROM t`.
    Delete,
}

/// One selected result column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Selector {
    /// `"column"`.
    Column(&'static str),
    /// `TTL("column") AS "name"` or `WRITETIME(...)`.
    Computed(&'static Computed),
}

/// One `SET` item, by column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Set {
    /// `c = ?`
    Value(&'static str),
    /// `c = c + ?`
    Add(&'static str),
    /// `c = c - ?`
    Subtract(&'static str),
    /// `c = ? + c`
    Prepend(&'static str),
    /// `c[?] = ?`
    Put(&'static str),
}

/// One comparison with a bound value: `"c" >= ?`, `token(...) > ?`, `("a", "b") < ?`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Cond {
    pub target: Target,
    pub operator: Operator,
}

impl Cond {
    /// The shape of `condition` (its value left out).
    pub fn of<M>(condition: &Condition<M>) -> Self {
        Cond {
            target: condition.target,
            operator: condition.operator,
        }
    }

    /// The shapes of `conditions`.
    pub fn all<M>(conditions: &[Condition<M>]) -> Vec<Self> {
        conditions.iter().map(Cond::of).collect()
    }

    /// `"column" = ?`.
    pub fn eq(column: &'static str) -> Self {
        Cond {
            target: Target::Column(column),
            operator: Operator::Eq,
        }
    }
}

/// `USING TTL ? AND TIMESTAMP ?`: which of the two are bound.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(crate) struct Using {
    pub ttl: bool,
    pub timestamp: bool,
}

/// A write's condition: none, `IF EXISTS`, `IF NOT EXISTS` or `IF <conditions>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub(crate) enum Guard {
    #[default]
    None,
    Exists,
    NotExists,
    Conditions(Vec<Cond>),
}

impl Guard {
    /// `IF EXISTS` when `if_exists`, else `IF <conditions>` when there are any.
    pub fn of<M>(if_exists: bool, conditions: &[Condition<M>]) -> Self {
        if if_exists {
            Guard::Exists
        } else if conditions.is_empty() {
            Guard::None
        } else {
            Guard::Conditions(Cond::all(conditions))
        }
    }
}

impl Statement {
    /// A statement on `table` doing `action`, with nothing else set.
    pub fn new(table: &TableMeta, action: Action) -> Self {
        Statement {
            table: Table::of(table),
            action,
            using: Using::default(),
            conditions: Vec::new(),
            orderings: Vec::new(),
            per_partition_limit: false,
            limit: false,
            allow_filtering: false,
            guard: Guard::None,
        }
    }

    /// `INSERT` of every column, in declaration order.
    pub fn insert(table: &TableMeta) -> Self {
        Statement::new(
            table,
            Action::Insert(table.columns.iter().map(|c| c.name).collect()),
        )
    }

    /// `SELECT` of every column by the full primary key.
    pub fn select_by_primary_key(table: &TableMeta) -> Self {
        let columns = table.columns.iter().map(|c| Selector::Column(c.name));
        Statement::new(table, Action::Select(columns.collect())).filter_key(table.primary_key())
    }

    /// `DELETE` by the full primary key.
    pub fn delete_by_primary_key(table: &TableMeta) -> Self {
        Statement::new(table, Action::Delete).filter_key(table.primary_key())
    }

    /// `SELECT` of every column of `table`, with `conditions`.
    pub fn select_all(table: &TableMeta, conditions: Vec<Cond>) -> Self {
        let columns = table.columns.iter().map(|c| Selector::Column(c.name));
        Statement {
            conditions,
            ..Statement::new(table, Action::Select(columns.collect()))
        }
    }

    /// `SELECT COUNT(*)` of `table`, with `conditions`.
    pub fn count(table: &TableMeta, conditions: Vec<Cond>) -> Self {
        Statement {
            conditions,
            ..Statement::new(table, Action::Count)
        }
    }

    /// Adds `"c" = ?` for each of `columns`.
    fn filter_key(mut self, columns: impl Iterator<Item = &'static ColumnMeta>) -> Self {
        self.conditions.extend(columns.map(|c| Cond::eq(c.name)));
        self
    }
}
