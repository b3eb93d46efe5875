//! Splitting a `.cql` file into statements.
//!
//! A `;` ends a statement unless it is inside a string literal (`'...'`, with `''` for a
//! quote), a quoted identifier (`"..."`, with `""`), a `$$...$$` string (function bodies),
//! a line comment (`--` or `//`) or a block comment (`/* ... */`). Comments are kept in
//! the statement they sit in, except that a piece holding only comments and blanks is no
//! statement. Each statement is trimmed and has no trailing `;`. A batch
//! (`BEGIN [UNLOGGED | COUNTER] BATCH ... APPLY BATCH`) is one statement, whatever `;` it
//! holds.

/// An unterminated quote or comment, with the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitError {
    /// What is not closed: `string`, `quoted identifier`, `$$ string`, `block comment`.
    pub what: &'static str,
    /// The line it opens on.
    pub line: usize,
}

/// The statements of a CQL script, in order.
///
/// # Example
/// ```
/// use orm_migrate::split_statements;
///
/// let script = "-- two statements\nINSERT INTO t (a) VALUES ('x;y');\nDELETE FROM t WHERE a = 'z' /* ; */;";
/// assert_eq!(
///     split_statements(script).unwrap(),
///     ["-- two statements\nINSERT INTO t (a) VALUES ('x;y')", "DELETE FROM t WHERE a = 'z' /* ; */"],
/// );
/// ```
pub fn split_statements(script: &str) -> Result<Vec<String>, SplitError> {
    let bytes = script.as_bytes();
    let mut statements = Vec::new();
    let mut start = 0;
    // Whether the current piece holds something other than comments and blanks.
    let mut has_code = false;
    // The current piece's words outside strings and comments (a string is `''`), to tell
    // a batch from the statements inside it.
    let mut words = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        match bytes[i] {
            b'\'' | b'"' => {
                let quote = bytes[i];
                let what = if quote == b'\'' {
                    "string"
                } else {
                    "quoted identifier"
                };
                let open = i;
                i += 1;
                loop {
                    match bytes.get(i) {
                        None => {
                            return Err(SplitError {
                                what,
                                line: line_at(script, open),
                            });
                        }
                        Some(&b) if b == quote => {
                            if bytes.get(i + 1) == Some(&quote) {
                                i += 2;
                            } else {
                                i += 1;
                                break;
                            }
                        }
                        Some(_) => i += 1,
                    }
                }
                has_code = true;
                words.push_str(" '' ");
            }
            b'$' if rest.starts_with(b"$$") => {
                i = past_close(script, i, "$$", "$$ string")?;
                has_code = true;
                words.push_str(" '' ");
            }
            b'-' | b'/' if rest.starts_with(b"--") || rest.starts_with(b"//") => {
                i = script[i..]
                    .find('\n')
                    .map_or(bytes.len(), |end| i + end + 1);
            }
            b'/' if rest.starts_with(b"/*") => {
                words.push(' ');
                i = past_close(script, i, "*/", "block comment")?;
            }
            b';' if inside_batch(&words) => {
                words.push(' ');
                i += 1;
            }
            b';' => {
                if has_code {
                    statements.push(script[start..i].trim().to_owned());
                }
                i += 1;
                start = i;
                has_code = false;
                words.clear();
            }
            b if b.is_ascii_whitespace() => {
                words.push(' ');
                i += 1;
            }
            b => {
                has_code = true;
                words.push(char::from(b));
                i += 1;
            }
        }
    }
    if has_code {
        statements.push(script[start..].trim().to_owned());
    }
    Ok(statements)
}

/// The 1-based line of `script` that byte `at` stands on.
fn line_at(script: &str, at: usize) -> usize {
    script[..at].matches('\n').count() + 1
}

/// Where scanning goes on after a `what` whose two-byte opener stands at `open`: just past
/// the first `close` after the opener. The `$$` string and the block comment end the same
/// way, so one place says what "unterminated" means for both.
fn past_close(
    script: &str,
    open: usize,
    close: &str,
    what: &'static str,
) -> Result<usize, SplitError> {
    match script[open + 2..].find(close) {
        Some(end) => Ok(open + 2 + end + close.len()),
        None => Err(SplitError {
            what,
            line: line_at(script, open),
        }),
    }
}

