//! The readable form of a plan: a header with the settings, then one line per statement.

use std::fmt;

use crate::explain::{Explain, PlannedStatement, StatementCount};
use crate::query::AccessPath;

impl fmt::Display for Explain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.statements.as_slice() {
            [only] => write!(f, "1 statement {}", only.count)?,
            all => write!(f, "{} statements", all.len())?,
        }
        f.write_str(" (consistency: ")?;
        match self.consistency {
            Some(consistency) => write!(f, "{consistency:?}")?,
            None => f.write_str("session default")?,
        }
        if let Some(serial) = self.serial_consistency {
            write!(f, ", serial: {serial:?}")?;
        }
        f.write_str(if self.idempotent {
            ", idempotent"
        } else {
            ", not idempotent"
        })?;
        match self.timeout {
            Some(timeout) => write!(f, ", timeout: {timeout:?}")?,
            None => f.write_str(", timeout: session default")?,
        }
        match self.page_size {
            Some(rows) => write!(f, ", page size: {rows})")?,
            None => f.write_str(", page size: driver default)")?,
        }
        for statement in &self.statements {
            write!(f, "\n  {statement}")?;
        }
        Ok(())
    }
}

impl fmt::Display for PlannedStatement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] ", self.count)?;
        if let Some(path) = &self.access_path {
            write!(f, "{}: ", Shown(path))?;
        }
        if !self.idempotent {
            f.write_str("(not idempotent) ")?;
        }
        f.write_str(&self.cql)
    }
}

impl fmt::Display for StatementCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatementCount::One => f.write_str("once"),
            StatementCount::PerPage => f.write_str("per page"),
            StatementCount::InBatch => f.write_str("in one batch"),
            StatementCount::PerDistinctKey {
                relation,
                concurrency,
            } => write!(
                f,
                "1 per distinct parent key of `{relation}`, {concurrency} at a time"
            ),
            StatementCount::PerRelatedRow {
                relation,
                concurrency,
            } => write!(
                f,
                "1 per distinct related row of `{relation}`, {concurrency} at a time"
            ),
            StatementCount::PerOwnerKey {
                relation,
                type_name,
                concurrency,
            } => write!(
                f,
                "1 per distinct `{type_name}` owner of `{relation}`, {concurrency} at a time"
            ),
            StatementCount::PerChunk { keys, size } => {
                write!(f, "1 per {size} {keys} keys")
            }
            StatementCount::InBatches { keys, size } => {
                write!(f, "in one batch per {size} {keys} pairs")
            }
        }
    }
}

/// An access path in words.
struct Shown<'a>(&'a AccessPath);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            AccessPath::SinglePartition => f.write_str("single partition"),
            AccessPath::Partitions => f.write_str("several partitions (IN)"),
            AccessPath::TokenRange => f.write_str("partition range by token"),
            AccessPath::Index(column) => write!(f, "secondary index on `{column}`"),
            AccessPath::Filtering => f.write_str("filtering scan (ALLOW FILTERING)"),
            AccessPath::FullScan => f.write_str("full table scan"),
        }
    }
}
