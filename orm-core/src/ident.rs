//! Quoting CQL identifiers.
//!
//! Every identifier the ORM emits is double-quoted, so names keep their case and reserved
//! words (`key`, `order`, ...) work as column names. Names reach here from model metadata,
//! which the derive validated at compile time.

use std::fmt;

/// A CQL identifier rendered between double quotes, with inner quotes doubled.
///
/// # Example
/// ```
/// use orm_core::ident::quoted;
///
/// assert_eq!(quoted("userId").to_string(), "\"userId\"");
/// assert_eq!(quoted("a\"b").to_string(), "\"a\"\"b\"");
/// ```
pub fn quoted(name: &str) -> Quoted<'_> {
    Quoted(name)
}

/// See [`quoted`].
#[derive(Debug, Clone, Copy)]
pub struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for (i, part) in self.0.split('"').enumerate() {
            if i > 0 {
                f.write_str("\"\"")?;
            }
            f.write_str(part)?;
        }
        f.write_str("\"")
    }
}

/// Whether `name` is a plain CQL name: ASCII letters, digits and underscores, not empty,
/// at most 48 characters (Cassandra's and ScyllaDB's limit for keyspace and table names).
///
/// # Example
/// ```
/// use orm_core::ident::is_plain_name;
///
/// assert!(is_plain_name("user_posts"));
/// assert!(!is_plain_name("drop table x; --"));
/// ```
pub fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 48
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}