/// Whether `words` (a piece so far) opened a batch that `APPLY BATCH` has not closed.
fn inside_batch(words: &str) -> bool {
    let mut words = words.split_whitespace();
    if !words
        .next()
        .is_some_and(|first| first.eq_ignore_ascii_case("BEGIN"))
    {
        return false;
    }
    let words: Vec<&str> = words.collect();
    !matches!(
        words.as_slice(),
        [.., apply, batch] if apply.eq_ignore_ascii_case("APPLY") && batch.eq_ignore_ascii_case("BATCH")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(script: &str) -> Vec<String> {
        split_statements(script).expect("a well-formed script")
    }

    #[test]
    fn semicolons_end_statements_and_blanks_are_trimmed() {
        assert_eq!(
            split("  CREATE TABLE a (x int PRIMARY KEY);\n\nDROP TABLE b ;"),
            ["CREATE TABLE a (x int PRIMARY KEY)", "DROP TABLE b"]
        );
    }

    #[test]
    fn a_last_statement_without_semicolon_is_kept() {
        assert_eq!(split("SELECT 1;\nSELECT 2\n"), ["SELECT 1", "SELECT 2"]);
    }

    #[test]
    fn semicolons_in_strings_and_doubled_quotes_do_not_split() {
        assert_eq!(
            split("INSERT INTO t (s) VALUES ('it''s; here');UPDATE t SET s = ';'"),
            [
                "INSERT INTO t (s) VALUES ('it''s; here')",
                "UPDATE t SET s = ';'"
            ]
        );
    }

    #[test]
    fn semicolons_in_quoted_identifiers_do_not_split() {
        assert_eq!(
            split(r#"SELECT "a;""b" FROM t; SELECT 2"#),
            [r#"SELECT "a;""b" FROM t"#, "SELECT 2"]
        );
    }

    #[test]
    fn semicolons_in_dollar_strings_do_not_split() {
        let function = "CREATE FUNCTION f(x int) RETURNS NULL ON NULL INPUT RETURNS int \
                        LANGUAGE java AS $$ return x; $$";
        assert_eq!(
            split(&format!("{function};SELECT 1")),
            [function, "SELECT 1"]
        );
    }

    #[test]
    fn semicolons_in_comments_do_not_split() {
        assert_eq!(
            split("SELECT 1 -- a; b\n;SELECT 2 // c; d\n;SELECT /* e; f */ 3;"),
            [
                "SELECT 1 -- a; b",
                "SELECT 2 // c; d",
                "SELECT /* e; f */ 3"
            ]
        );
    }

    #[test]
    fn pieces_of_only_comments_are_no_statements() {
        assert_eq!(
            split("-- header; still a comment\n/* block; */\n;\nSELECT 1;\n-- trailer"),
            ["SELECT 1"]
        );
        assert!(split("-- nothing to do\n").is_empty());
        assert!(split("").is_empty());
    }

    #[test]
    fn quotes_inside_comments_do_not_open_strings() {
        assert_eq!(
            split("-- don't\nSELECT 1; SELECT 2"),
            ["-- don't\nSELECT 1", "SELECT 2"]
        );
    }

    #[test]
    fn a_single_slash_or_dash_is_code() {
        assert_eq!(
            split("SELECT a - b / c FROM t; SELECT 2"),
            ["SELECT a - b / c FROM t", "SELECT 2"]
        );
    }

    #[test]
    fn a_batch_is_one_statement() {
        let batch = "BEGIN UNLOGGED BATCH\n  INSERT INTO t (a) VALUES (1);\n  \
                     INSERT INTO t (a) VALUES ('apply batch;');\napply batch";
        assert_eq!(
            split(&format!("SELECT 0; {batch}; SELECT 1;")),
            ["SELECT 0", batch, "SELECT 1"]
        );
        assert_eq!(
            split("begin batch update t set a = 1 where k = 1; /* APPLY BATCH */ APPLY BATCH;x"),
            [
                "begin batch update t set a = 1 where k = 1; /* APPLY BATCH */ APPLY BATCH",
                "x"
            ]
        );
    }

    #[test]
    fn unterminated_quotes_and_comments_are_errors_with_their_line() {
        assert_eq!(
            split_statements("SELECT 1;\nSELECT 'open;"),
            Err(SplitError {
                what: "string",
                line: 2
            })
        );
        assert_eq!(
            split_statements("SELECT \"open"),
            Err(SplitError {
                what: "quoted identifier",
                line: 1
            })
        );
        assert_eq!(
            split_statements("\n\n/* open"),
            Err(SplitError {
                what: "block comment",
                line: 3
            })
        );
        assert_eq!(
            split_statements("AS $$ open"),
            Err(SplitError {
                what: "$$ string",
                line: 1
            })
        );
    }
}
