//! All CQL text the ORM writes, in one place.
//!
//! - [`statement`]: one description of a `SELECT`, `INSERT`, `UPDATE` or `DELETE` (table,
//!   columns, conditions, ordering, limits, `USING`, `IF`), built by queries, writes,
//!   relations and pivots;
//! - [`render`]: the one renderer of that description;
//! - [`fixed`]: each distinct write shape rendered once per process, reached by slot;
//! - [`ddl`]: schema statements (`CREATE TYPE`/`TABLE`/`INDEX`/`KEYSPACE`, `ALTER`, `DROP`).
//!
//! Values are never part of the text, only `?` markers; identifiers are always quoted.

pub(crate) mod ddl;
mod fixed;
mod render;
mod statement;
#[cfg(test)]
mod tests;

pub(crate) use fixed::{ShapeKey, ShapeSlots, fixed, fixed_by_key};
pub(crate) use render::column_list;
pub(crate) use statement::{Action, Cond, Guard, Selector, Set, Statement, Using};
