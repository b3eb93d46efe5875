//! ORM vs hand-written driver code, measured in one run against the same CQL server.
//!
//! ```sh
//! scripts/db up && cargo run --release -p orm-bench
//! cargo run --release -p orm-bench -- --help
//! ```
//!
//! Three operations, each at every concurrency of `--concurrency` (default `1,64`):
//! - `insert`: write one row;
//! - `find`: read one row by its full primary key;
//! - `stream`: read a 10,000-row partition to its end, page by page.
//!
//! Each is done three ways: through the ORM (`#[derive(Model)]`, `insert`, `find`,
//! `query().filter(..).stream(..)`), through the `scylla` driver by hand (statements
//! prepared once, `execute_unpaged`, `execute_iter(..).rows_stream::<T>()`), and through
//! charybdis, the peer ORM (`#[charybdis_model]` on a `CachingSession`, as its README
//! says; see `charybdis.rs`). The ORM and raw sides share one driver session (charybdis's
//! `CachingSession` owns another); all use one keyspace and the same tables, and do the
//! same work in each round: cut into slices that alternate between the sides (ABBA order, flipped every
//! round), so load changing on a shared machine reaches both alike. The report gives, per
//! side, the median rate over the rounds and its spread, the ORM/raw ratio (paired by
//! round), the CPU time per operation of this process (and of the server, with
//! `--server-pid`), what else used the machine meanwhile, and heap allocations per
//! operation (an untimed pass with a counting allocator).
//!
//! With `--variants`, two hybrids join the rounds to locate a difference: the driver's own
//! calls reading rows as a tuple (`raw-tuple`), and the driver's own calls with the model's
//! derived `SerializeRow` / `DeserializeRow` (`raw+model`). `bench/callgrind.sh` counts the
//! client's instructions per operation for every side, which load does not disturb.
//!

mod alloc;
mod args;
mod charybdis;
mod key_writes;
mod machine;
mod measure;
mod ops;
mod report;
mod setup;
mod tables;

use std::error::Error as StdError;
use std::fmt::Write as _;
use std::time::Instant;

use orm_core::{Model, render};
use uuid::Uuid;

use crate::alloc::allocation_pass;
use crate::args::{Args, Side, parse_args};
use crate::machine::CpuShare;
use crate::measure::measure_round;
use crate::report::{Series, report, settings, sizes, thousands};
use crate::setup::{setup, warm_up};
use crate::tables::{RAW_DELETE, RAW_FIND, RAW_INSERT, RAW_STREAM, RAW_UPDATE, ReadRow, WriteRow};

type BoxError = Box<dyn StdError + Send + Sync>;
type Result<T, E = BoxError> = std::result::Result<T, E>;

const KEYSPACE: &str = "orm_bench";

fn main() -> Result<()> {
    let args = parse_args()?;
    if args.subscriber {
        // Spans enabled and recorded (the registry keeps their data), nothing printed.
        use tracing_subscriber::layer::SubscriberExt;
        let orm = tracing_subscriber::filter::Targets::new()
            .with_target("orm_core", tracing::Level::INFO);
        let listening = tracing_subscriber::registry().with(orm);
        tracing::subscriber::set_global_default(listening)?;
    }
    let runtime = if args.current_thread {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    }
    .enable_all()
    .build()?;
    runtime.block_on(run(args))
}

async fn run(args: Args) -> Result<()> {
    let wall = Instant::now();
    let ctx = setup(&args).await?;

    eprintln!("ORM statements:");
    eprintln!("  insert: {}", render::insert(WriteRow::TABLE));
    eprintln!(
        "  find:   {}",
        render::select_by_primary_key(ReadRow::TABLE)
    );
    eprintln!(
        "  stream: {}",
        ReadRow::query().filter(ReadRow::PK.eq(Uuid::nil())).cql()?
    );
    eprintln!(
        "  update: {}",
        WriteRow::update(&(Uuid::nil(), 0))
            .set(WriteRow::NAME, key_writes::NEW_NAME)
            .cql()?
    );
    eprintln!(
        "  delete: {}",
        render::delete_by_primary_key(WriteRow::TABLE)
    );
    eprintln!(
        "raw statements:\n  insert: {RAW_INSERT}\n  find:   {RAW_FIND}\n  stream: {RAW_STREAM}\n  \
         update: {RAW_UPDATE}\n  delete: {RAW_DELETE}"
    );

    warm_up(&ctx, &args).await?;
    let cpu_before = CpuShare::now(&args);

    let sides = args.sides.as_slice();
    let mut all: Vec<Series> = Vec::new();
    for &op in &args.only {
        for &concurrency in &args.concurrency {
            for &side in sides {
                if side.applies_to(op) {
                    all.push(Series {
                        op,
                        concurrency,
                        side,
                        samples: Vec::new(),
                    });
                }
            }
        }
    }

    for round in 0..args.rounds {
        eprintln!("round {}/{}", round + 1, args.rounds);
        for &op in &args.only {
            for &concurrency in &args.concurrency {
                let here: Vec<Side> = sides.iter().copied().filter(|s| s.applies_to(op)).collect();
                let samples = measure_round(&ctx, &args, op, concurrency, round, &here).await?;
                let mut line = format!("  {:<6} c={:<3}", op.name(), concurrency);
                for (side, sample) in samples {
                    let _ = write!(
                        line,
                        "  {} {:>9} {} ({:.1} us cpu)",
                        side.name(),
                        thousands(sample.rate),
                        op.unit(),
                        sample.client_cpu_us
                    );
                    all.iter_mut()
                        .find(|s| s.op == op && s.concurrency == concurrency && s.side == side)
                        .expect("every series was created above")
                        .samples
                        .push(sample);
                }
                eprintln!("{line}");
            }
        }
    }

    let cpu_share = cpu_before.since(&args);
    let mut text = settings(&ctx, &args, &cpu_share).await;
    text.push_str(&report(&args, &all));
    text.push_str(&sizes(&ctx));
    if args.alloc_ops > 0 {
        text.push_str(&allocation_pass(&ctx, &args).await?);
    }
    println!("{text}");
    eprintln!("total time {:.0} s", wall.elapsed().as_secs_f64());
    Ok(())
}
