//! A counting allocator: off (one relaxed load per allocation) except in the allocation
//! pass, which counts heap allocations per operation for every side.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use orm_bench::{AllocObserver, Observed};

use crate::Result;
use crate::args::{Args, Op, Side};
use crate::key_writes::run_key_write;
use crate::ops::{Ctx, run_find, run_insert, run_stream};
use crate::report::thousands;

pub(crate) struct CountingAlloc;

pub(crate) static COUNTING: AtomicBool = AtomicBool::new(false);
pub(crate) static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
pub(crate) static ALLOCATED_BYTES: AtomicU64 = AtomicU64::new(0);

impl AllocObserver for CountingAlloc {
    #[inline]
    fn allocated(size: usize) {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
            ALLOCATED_BYTES.fetch_add(size as u64, Ordering::Relaxed);
        }
    }

    #[inline]
    fn freed(_size: usize) {}

    #[inline]
    fn reallocated(_old: usize, new: usize) {
        Self::allocated(new);
    }
}

#[global_allocator]
pub(crate) static GLOBAL: Observed<CountingAlloc> = Observed::new();

/// Heap allocations per operation (per stream, and per row, for `stream`), every thread.
pub(crate) async fn allocation_pass(ctx: &Ctx, args: &Args) -> Result<String> {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(
        w,
        "\n## Heap allocations per operation (concurrency 1, {} operations, whole process)\n",
        args.alloc_ops
    );
    let _ = writeln!(
        w,
        "| operation | side | allocations/op | bytes/op | allocations per row |"
    );
    let _ = writeln!(w, "|---|---|---:|---:|---:|");
    for &op in &args.only {
        for side in Side::ALL {
            if !side.applies_to(op) {
                continue;
            }
            let n = match op {
                Op::Stream => (args.alloc_ops / 100).max(2),
                _ => args.alloc_ops,
            };
            let rows = ctx.rows_to_insert(if op == Op::Insert { n } else { 0 }, side);
            ALLOCATIONS.store(0, Ordering::Relaxed);
            ALLOCATED_BYTES.store(0, Ordering::Relaxed);
            COUNTING.store(true, Ordering::Relaxed);
            let result = match op {
                Op::Insert => run_insert(ctx, side, 1, rows.slice(0..n)).await,
                Op::Find => run_find(ctx, side, 1, n, 0).await,
                Op::Stream => run_stream(ctx, side, 1, n).await,
                Op::Update | Op::Delete => run_key_write(ctx, op, side, 1, n, 0).await,
            };
            COUNTING.store(false, Ordering::Relaxed);
            let units = result?;
            let allocations = ALLOCATIONS.load(Ordering::Relaxed) as f64 / n as f64;
            let bytes = ALLOCATED_BYTES.load(Ordering::Relaxed) as f64 / n as f64;
            let per_row = if op == Op::Stream {
                format!("{:.3}", allocations * n as f64 / units as f64)
            } else {
                "-".to_owned()
            };
            let _ = writeln!(
                w,
                "| {} | {} | {:.1} | {} | {} |",
                op.name(),
                side.name(),
                allocations,
                thousands(bytes),
                per_row
            );
        }
    }
    Ok(out)
}
