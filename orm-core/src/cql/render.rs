//! The renderer: a [`Statement`] as CQL text. Values are never part of the text, only `?`
//! bind markers; identifiers are always quoted.

use std::fmt::Write;

use crate::condition::Target;
use crate::cql::statement::{Action, Cond, Guard, Selector, Set, Statement, Table};
use crate::ident::quoted;

/// Writes to a `String`, which cannot fail.
macro_rules! put {
    ($out:expr, $($arg:tt)*) => {
        write!($out, $($arg)*).expect("writing to a String cannot fail")
    };
}

impl Statement {
    /// The CQL text of this statement.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(128);
        match &self.action {
            Action::Select(selectors) => {
                out.push_str("SELECT ");
                list(&mut out, selectors, ", ", |out, selector| match selector {
                    Selector::Column(name) => put!(out, "{}", quoted(name)),
                    Selector::Computed(c) => put!(
                        out,
                        "{}({}) AS {}",
                        c.function.as_cql(),
                        quoted(c.column),
                        quoted(c.name)
                    ),
                });
                put!(out, " FROM {}", self.table);
            }
            Action::Count => put!(out, "SELECT COUNT(*) FROM {}", self.table),
            Action::Insert(columns) => {
                put!(out, "INSERT INTO {} (", self.table);
                list(&mut out, columns, ", ", |out, c| put!(out, "{}", quoted(c)));
                out.push_str(") VALUES (");
                list(&mut out, columns, ", ", |out, _| out.push('?'));
                out.push(')');
                // An insert's condition comes before its `USING`.
                self.render_guard(&mut out);
                self.render_using(&mut out);
                return out;
            }
            Action::Update(sets) => {
                put!(out, "UPDATE {}", self.table);
                self.render_using(&mut out);
                out.push_str(" SET ");
                list(&mut out, sets, ", ", |out, set| match *set {
                    Set::Value(c) => put!(out, "{} = ?", quoted(c)),
                    Set::Add(c) => put!(out, "{0} = {0} + ?", quoted(c)),
                    Set::Subtract(c) => put!(out, "{0} = {0} - ?", quoted(c)),
                    Set::Prepend(c) => put!(out, "{0} = ? + {0}", quoted(c)),
                    Set::Put(c) => put!(out, "{}[?] = ?", quoted(c)),
                });
            }
            Action::Delete => {
                put!(out, "DELETE FROM {}", self.table);
                self.render_using(&mut out);
            }
        }
        if !self.conditions.is_empty() {
            out.push_str(" WHERE ");
            list(&mut out, &self.conditions, " AND ", |out, c| {
                condition(out, c, self.table)
            });
        }
        if !self.orderings.is_empty() {
            out.push_str(" ORDER BY ");
            list(&mut out, &self.orderings, ", ", |out, (column, order)| {
                put!(out, "{} {}", quoted(column), order.as_cql())
            });
        }
        if self.per_partition_limit {
            out.push_str(" PER PARTITION LIMIT ?");
        }
        if self.limit {
            out.push_str(" LIMIT ?");
        }
        if self.allow_filtering {
            out.push_str(" ALLOW FILTERING");
        }
        self.render_guard(&mut out);
        out
    }

    /// ` USING TTL ? AND TIMESTAMP ?` (the parts that are bound), or nothing.
    fn render_using(&self, out: &mut String) {
        match (self.using.ttl, self.using.timestamp) {
            (true, true) => out.push_str(" USING TTL ? AND TIMESTAMP ?"),
            (true, false) => out.push_str(" USING TTL ?"),
            (false, true) => out.push_str(" USING TIMESTAMP ?"),
            (false, false) => {}
        }
    }

    /// ` IF EXISTS`, ` IF NOT EXISTS`, ` IF a = ? AND b > ?`, or nothing.
    fn render_guard(&self, out: &mut String) {
        match &self.guard {
            Guard::None => {}
            Guard::Exists => out.push_str(" IF EXISTS"),
            Guard::NotExists => out.push_str(" IF NOT EXISTS"),
            Guard::Conditions(conditions) => {
                out.push_str(" IF ");
                list(out, conditions, " AND ", |out, c| {
                    condition(out, c, self.table)
                });
            }
        }
    }
}

/// `"col" >= ?`, `token("k1", "k2") > ?` or `("c1", "c2") <= ?`.
fn condition(out: &mut String, cond: &Cond, table: Table) {
    match cond.target {
        Target::Column(name) => put!(out, "{}", quoted(name)),
        Target::Token => {
            put!(out, "token({})", column_list(table.partition_key()));
        }
        Target::Tuple(columns) => {
            out.push('(');
            list(out, columns.names(), ", ", |out, c| {
                put!(out, "{}", quoted(c))
            });
            out.push(')');
        }
    }
    put!(out, " {} ?", cond.operator);
}

/// `items`, each written by `item`, separated by `separator`.
fn list<T>(out: &mut String, items: &[T], separator: &str, mut item: impl FnMut(&mut String, &T)) {
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        item(out, x);
    }
}

impl std::fmt::Display for Table {
    /// `"keyspace"."table"` or `"table"`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(keyspace) = self.keyspace {
            write!(f, "{}.", quoted(keyspace))?;
        }
        write!(f, "{}", quoted(self.name))
    }
}

/// `"a", "b", "c"`.
pub(crate) fn column_list<'a>(columns: impl IntoIterator<Item = &'a str>) -> String {
    let names: Vec<&str> = columns.into_iter().collect();
    let mut out = String::new();
    list(&mut out, &names, ", ", |out, c| put!(out, "{}", quoted(c)));
    out
}
