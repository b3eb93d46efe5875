//! Every rule `#[derive(Model)]` enforces, with the message a user sees.
//! Refresh the expected `.stderr` files with `TRYBUILD=overwrite` after a deliberate change.

#[test]
fn model_rules() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/model/*.rs");
}

#[test]
fn projection_and_query_rules() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/projection/*.rs");
}

#[test]
fn udt_rules() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/udt/*.rs");
}

#[test]
fn relation_rules() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/relation/*.rs");
}

#[test]
fn pivot_rules() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/pivot/*.rs");
}

#[test]
fn morph_rules() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/morph/*.rs");
}
