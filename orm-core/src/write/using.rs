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

    /// Which of `USING TTL ?` and `TIMESTAMP ?` the statement binds.
    pub fn shape(&self) -> crate::cql::Using {
        crate::cql::Using {
            ttl: self.ttl.is_some(),
            timestamp: self.timestamp.is_some(),
        }
    }

    /// The bound values, in the order the statement writes their markers.
    #[inline]
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
