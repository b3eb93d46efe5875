//! The README's getting-started program is `examples/getting_started.rs` word for word,
//! and it runs against the real server. (The README's other Rust blocks are compiled as
//! doctests of `orm-core`.)

#[allow(dead_code)]
mod getting_started {
    include!("../../examples/getting_started.rs");

    #[test]
    fn the_getting_started_example_runs_against_the_server() {
        main().expect("the getting-started program runs");
    }
}

#[test]
fn the_readme_shows_the_getting_started_example_word_for_word() {
    let readme = include_str!("../../README.md");
    let example = include_str!("../../examples/getting_started.rs");
    let block = format!("```rust,no_run\n{example}```");
    assert!(
        readme.contains(&block),
        "README.md's getting-started block differs from examples/getting_started.rs; copy the file into the README"
    );
}
