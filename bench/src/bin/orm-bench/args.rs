//! The command line: which operations, sides, sizes and concurrencies to measure.

use crate::{BoxError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Insert,
    Find,
    Stream,
    Update,
    Delete,
}

impl Op {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Op::Insert => "insert",
            Op::Find => "find",
            Op::Stream => "stream",
            Op::Update => "update",
            Op::Delete => "delete",
        }
    }

    pub(crate) fn unit(self) -> &'static str {
        match self {
            Op::Stream => "rows/s",
            _ => "ops/s",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    /// Through the ORM.
    Orm,
    /// Hand-written driver code: tuple values, `#[derive(DeserializeRow)]` rows.
    Raw,
    /// Hand-written driver code reading rows as a tuple.
    RawTuple,
    /// Hand-written driver calls, with the model's derived `SerializeRow` / `DeserializeRow`.
    RawModel,
    /// charybdis, the peer ORM, used as its README says.
    Charybdis,
}

impl Side {
    pub(crate) const ALL: [Side; 5] = [
        Side::Orm,
        Side::Raw,
        Side::Charybdis,
        Side::RawTuple,
        Side::RawModel,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Side::Orm => "ORM",
            Side::Raw => "raw",
            Side::RawTuple => "raw-tuple",
            Side::RawModel => "raw+model",
            Side::Charybdis => "charybdis",
        }
    }

    pub(crate) fn applies_to(self, op: Op) -> bool {
        match op {
            // An insert binds a tuple on the raw side already.
            Op::Insert => self != Side::RawTuple,
            // Writes by key read no rows and bind a tuple: the variants of the raw side
            // that differ in how they read rows have nothing to vary.
            Op::Update | Op::Delete => matches!(self, Side::Orm | Side::Raw | Side::Charybdis),
            Op::Find | Op::Stream => true,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Args {
    pub(crate) uri: String,
    pub(crate) ops: usize,
    pub(crate) ops_concurrent: usize,
    pub(crate) streams: usize,
    pub(crate) streams_concurrent: usize,
    pub(crate) rounds: usize,
    pub(crate) slices: usize,
    pub(crate) concurrency: Vec<usize>,
    pub(crate) only: Vec<Op>,
    pub(crate) warmup: usize,
    pub(crate) sides: Vec<Side>,
    pub(crate) alloc_ops: usize,
    pub(crate) server_pid: Option<u32>,
    pub(crate) reuse_data: bool,
    pub(crate) current_thread: bool,
    pub(crate) subscriber: bool,
}

pub(crate) const USAGE: &str = "\
usage: cargo run --release -p orm-bench -- [options]

  --ops N            single-row operations (insert, find) per side per measurement,
                     at concurrency 1 [3000]
  --ops-concurrent N the same at higher concurrency [20000]
  --streams N        10,000-row partition reads per side per measurement,
                     at concurrency 1 [16]
  --streams-concurrent N
                     the same at higher concurrency (at least the concurrency) [128]
  --rounds R         rounds; each measures every operation on every side [9]
  --slices K         single-row measurements alternate sides in K slices [8]
                     (streams alternate every 2 streams, or every C at concurrency C)
  --concurrency L    comma-separated in-flight request counts [1,64]
  --only L           comma-separated subset of insert,find,stream,update,delete
                     [insert,find,stream]
  --warmup N         warm-up operations per side and operation [2000]
  --variants         also time the raw-tuple and raw+model hybrids
  --sides L          comma-separated subset of orm,raw,charybdis,raw-tuple,raw+model
                     [orm,raw,charybdis]
  --alloc-ops N      operations per side in the allocation-counting pass, 0 to skip [300]
  --server-pid PID   also report the server process's CPU time per operation
  --uri HOST:PORT    the CQL server [$SCYLLA_URI or 127.0.0.1:9042]
  --reuse-data       keep keyspace orm_bench and its rows from a previous run
                     (default: drop it and load afresh)
  --current-thread   run everything on one thread (tokio's current-thread runtime)
                     instead of one worker per CPU; bench/callgrind.sh uses it
  --subscriber       install a tracing subscriber that keeps the ORM's spans (target
                     orm_core, info) and prints nothing: the cost of spans when someone
                     listens (bench/callgrind.sh with SUBSCRIBER=1)
";

pub(crate) fn parse_args() -> Result<Args> {
    let mut args = Args {
        uri: orm_bench::scylla_uri(),
        ops: 3000,
        ops_concurrent: 20_000,
        streams: 16,
        streams_concurrent: 128,
        rounds: 9,
        slices: 8,
        concurrency: vec![1, 64],
        only: vec![Op::Insert, Op::Find, Op::Stream],
        warmup: 2000,
        sides: vec![Side::Orm, Side::Raw, Side::Charybdis],
        alloc_ops: 300,
        server_pid: None,
        reuse_data: false,
        current_thread: false,
        subscriber: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| BoxError::from(format!("{flag} needs a value\n\n{USAGE}")))
        };
        match flag.as_str() {
            "--ops" => args.ops = value()?.parse()?,
            "--ops-concurrent" => args.ops_concurrent = value()?.parse()?,
            "--streams" => args.streams = value()?.parse()?,
            "--streams-concurrent" => args.streams_concurrent = value()?.parse()?,
            "--rounds" => args.rounds = value()?.parse()?,
            "--slices" => args.slices = value()?.parse()?,
            "--concurrency" => {
                args.concurrency = value()?
                    .split(',')
                    .map(|c| c.trim().parse())
                    .collect::<Result<_, _>>()?;
            }
            "--only" => {
                args.only = value()?
                    .split(',')
                    .map(|op| match op.trim() {
                        "insert" => Ok(Op::Insert),
                        "find" => Ok(Op::Find),
                        "stream" => Ok(Op::Stream),
                        "update" => Ok(Op::Update),
                        "delete" => Ok(Op::Delete),
                        other => Err(format!("unknown operation {other:?}")),
                    })
                    .collect::<Result<_, _>>()?;
            }
            "--warmup" => args.warmup = value()?.parse()?,
            "--variants" => args.sides = Side::ALL.to_vec(),
            "--sides" => {
                args.sides = value()?
                    .split(',')
                    .map(|side| {
                        let side = side.trim();
                        Side::ALL
                            .into_iter()
                            .find(|s| s.name().eq_ignore_ascii_case(side))
                            .ok_or_else(|| format!("unknown side {side:?}"))
                    })
                    .collect::<Result<_, _>>()?;
            }
            "--alloc-ops" => args.alloc_ops = value()?.parse()?,
            "--server-pid" => args.server_pid = Some(value()?.parse()?),
            "--uri" => args.uri = value()?,
            "--reuse-data" => args.reuse_data = true,
            "--current-thread" => args.current_thread = true,
            "--subscriber" => args.subscriber = true,
            "-h" | "--help" => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown option {other:?}\n\n{USAGE}").into()),
        }
    }
    if [
        args.ops,
        args.ops_concurrent,
        args.streams,
        args.streams_concurrent,
        args.rounds,
        args.slices,
    ]
    .contains(&0)
    {
        return Err(
            "--ops, --streams and --rounds (and their -concurrent forms) must be positive".into(),
        );
    }
    if args.concurrency.contains(&0) {
        return Err("--concurrency values must be positive".into());
    }
    Ok(args)
}
