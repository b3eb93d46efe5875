//! Model fields of the `chrono` and `time` crates' date and time types, behind the
//! `chrono` and `time` cargo features.
//!
//! The driver serializes and deserializes them (its `chrono-04` and `time-03` features,
//! which these features turn on); this file only names their CQL types. Timestamps are
//! stored in milliseconds: finer parts of a value are dropped on write.
//!
//! | Rust type | CQL type | feature |
//! |---|---|---|
//! | `chrono::DateTime<Utc>` | `timestamp` | `chrono` |
//! | `chrono::NaiveDate` | `date` | `chrono` |
//! | `chrono::NaiveTime` | `time` | `chrono` |
//! | `time::OffsetDateTime` | `timestamp` | `time` |
//! | `time::Date` | `date` | `time` |
//! | `time::Time` | `time` | `time` |

use crate::cql_type::{CqlType, CqlTyped, FieldType};
use crate::row::TimestampField;

macro_rules! native {
    ($($rust:ty => $cql:literal),* $(,)?) => {
        $(impl CqlTyped for $rust {
            const CQL_TYPE: CqlType = CqlType::Native($cql);
        }

        impl FieldType for $rust {})*
    };
}

#[cfg(feature = "chrono")]
native! {
    chrono::DateTime<chrono::Utc> => "timestamp",
    chrono::NaiveDate => "date",
    chrono::NaiveTime => "time",
}

#[cfg(feature = "time")]
native! {
    time::OffsetDateTime => "timestamp",
    time::Date => "date",
    time::Time => "time",
}

/// `created_at` / `updated_at` fields of `chrono`'s type: the epoch counts as not set.
#[cfg(feature = "chrono")]
impl TimestampField for chrono::DateTime<chrono::Utc> {
    fn is_unset(&self) -> bool {
        self.timestamp_millis() == 0
    }
}

#[cfg(feature = "chrono")]
impl TimestampField for Option<chrono::DateTime<chrono::Utc>> {
    fn is_unset(&self) -> bool {
        self.is_none_or(|t| t.is_unset())
    }
}

/// `created_at` / `updated_at` fields of `time`'s type: the epoch counts as not set.
#[cfg(feature = "time")]
impl TimestampField for time::OffsetDateTime {
    fn is_unset(&self) -> bool {
        *self == time::OffsetDateTime::UNIX_EPOCH
    }
}

#[cfg(feature = "time")]
impl TimestampField for Option<time::OffsetDateTime> {
    fn is_unset(&self) -> bool {
        self.is_none_or(|t| t.is_unset())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "chrono")]
    #[test]
    fn chrono_types_map_to_cql_date_and_time_types() {
        let types = [
            <chrono::DateTime<chrono::Utc> as CqlTyped>::CQL_TYPE,
            <chrono::NaiveDate as CqlTyped>::CQL_TYPE,
            <Option<chrono::NaiveTime> as CqlTyped>::CQL_TYPE,
        ];
        assert_eq!(types.map(|t| t.to_string()), ["timestamp", "date", "time"]);
    }

    #[cfg(feature = "time")]
    #[test]
    fn time_types_map_to_cql_date_and_time_types() {
        let types = [
            <time::OffsetDateTime as CqlTyped>::CQL_TYPE,
            <time::Date as CqlTyped>::CQL_TYPE,
            <Option<time::Time> as CqlTyped>::CQL_TYPE,
        ];
        assert_eq!(types.map(|t| t.to_string()), ["timestamp", "date", "time"]);
    }
}
