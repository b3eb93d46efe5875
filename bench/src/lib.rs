//! What the benchmark programs share: measuring the client's CPU time, a global
//! allocator that tells an observer about every allocation, and the server and keyspace
//! they run against.

use std::alloc::{GlobalAlloc, Layout, System};
use std::marker::PhantomData;
use std::time::Duration;

use orm_core::Db;
use orm_core::schema::Replication;

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

/// What a program measures of the heap: told every allocation's size as it happens.
pub trait AllocObserver {
    /// `size` bytes were allocated (zeroed or not).
    fn allocated(size: usize);
    /// `size` bytes were freed.
    fn freed(size: usize);
    /// A block of `old` bytes was resized to `new` bytes.
    fn reallocated(old: usize, new: usize);
}

/// The system allocator, with every call reported to `O` first.
///
/// # Example
/// ```
/// use std::alloc::{GlobalAlloc, Layout};
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use orm_bench::{AllocObserver, Observed};
///
/// static LIVE: AtomicUsize = AtomicUsize::new(0);
/// struct Live;
/// impl AllocObserver for Live {
///     fn allocated(size: usize) { LIVE.fetch_add(size, Ordering::Relaxed); }
///     fn freed(size: usize) { LIVE.fetch_sub(size, Ordering::Relaxed); }
///     fn reallocated(old: usize, new: usize) { Self::freed(old); Self::allocated(new); }
/// }
///
/// // A program installs it with `#[global_allocator] static GLOBAL: Observed<Live> = Observed::new();`
/// let heap = Observed::<Live>::new();
/// let layout = Layout::new::<u64>();
/// // SAFETY: the layout is not zero-sized; the block is freed with the layout it was made with.
/// unsafe {
///     let block = heap.alloc(layout);
///     assert_eq!(LIVE.load(Ordering::Relaxed), 8);
///     heap.dealloc(block, layout);
/// }
/// assert_eq!(LIVE.load(Ordering::Relaxed), 0);
/// ```
pub struct Observed<O>(PhantomData<O>);

impl<O> Observed<O> {
    /// The allocator, for a `#[global_allocator]` static.
    pub const fn new() -> Self {
        Observed(PhantomData)
    }
}

impl<O> Default for Observed<O> {
    fn default() -> Self {
        Self::new()
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl<O: AllocObserver> GlobalAlloc for Observed<O> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        O::allocated(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        O::allocated(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        O::freed(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        O::reallocated(layout.size(), new_size);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// The CQL server to measure against: `$SCYLLA_URI`, or `127.0.0.1:9042` (where
/// `scripts/db up` starts one).
pub fn scylla_uri() -> String {
    std::env::var("SCYLLA_URI").unwrap_or_else(|_| "127.0.0.1:9042".to_owned())
}

/// Puts `db` on `keyspace` (replication factor 1), created if missing. With `fresh`, the
/// keyspace is dropped first, so a run starts from no rows and the previous run's data
/// does not change what is measured.
pub async fn use_keyspace(db: &Db, keyspace: &str, fresh: bool) -> orm_core::Result<()> {
    if fresh {
        db.drop_keyspace(keyspace).await?;
    }
    db.create_keyspace(keyspace, &Replication::Simple(1))
        .await?;
    db.use_keyspace(keyspace).await
}
