//! `USING TTL ? AND TIMESTAMP ?`: write options bound as values.

use scylla::serialize::value::SerializeValue;

use crate::query::QueryError;

/// A write's TTL and timestamp, when set.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Using {
    pub ttl: Option<i32>,
    pub timestamp: Option<i64>,
}

impl Using {
    pub fn checked_ttl(seconds: i32) -> Result<i32, QueryError> {
        if seconds < 0 {
            Err(QueryError::NotPositive {
                what: "TTL",
                value: seconds.into(),
            })
        } else {
            Ok(seconds)
        }
    }

    /// ` USING TTL ? AND TIMESTAMP ?` (the parts that are set), or nothing.
    pub fn render(&self, out: &mut String) {
        let parts: Vec<&str> = [
            self.ttl.map(|_| "TTL ?"),
            self.timestamp.map(|_| "TIMESTAMP ?"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !parts.is_empty() {
            out.push_str(" USING ");
            out.push_str(&parts.join(" AND "));
        }
    }

    /// The bound values, in the order `render` writes their markers.
    pub fn values(&self) -> impl Iterator<Item = &(dyn SerializeValue + Send + Sync)> {
        let ttl = self
            .ttl
            .as_ref()
            .map(|v| v as &(dyn SerializeValue + Send + Sync));
        let timestamp = self
            .timestamp
            .as_ref()
            .map(|v| v as &(dyn SerializeValue + Send + Sync));
        ttl.into_iter().chain(timestamp)
    }
}
