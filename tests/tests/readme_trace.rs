//! The traced eager load the README shows is what `examples/trace_eager_load.rs` prints.
//!
//! A test binary of its own, so that no other test runs in its process: `tracing` keeps
//! whether anyone listens at each call site for the whole process, and in one run of the
//! whole suite, with the other README tests running on other threads without a
//! subscriber, this test's thread-local subscriber captured the `preparing` events but
//! not the `sending` ones.

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
