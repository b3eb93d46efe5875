//! Statistics over rounds and the Markdown report: throughput, CPU, sizes, settings.

use std::fmt::Write as _;

use orm_core::Model;
use uuid::Uuid;

use crate::args::{Args, Op, Side};
use crate::key_writes::NEW_NAME;
use crate::measure::Sample;
use crate::ops::Ctx;
use crate::tables::{RawRow, ReadRow, STREAM_ROWS, WriteRow, write_row};

pub(crate) fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    }
}

pub(crate) fn min_max(values: &[f64]) -> (f64, f64) {
    values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        })
}

/// `12,345`.
pub(crate) fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub(crate) struct Series {
    pub(crate) op: Op,
    pub(crate) concurrency: usize,
    pub(crate) side: Side,
    pub(crate) samples: Vec<Sample>,
}

impl Series {
    pub(crate) fn rates(&self) -> Vec<f64> {
        self.samples.iter().map(|s| s.rate).collect()
    }
}

pub(crate) fn find_series(
    all: &[Series],
    op: Op,
    concurrency: usize,
    side: Side,
) -> Option<&Series> {
    all.iter()
        .find(|s| s.op == op && s.concurrency == concurrency && s.side == side)
}

/// The median over rounds of `side`'s metric divided by raw's in the same round.
pub(crate) fn paired(
    all: &[Series],
    op: Op,
    concurrency: usize,
    side: Side,
    metric: fn(&Sample) -> f64,
) -> Option<f64> {
    let this = find_series(all, op, concurrency, side)?;
    let raw = find_series(all, op, concurrency, Side::Raw)?;
    let ratios: Vec<f64> = this
        .samples
        .iter()
        .zip(&raw.samples)
        .map(|(a, b)| metric(a) / metric(b))
        .collect();
    (!ratios.is_empty()).then(|| median(&ratios))
}

/// A Markdown table's header line and rule: the `first` columns (ruled `first_rule`), then
/// one right-aligned column per name in `columns`.
fn table_head(first: &str, first_rule: &str, columns: impl Iterator<Item = String>) -> String {
    let mut header = String::from(first);
    let mut rule = String::from(first_rule);
    for column in columns {
        let _ = write!(header, " {column} |");
        rule.push_str("---:|");
    }
    format!("{header}\n{rule}")
}

/// Appends one table cell to `line`: the value, or `-` where there is none.
fn cell(line: &mut String, value: Option<String>) {
    let _ = write!(line, " {} |", value.as_deref().unwrap_or("-"));
}

pub(crate) fn report(args: &Args, all: &[Series]) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(
        w,
        "\n## Throughput: median of {} rounds (spread = min-max across rounds)\n\n\
         Paired ORM/raw: each round's ORM rate over the same round's raw rate (the two sides \
         alternate within the round), then the median and range of those ratios: the \
         comparison that load changing between rounds does not skew. ORM/raw of medians: the \
         ratio of the two median columns.\n",
        args.rounds
    );
    let _ = writeln!(
        w,
        "| operation | concurrency | unit | ORM (median) | raw (median) | paired ORM/raw (median) | paired ORM/raw (min-max) | ORM/raw of medians | ORM (min-max) | raw (min-max) |"
    );
    let _ = writeln!(w, "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|");
    for &op in &args.only {
        for &concurrency in &args.concurrency {
            let (Some(orm), Some(raw)) = (
                find_series(all, op, concurrency, Side::Orm),
                find_series(all, op, concurrency, Side::Raw),
            ) else {
                continue;
            };
            let (orm_rates, raw_rates) = (orm.rates(), raw.rates());
            let ratios: Vec<f64> = orm_rates
                .iter()
                .zip(&raw_rates)
                .map(|(o, r)| o / r)
                .collect();
            let (olo, ohi) = min_max(&orm_rates);
            let (rlo, rhi) = min_max(&raw_rates);
            let (qlo, qhi) = min_max(&ratios);
            let _ = writeln!(
                w,
                "| {} | {} | {} | {} | {} | {:.3} | {:.3}-{:.3} | {:.3} | {}-{} | {}-{} |",
                op.name(),
                concurrency,
                op.unit(),
                thousands(median(&orm_rates)),
                thousands(median(&raw_rates)),
                median(&ratios),
                qlo,
                qhi,
                median(&orm_rates) / median(&raw_rates),
                thousands(olo),
                thousands(ohi),
                thousands(rlo),
                thousands(rhi),
            );
        }
    }

    let sides = args.sides.as_slice();
    let server = args.server_pid.is_some();
    let _ = writeln!(
        w,
        "\n## CPU per operation (per 1,000 rows for stream), median of rounds, in microseconds\n"
    );
    let _ = writeln!(
        w,
        "Client = this whole process (every thread, the driver's included){}.\n",
        if server {
            "; server = the server process (coarse: clock ticks)"
        } else {
            ""
        }
    );
    let columns = sides
        .iter()
        .map(|side| format!("client {}", side.name()))
        .chain(["client ORM/raw (paired)".to_owned()])
        .chain(
            sides
                .iter()
                .filter(|_| server)
                .map(|side| format!("server {}", side.name())),
        );
    let _ = writeln!(
        w,
        "{}",
        table_head("| operation | concurrency |", "|---|---:|", columns)
    );
    for &op in &args.only {
        for &concurrency in &args.concurrency {
            let mut line = format!("| {} | {} |", op.name(), concurrency);
            for &side in sides {
                let cpu = find_series(all, op, concurrency, side).map(|series| {
                    let cpu: Vec<f64> = series.samples.iter().map(|s| s.client_cpu_us).collect();
                    format!("{:.1}", median(&cpu))
                });
                cell(&mut line, cpu);
            }
            let ratio = paired(all, op, concurrency, Side::Orm, |s| s.client_cpu_us);
            cell(&mut line, ratio.map(|ratio| format!("{ratio:.3}")));
            if server {
                for &side in sides {
                    let cpu: Vec<f64> = find_series(all, op, concurrency, side)
                        .map(|series| {
                            series
                                .samples
                                .iter()
                                .filter_map(|s| s.server_cpu_us)
                                .collect()
                        })
                        .unwrap_or_default();
                    let value = (!cpu.is_empty()).then(|| format!("{:.0}", median(&cpu)));
                    cell(&mut line, value);
                }
            }
            let _ = writeln!(w, "{line}");
        }
    }

    if args.sides.len() > 2 {
        let _ = writeln!(
            w,
            "\n## Every side: median throughput (paired ratio to raw; paired client-CPU ratio to raw)\n\n\
             raw-tuple = driver calls reading rows as a tuple; raw+model = driver calls with \
             the model's derived SerializeRow/DeserializeRow.\n"
        );
        let columns = sides.iter().map(|side| side.name().to_owned());
        let head = table_head(
            "| operation | concurrency | unit |",
            "|---|---:|---|",
            columns,
        );
        let _ = writeln!(w, "{head}");
        for &op in &args.only {
            for &concurrency in &args.concurrency {
                if find_series(all, op, concurrency, Side::Raw).is_none() {
                    continue;
                }
                let mut line = format!("| {} | {} | {} |", op.name(), concurrency, op.unit());
                for &side in sides {
                    let value = find_series(all, op, concurrency, side).map(|series| {
                        let rate = paired(all, op, concurrency, side, |s| s.rate);
                        let cpu = paired(all, op, concurrency, side, |s| s.client_cpu_us);
                        format!(
                            "{} ({:.3}; cpu {:.3})",
                            thousands(median(&series.rates())),
                            rate.unwrap_or(f64::NAN),
                            cpu.unwrap_or(f64::NAN)
                        )
                    });
                    cell(&mut line, value);
                }
                let _ = writeln!(w, "{line}");
            }
        }
    }
    out
}

