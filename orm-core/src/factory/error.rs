//! What can go wrong making or writing test data, and what was written when it did.

use std::collections::BTreeMap;
use std::fmt;

/// Rows written per model by a [`Factory::create`](crate::factory::Factory::create) or a
/// seeder run, by the model's type name (pivot rows under the pivot table's name).
///
/// ```
/// use orm_core::factory::SeedReport;
///
/// let mut report = SeedReport::default();
/// report.add("User", 2);
/// report.add("Post", 10);
/// assert_eq!(report.rows("Post"), 10);
/// assert_eq!(report.total(), 12);
/// assert_eq!(report.to_string(), "Post: 10, User: 2");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedReport {
    rows: BTreeMap<&'static str, u64>,
}

impl SeedReport {
    /// Counts `rows` more rows written for `model`.
    pub fn add(&mut self, model: &'static str, rows: u64) {
        if rows > 0 {
            *self.rows.entry(model).or_default() += rows;
        }
    }

    /// Adds every count of `other`.
    pub fn merge(&mut self, other: &SeedReport) {
        for (model, rows) in &other.rows {
            self.add(model, *rows);
        }
    }

    /// Rows written for `model` (0 when none).
    pub fn rows(&self, model: &str) -> u64 {
        self.rows.get(model).copied().unwrap_or(0)
    }

    /// Rows written in all.
    pub fn total(&self) -> u64 {
        self.rows.values().sum()
    }

    /// Each model with its count, by model name.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        self.rows.iter().map(|(model, rows)| (*model, *rows))
    }
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.rows.is_empty() {
            return f.write_str("nothing");
        }
        let mut first = true;
        for (model, rows) in &self.rows {
            if !first {
                f.write_str(", ")?;
            }
            first = false;
            write!(f, "{model}: {rows}")?;
        }
        Ok(())
    }
}

/// Why a factory or a seeder failed. Mistakes in the factory itself (a state or relation
/// that does not exist, a bad count) are found before anything is written; a failed write
/// says what had been written before it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FactoryError {
    /// [`state`](crate::factory::Factory::state) named a state the factory does not define.
    #[error("the factory of {model} has no state `{state}`; its states are: [{}]", .known.join(", "))]
    UnknownState {
        /// The model.
        model: &'static str,
        /// The state asked for.
        state: String,
        /// The states it defines.
        known: Vec<&'static str>,
    },
    /// A count of zero, or above [`MAX_COUNT`](crate::factory::MAX_COUNT).
    #[error("{model}: cannot make {count} rows at once; give a count from 1 to {max}")]
    Count {
        /// The model.
        model: &'static str,
        /// The count asked for.
        count: usize,
        /// The largest count accepted.
        max: usize,
    },
    /// A relation name the model does not declare.
    #[error("{model} has no relation `{relation}`; its relations are: [{}]", .known.join(", "))]
    UnknownRelation {
        /// The model.
        model: &'static str,
        /// The relation asked for.
        relation: String,
        /// The relations it declares.
        known: Vec<&'static str>,
    },
    /// The relation exists but cannot be used this way: another kind, another related
    /// model, a custom relationship named instead of given by type, or one whose key
    /// columns are not declared.
    #[error("{model}.{relation}: {reason}")]
    Relation {
        /// The model.
        model: &'static str,
        /// The relation.
        relation: &'static str,
        /// What does not fit, and what to use instead.
        reason: String,
    },
    /// A key value could not be carried from one row to another.
    #[error("{model}.{column}: {reason}")]
    Key {
        /// The model whose column was read or written.
        model: &'static str,
        /// The column.
        column: String,
        /// What went wrong.
        reason: String,
    },
    /// A write failed; `written` holds every row written before it (those rows stay).
    #[error("writing {model} failed after writing {written}: {source}")]
    Write {
        /// The model being written.
        model: &'static str,
        /// The database error.
        #[source]
        source: Box<crate::Error>,
        /// What had been written.
        written: SeedReport,
    },
    /// An error from code a seeder runs itself.
    #[error(transparent)]
    Db(#[from] crate::Error),
}

impl FactoryError {
    /// What had been written when the error happened (empty for mistakes found before
    /// writing).
    pub fn written(&self) -> SeedReport {
        match self {
            FactoryError::Write { written, .. } => written.clone(),
            _ => SeedReport::default(),
        }
    }
}
