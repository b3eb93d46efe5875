//! One round of one operation: the same work for every side, in alternating slices.

use std::time::{Duration, Instant};

use orm_bench::process_cpu;

use crate::Result;
use crate::args::{Args, Op, Side};
use crate::key_writes::run_key_write;
use crate::machine::other_process_cpu;
use crate::ops::{Ctx, InsertRows, run_find, run_insert, run_stream};

#[derive(Debug, Clone, Copy)]
pub(crate) struct Sample {
    /// Operations (rows, for `stream`) per second.
    pub(crate) rate: f64,
    /// Client CPU per operation (per 1,000 rows for `stream`), in microseconds.
    pub(crate) client_cpu_us: f64,
    /// Server CPU per operation (per 1,000 rows for `stream`), in microseconds.
    pub(crate) server_cpu_us: Option<f64>,
}

/// How many units a measurement of `op` at `concurrency` performs.
pub(crate) fn measurement_size(args: &Args, op: Op, concurrency: usize) -> usize {
    match op {
        Op::Insert | Op::Find | Op::Update | Op::Delete if concurrency > 1 => args.ops_concurrent,
        Op::Insert | Op::Find | Op::Update | Op::Delete => args.ops,
        Op::Stream if concurrency > 1 => args.streams_concurrent.max(concurrency),
        Op::Stream => args.streams,
    }
}

/// What one side accumulated over the slices of one measurement.
#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) elapsed: Duration,
    pub(crate) units: u64,
    pub(crate) cpu: Duration,
    pub(crate) server_cpu: Option<Duration>,
}

impl Tally {
    pub(crate) fn sample(&self, op: Op) -> Sample {
        // CPU per operation; per 1,000 rows for streams.
        let per = if op == Op::Stream {
            self.units as f64 / 1000.0
        } else {
            self.units as f64
        };
        Sample {
            rate: self.units as f64 / self.elapsed.as_secs_f64(),
            client_cpu_us: self.cpu.as_secs_f64() * 1e6 / per,
            server_cpu_us: self.server_cpu.map(|cpu| cpu.as_secs_f64() * 1e6 / per),
        }
    }
}

/// One round of `op` at `concurrency`: the same work for every side in `sides`, cut into
/// slices that alternate between the sides (ABBA order), so that load changing during the
/// round reaches every side alike. Returns one sample per side.
pub(crate) async fn measure_round(
    ctx: &Ctx,
    args: &Args,
    op: Op,
    concurrency: usize,
    round: usize,
    sides: &[Side],
) -> Result<Vec<(Side, Sample)>> {
    let n = measurement_size(args, op, concurrency);
    let slice = match op {
        Op::Stream if concurrency > 1 => concurrency,
        Op::Stream => 2,
        Op::Insert | Op::Find | Op::Update | Op::Delete => n.div_ceil(args.slices).max(concurrency),
    };
    // Inputs are made before the clock starts; every side inserts fresh rows.
    let rows: Vec<InsertRows> = sides
        .iter()
        .map(|&side| ctx.rows_to_insert(if op == Op::Insert { n } else { 0 }, side))
        .collect();
    // Every side of a round reads the same keys; rounds move on through the key list.
    let offset = round * n;
    let mut tallies: Vec<Tally> = sides.iter().map(|_| Tally::default()).collect();

    let mut order: Vec<usize> = (0..sides.len()).collect();
    if round % 2 == 1 {
        order.reverse();
    }
    for (number, start) in (0..n).step_by(slice).enumerate() {
        let range = start..(start + slice).min(n);
        // ABBA: the side that went last goes first in the next slice.
        if number > 0 {
            order.reverse();
        }
        for &i in &order {
            let side = sides[i];
            let server_before = args.server_pid.and_then(other_process_cpu);
            let cpu_before = process_cpu();
            let clock = Instant::now();
            let units = match op {
                Op::Insert => {
                    run_insert(ctx, side, concurrency, rows[i].slice(range.clone())).await?
                }
                Op::Find => {
                    run_find(ctx, side, concurrency, range.len(), offset + range.start).await?
                }
                Op::Stream => run_stream(ctx, side, concurrency, range.len()).await?,
                Op::Update | Op::Delete => {
                    let start = offset + range.start;
                    run_key_write(ctx, op, side, concurrency, range.len(), start).await?
                }
            };
            let elapsed = clock.elapsed();
            let cpu = process_cpu() - cpu_before;
            let server_after = args.server_pid.and_then(other_process_cpu);
            let tally = &mut tallies[i];
            tally.elapsed += elapsed;
            tally.units += units;
            tally.cpu += cpu;
            if let (Some(before), Some(after)) = (server_before, server_after) {
                *tally.server_cpu.get_or_insert(Duration::ZERO) += after.saturating_sub(before);
            }
        }
    }
    Ok(sides
        .iter()
        .zip(&tallies)
        .map(|(&side, tally)| (side, tally.sample(op)))
        .collect())
}