/// Sizes of what each side moves per operation (futures) and per row (stream items): the
/// ORM's extra layers show up here.
pub(crate) fn sizes(ctx: &Ctx) -> String {
    use scylla::errors::NextRowError;
    use std::mem::{size_of, size_of_val};

    let db = &ctx.db;
    let session = ctx.session();
    let key = ctx.find_key(0, 0);
    let row = write_row(Uuid::nil(), 0);
    let orm_find = ReadRow::find(db, &key);
    let raw_find = session.execute_unpaged(&ctx.raw_find, key);
    let orm_insert = row.insert(db);
    let raw_insert = session.execute_unpaged(
        &ctx.raw_insert,
        (
            row.pk,
            row.ck,
            &row.name,
            &row.payload,
            row.score,
            row.views,
        ),
    );
    let orm_stream = ReadRow::query()
        .filter(ReadRow::PK.eq(ctx.stream_pk))
        .stream(db);
    let raw_stream = session.execute_iter(ctx.raw_stream.clone(), (ctx.stream_pk,));
    let orm_update = WriteRow::update(&key)
        .set(WriteRow::NAME, NEW_NAME)
        .execute(db);
    let raw_update = session.execute_unpaged(&ctx.raw_update, (NEW_NAME, key.0, key.1));
    let orm_delete = WriteRow::delete_by_key(db, &key);
    let raw_delete = session.execute_unpaged(&ctx.raw_delete, key);
    let mut out = String::from(
        "\n## Sizes in bytes (futures as created, before their first poll)\n\n\
         | what | ORM | raw |\n|---|---:|---:|\n",
    );
    let mut line = |what: &str, orm: usize, raw: usize| {
        let _ = writeln!(out, "| {what} | {orm} | {raw} |");
    };
    line(
        "insert future",
        size_of_val(&orm_insert),
        size_of_val(&raw_insert),
    );
    line(
        "find future (raw: execute_unpaged only)",
        size_of_val(&orm_find),
        size_of_val(&raw_find),
    );
    line(
        "stream-opening future",
        size_of_val(&orm_stream),
        size_of_val(&raw_stream),
    );
    line(
        "update future",
        size_of_val(&orm_update),
        size_of_val(&raw_update),
    );
    line(
        "delete future",
        size_of_val(&orm_delete),
        size_of_val(&raw_delete),
    );
    line(
        "stream item (`Result<row, error>`)",
        size_of::<Result<ReadRow, orm_core::Error>>(),
        size_of::<Result<RawRow, NextRowError>>(),
    );
    line(
        "error type",
        size_of::<orm_core::Error>(),
        size_of::<NextRowError>(),
    );
    out
}

/// What was measured, where, and with which settings.
pub(crate) async fn settings(ctx: &Ctx, args: &Args, cpu_share: &str) -> String {
    let version = async {
        ctx.session()
            .query_unpaged("SELECT release_version FROM system.local", ())
            .await
            .ok()?
            .into_rows_result()
            .ok()?
            .maybe_first_row::<(String,)>()
            .ok()?
            .map(|(version,)| version)
    }
    .await
    .unwrap_or_else(|| "unknown".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!(
        "\n## Settings\n\n\
         server {} (release_version {version}); client: {cores} logical CPUs; \
         rounds {}; concurrency {:?}; per measurement: {} ops at concurrency 1, {} above; \
         {} streams of {STREAM_ROWS} rows at concurrency 1, {} above.\n\n\
         CPU use during the timed rounds: {cpu_share}.\n",
        args.uri,
        args.rounds,
        args.concurrency,
        args.ops,
        args.ops_concurrent,
        args.streams,
        args.streams_concurrent,
    )
}
