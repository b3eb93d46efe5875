//! What the benchmark programs share: measuring the client's CPU time.

use std::time::Duration;

/// CPU time (user + system) of this whole process: every thread, driver tasks included.
///
/// # Example
/// ```
/// let before = orm_bench::process_cpu();
/// let spent = orm_bench::process_cpu() - before;
/// assert!(spent < std::time::Duration::from_secs(1));
/// ```
pub fn process_cpu() -> Duration {
    // SAFETY: `getrusage` only writes the struct it is given; all-zero is a valid `rusage`.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}
