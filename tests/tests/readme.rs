//! The README's getting-started program is `examples/getting_started.rs` word for word,
//! and it runs against the real server, as does `examples/videos.rs`, the data model of a
//! video-sharing application the README's features are shown on; the traced eager load
//! the README shows is what `examples/trace_eager_load.rs` prints. (The README's other
//! Rust blocks are compiled as doctests of `orm-core`.)

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
    let readme = include_str!("../../README.md");
    let example = include_str!("../../examples/getting_started.rs");
    let block = format!("```rust,no_run\n{example}```");
    assert!(
        readme.contains(&block),
        "README.md's getting-started block differs from examples/getting_started.rs; copy the file into the README"
    );
}

#[allow(dead_code)]
mod trace_eager_load {
    include!("../../examples/trace_eager_load.rs");

    use std::sync::{Arc, Mutex};

    /// What the subscriber writes, kept.
    #[derive(Clone, Default)]
    struct Kept(Arc<Mutex<Vec<u8>>>);

    impl Write for Kept {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'w> MakeWriter<'w> for Kept {
        type Writer = Kept;
        fn make_writer(&'w self) -> Kept {
            self.clone()
        }
    }

    /// `text` with every `duration_us=<digits>` made `duration_us=_`.
    fn without_durations(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find("duration_us=") {
            let (before, after) = rest.split_at(at + "duration_us=".len());
            out.push_str(before);
            out.push('_');
            rest = after.trim_start_matches(|c: char| c.is_ascii_digit());
        }
        out.push_str(rest);
        out
    }

    #[tokio::test]
    async fn the_readme_shows_what_the_traced_eager_load_prints() {
        let kept = Kept::default();
        run(kept.clone()).await.expect("the traced program runs");
        let printed = String::from_utf8(kept.0.lock().unwrap().clone()).unwrap();
        assert!(printed.contains("duration_us="), "{printed}");
        let readme = include_str!("../../README.md");
        let start = readme
            .find("```text\nDEBUG orm{")
            .expect("README.md shows the traced eager load")
            + "```text\n".len();
        let shown = &readme[start..start + readme[start..].find("```").unwrap()];
        assert_eq!(
            without_durations(shown),
            without_durations(&printed),
            "README.md's traced eager load differs from what examples/trace_eager_load.rs prints; copy its output into the README"
        );
    }
}
