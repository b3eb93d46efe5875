//! Every rule `#[derive(Model)]` enforces, with the message a user sees.
//! Refresh the expected `.stderr` files with `TRYBUILD=overwrite` after a deliberate change.

#[test]
fn model_rules() {
    expect_errors("ui/model/*.rs");
}

#[test]
fn projection_and_query_rules() {
    expect_errors("ui/projection/*.rs");
}

#[test]
fn udt_rules() {
    expect_errors("ui/udt/*.rs");
}

#[test]
fn relation_rules() {
    expect_errors("ui/relation/*.rs");
}

#[test]
fn pivot_rules() {
    expect_errors("ui/pivot/*.rs");
}

#[test]
fn morph_rules() {
    expect_errors("ui/morph/*.rs");
}

/// Each file matching `pattern` fails to compile with the errors in its `.stderr` file.
fn expect_errors(pattern: &str) {
    trybuild::TestCases::new().compile_fail(pattern);
}
