//! Showing names a program took from its users (columns, operators, relation paths) in
//! error messages, which end up in logs: at most 64 characters, escaped.

/// At most 64 characters of `name`, escaped as in a Rust string literal (so control
/// characters and terminal escapes cannot reach a log verbatim), with `…` when cut.
///
/// The ORM never puts such a name in CQL: it is only ever compared with the model's own
/// names, and errors quote it through this.
pub(crate) fn shown(name: &str) -> String {
    const MOST: usize = 64;
    let mut out: String = name
        .chars()
        .take(MOST)
        .flat_map(char::escape_debug)
        .collect();
    if name.chars().count() > MOST {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn names_are_escaped_and_cut() {
        assert_eq!(shown("a\nb\u{1b}[31m"), "a\\nb\\u{1b}[31m");
        assert_eq!(shown("status"), "status");
        let long = shown(&"x".repeat(100_000));
        assert_eq!(long.chars().count(), 65);
        assert!(long.ends_with('…'));
    }
}
