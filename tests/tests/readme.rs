//! The README's getting-started program is `examples/getting_started.rs` word for word,
//! and it runs against the real server, as does `examples/videos.rs`, the data model of a
//! video-sharing application the README's features are shown on. (The traced eager load
//! the README shows is checked in `readme_trace.rs`; the README's other Rust blocks are
//! compiled as doctests of `orm-core`.)

#[allow(dead_code)]
mod getting_started {
    include!("../../examples/getting_started.rs");

    #[test]
    fn the_getting_started_example_runs_against_the_server() {
        main().expect("the getting-started program runs");
    }
}

/// Paging from a start point, a static column updated alone, a comment found through an
/// index on a clustering column, a video taken out of a playlist: each checked by the
/// program itself, which fails when the server disagrees.
#[allow(dead_code)]
mod videos {
    include!("../../examples/videos.rs");

    #[test]
    fn the_videos_example_behaves_as_documented_against_the_server() {
        main().expect("the videos program runs and its checks hold");
    }
}

#[test]
fn the_readme_shows_the_getting_started_example_word_for_word() {
    orm_tests::assert_readme_shows(
        include_str!("../../README.md"),
        "rust,no_run",
        "examples/getting_started.rs",
        include_str!("../../examples/getting_started.rs"),
    );
}
