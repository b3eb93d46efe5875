//! A plan of schema changes: the safe steps in the order they run, and the refused
//! changes with the manual way out. Built by [`Schema::plan`](super::Schema::plan).

use std::fmt;

/// What a [`Plan`] step creates or changes. Steps run in phases: the keyspace, then types
/// (created or given a field), then tables (created, given a column or an option), then
/// indexes; inside a phase, in the order the schema lists its types and models.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepKind {
    /// `CREATE KEYSPACE`.
    CreateKeyspace,
    /// `CREATE TYPE` of this type.
    CreateType(String),
    /// `ALTER TYPE ... ADD` of this field to this type.
    AddTypeField {
        /// The type.
        udt: String,
        /// The new field.
        field: String,
    },
    /// `CREATE TABLE` of this table.
    CreateTable(String),
    /// `ALTER TABLE ... ADD` of this column.
    AddColumn {
        /// The table.
        table: String,
        /// The new column.
        column: String,
    },
    /// `ALTER TABLE ... WITH` of an option the model sets.
    SetOption {
        /// The table.
        table: String,
        /// The option, as `name = value`.
        option: String,
    },
    /// `CREATE INDEX` on this column.
    CreateIndex {
        /// The table.
        table: String,
        /// The indexed column.
        column: String,
    },
}

/// One statement of a plan that is safe to run: it loses no data and the server accepts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// What it does.
    pub kind: StepKind,
    /// The CQL that does it.
    pub cql: String,
}

/// A difference the ORM will not change by itself, with the reason and the manual way out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// What it concerns: `table.column`, `type.field`, a table or a type.
    pub subject: String,
    /// Why the change is refused (what differs and why CQL or safety forbids it).
    pub reason: String,
    /// How to make the change by hand.
    pub way_out: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}; by hand: {}",
            self.subject, self.reason, self.way_out
        )
    }
}

/// The changes that bring a keyspace to a [`Schema`](super::Schema): safe steps in the
/// order they run, and refused changes. Built by [`Schema::diff`](super::Schema::diff) or
/// [`Schema::plan`](super::Schema::plan).
///
/// It prints as a dry run: the CQL of each safe step, then each refusal as a comment.
///
/// # Example
/// ```
/// use orm_core::Model;
/// use orm_core::schema::{Replication, Schema, StepKind};
///
/// #[derive(Model)]
/// struct User {
///     #[orm(partition_key)]
///     id: i64,
/// }
///
/// let schema = Schema::new("app", Replication::Simple(1)).model::<User>();
/// let plan = schema.plan(None); // the keyspace does not exist yet
/// assert_eq!(plan.steps[0].kind, StepKind::CreateKeyspace);
/// assert_eq!(plan.steps[1].kind, StepKind::CreateTable("user".into()));
/// assert!(plan.refused.is_empty());
/// assert!(plan.to_string().contains("CREATE TABLE IF NOT EXISTS \"app\".\"user\""));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// The keyspace the plan is for.
    pub keyspace: String,
    /// Safe steps, in the order [`Schema::sync`](super::Schema::sync) runs them.
    pub steps: Vec<Step>,
    /// Changes the ORM will not make.
    pub refused: Vec<Refusal>,
}

impl Plan {
    /// Whether the keyspace already matches the schema.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty() && self.refused.is_empty()
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return writeln!(f, "-- keyspace {} is in sync: nothing to do", self.keyspace);
        }
        for step in &self.steps {
            writeln!(f, "{};", step.cql)?;
        }
        for refusal in &self.refused {
            writeln!(f, "-- refused: {refusal}")?;
        }
        Ok(())
    }
}
