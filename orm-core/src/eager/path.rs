//! Limits on eager-loading paths given by name (`with("posts.comments")`), which programs
//! often take from request parameters: a path is checked whole before any of it is
//! resolved, so a hostile one costs neither a deep recursion nor a statement.

use crate::query::QueryError;

/// The most relations one path may chain (`a.b.c` is 3). Each level is at least one more
/// round of statements, and a cyclic pair of relations (`posts.user.posts...`) would
/// otherwise repeat the same reads at every level.
pub const MAX_PATH_DEPTH: usize = 8;

/// The longest path accepted, in bytes.
pub const MAX_PATH_LEN: usize = 512;

/// Refuses a path longer or deeper than the limits.
pub(crate) fn check(path: &str) -> Result<(), QueryError> {
    let depth = path.split('.').count();
    if path.len() > MAX_PATH_LEN || depth > MAX_PATH_DEPTH {
        return Err(QueryError::EagerPathTooLong {
            path: shown(path),
            bytes: path.len(),
            depth,
        });
    }
    Ok(())
}

pub(crate) use crate::user_input::shown;

#[cfg(test)]
mod tests {
    use super::{MAX_PATH_DEPTH, check};

    #[test]
    fn deep_or_long_paths_are_refused_and_shown_short() {
        let deep = ["posts"; MAX_PATH_DEPTH + 1].join(".");
        let err = check(&deep).unwrap_err().to_string();
        assert!(
            err.contains(&format!("{} relations deep", MAX_PATH_DEPTH + 1)),
            "{err}"
        );
        let long = "x".repeat(100_000);
        let err = check(&long).unwrap_err().to_string();
        assert!(
            err.len() < 400,
            "the message quotes at most 64 characters: {err}"
        );
        assert!(check(&["posts"; MAX_PATH_DEPTH].join(".")).is_ok());
    }
}
