//! Which statements may be sent twice without changing the outcome: the driver retries and
//! speculatively executes only those marked idempotent.
//!
//! Decided from the CQL text, which the ORM renders itself (identifiers quoted, values
//! always bound as `?`), so the few shapes that are not idempotent are recognisable:
//! - reads are idempotent;
//! - a lightweight transaction (`IF ...`) is not: a retry of an applied one reports
//!   "not applied";
//! - an assignment that adds or subtracts (`"c" = "c" + ?`: counters, list appends and
//!   prepends, and, conservatively, set and map additions) is not;
//! - a server-side function call in a write (`now()`, `uuid()`) is not;
//! - any other `INSERT`, `UPDATE` or `DELETE` is.
//!
//! A statement can still say otherwise with [`Configure::idempotent`](crate::Configure::idempotent).

/// Whether `cql` (a statement the ORM rendered) may be sent again safely.
pub(crate) fn is_idempotent(cql: &str) -> bool {
    let words = unquoted(cql);
    let first = words.split_whitespace().next().unwrap_or("");
    if first.eq_ignore_ascii_case("SELECT") {
        return true;
    }
    let conditional = words
        .split_whitespace()
        .any(|word| word.eq_ignore_ascii_case("IF"));
    let arithmetic = words.contains('+') || words.contains('-');
    let function_call = words
        .as_bytes()
        .windows(2)
        .any(|pair| pair[0].is_ascii_alphanumeric() && pair[1] == b'(');
    !(conditional || arithmetic || function_call)
}

/// `cql` with every quoted identifier replaced by `_`, so that names cannot look like
/// keywords or operators.
fn unquoted(cql: &str) -> String {
    let mut out = String::with_capacity(cql.len());
    let mut in_quotes = false;
    for c in cql.chars() {
        match (c, in_quotes) {
            ('"', false) => {
                in_quotes = true;
                out.push('_');
            }
            ('"', true) => in_quotes = false,
            (_, true) => {}
            (c, false) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::is_idempotent;

    #[test]
    fn reads_plain_writes_and_deletes_are_idempotent() {
        for cql in [
            r#"SELECT "id", "title" FROM "posts" WHERE "user_id" = ? LIMIT ?"#,
            r#"SELECT COUNT(*) FROM "posts" WHERE token("user_id") > ?"#,
            r#"INSERT INTO "posts" ("user_id", "id") VALUES (?, ?)"#,
            r#"INSERT INTO "session" ("token") VALUES (?) USING TTL ? AND TIMESTAMP ?"#,
            r#"UPDATE "posts" SET "title" = ?, "tags" = ? WHERE "user_id" = ? AND "id" = ?"#,
            r#"DELETE FROM "posts" WHERE "user_id" = ? AND "id" < ?"#,
            // Names that look like keywords or operators are quoted, so they do not count.
            r#"UPDATE "t" SET "if" = ?, "a-b" = ?, "now(" = ? WHERE "k" = ?"#,
        ] {
            assert!(is_idempotent(cql), "{cql}");
        }
    }

    #[test]
    fn conditional_writes_arithmetic_and_functions_are_not() {
        for cql in [
            r#"INSERT INTO "users" ("id") VALUES (?) IF NOT EXISTS"#,
            r#"UPDATE "users" SET "name" = ? WHERE "id" = ? IF "name" = ?"#,
            r#"DELETE FROM "users" WHERE "id" = ? IF EXISTS"#,
            r#"UPDATE "stats" SET "views" = "views" + ? WHERE "id" = ?"#,
            r#"UPDATE "stats" SET "views" = "views" - ? WHERE "id" = ?"#,
            r#"UPDATE "posts" SET "log" = ? + "log" WHERE "id" = ?"#,
            r#"INSERT INTO "events" ("id", "at") VALUES (?, now())"#,
        ] {
            assert!(!is_idempotent(cql), "{cql}");
        }
    }
}
