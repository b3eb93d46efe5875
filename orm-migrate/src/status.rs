//! The state of each migration, from the sources and the records, and its table.

use std::fmt;

use crate::record::{Outcome, Record};
use crate::source::Migration;

/// Where a migration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Not applied yet.
    Pending,
    /// Applied, and unchanged since.
    Applied,
    /// Applied, and its statements changed since: it is not run again.
    Changed,
    /// A statement failed (the note names it); `up` resumes there.
    Failed,
    /// The migrator that holds the lease is running it (or died less than a lease TTL
    /// ago: until its lease expires, a dead migrator cannot be told from a live one).
    Running,
    /// Its migrator stopped midway; `up` resumes where it stopped.
    Interrupted,
    /// Its down migration failed.
    DownFailed,
    /// Recorded on the server, but not in the folder or the code.
    Missing,
}

impl State {
    fn label(&self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Applied => "applied",
            State::Changed => "CHANGED",
            State::Failed => "FAILED",
            State::Running => "running",
            State::Interrupted => "INTERRUPTED",
            State::DownFailed => "DOWN FAILED",
            State::Missing => "missing here",
        }
    }
}

/// One line of `status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    /// The version.
    pub version: i64,
    /// The name.
    pub name: String,
    /// Where it stands.
    pub state: State,
    /// When it was applied (or its record last written), in ms since the Unix epoch.
    pub at: Option<i64>,
    /// The failed statement and the error, or what changed.
    pub note: String,
    /// Whether it can be reverted.
    pub has_down: bool,
}

/// The state of every migration known here or recorded, by version. `lease_holder` is the
/// migrator that holds the lease, if one does: its migration is running, not interrupted.
pub(crate) fn merge(
    migrations: &[Migration],
    records: &[Record],
    lease_holder: Option<&str>,
) -> Vec<MigrationStatus> {
    let mut lines: Vec<MigrationStatus> = migrations
        .iter()
        .map(|migration| {
            let record = records.iter().find(|r| r.version == migration.version);
            let (state, note) = match record {
                None => (State::Pending, String::new()),
                Some(record) => match record.outcome {
                    Outcome::Applied if record.checksum != migration.checksum => (
                        State::Changed,
                        "its statements changed after it was applied".to_owned(),
                    ),
                    Outcome::Applied => (State::Applied, String::new()),
                    Outcome::Failed => (State::Failed, failure_note(record)),
                    Outcome::Running if lease_holder == Some(record.by.as_str()) => (
                        State::Running,
                        format!(
                            "{} statement(s) done so far, by {}",
                            record.statements_done, record.by
                        ),
                    ),
                    Outcome::Running => (
                        State::Interrupted,
                        format!(
                            "stopped after {} statement(s), by {}",
                            record.statements_done, record.by
                        ),
                    ),
                    Outcome::DownFailed => (State::DownFailed, failure_note(record)),
                },
            };
            MigrationStatus {
                version: migration.version,
                name: migration.name.clone(),
                state,
                at: record.map(|r| r.at.0),
                note,
                has_down: migration.has_down(),
            }
        })
        .collect();
    for record in records {
        if !migrations.iter().any(|m| m.version == record.version) {
            lines.push(MigrationStatus {
                version: record.version,
                name: record.name.clone(),
                state: State::Missing,
                at: Some(record.at.0),
                note: "recorded on the server, not in the folder or the code".into(),
                has_down: false,
            });
        }
    }
    lines.sort_by_key(|line| line.version);
    lines
}

fn failure_note(record: &Record) -> String {
    let statement = match (record.failed_statement, &record.failed_cql) {
        (Some(index), Some(cql)) => format!("statement {} `{}`: ", index + 1, one_line(cql)),
        _ => String::new(),
    };
    format!("{statement}{}", record.error.as_deref().unwrap_or(""))
}

fn one_line(cql: &str) -> String {
    cql.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The `status` table: one line per migration, columns aligned.
///
/// # Example
/// ```
/// use orm_migrate::{MigrationStatus, State, StatusTable};
///
/// let lines = [MigrationStatus {
///     version: 1,
///     name: "init".into(),
///     state: State::Applied,
///     at: Some(0),
///     note: String::new(),
///     has_down: true,
/// }];
/// let table = StatusTable(&lines).to_string();
/// assert!(table.starts_with("VERSION  NAME  STATE    APPLIED AT (UTC)     DOWN  NOTE"));
/// assert!(table.contains("0001     init  applied  1970-01-01 00:00:00  yes"));
/// ```
#[derive(Debug)]
pub struct StatusTable<'a>(pub &'a [MigrationStatus]);

impl fmt::Display for StatusTable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header = [
            "VERSION",
            "NAME",
            "STATE",
            "APPLIED AT (UTC)",
            "DOWN",
            "NOTE",
        ];
        let rows: Vec<[String; 6]> = self
            .0
            .iter()
            .map(|line| {
                [
                    format!("{:04}", line.version),
                    line.name.clone(),
                    line.state.label().to_owned(),
                    line.at.map(utc).unwrap_or_else(|| "-".into()),
                    if line.has_down { "yes" } else { "no" }.to_owned(),
                    line.note.clone(),
                ]
            })
            .collect();
        let mut widths = header.map(str::len);
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let mut write_row = |cells: [&str; 6]| -> fmt::Result {
            let mut line = String::new();
            for (i, cell) in cells.iter().enumerate() {
                if i + 1 == cells.len() {
                    line.push_str(cell);
                } else {
                    line.push_str(&format!("{cell:<width$}  ", width = widths[i]));
                }
            }
            writeln!(f, "{}", line.trim_end())
        };
        write_row(header)?;
        for row in &rows {
            write_row(row.each_ref().map(String::as_str))?;
        }
        if rows.is_empty() {
            writeln!(f, "(no migrations)")?;
        }
        Ok(())
    }
}

/// `YYYY-MM-DD HH:MM:SS` of milliseconds since the Unix epoch, in UTC.
fn utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::utc;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00");
        assert_eq!(utc(951_782_400_000), "2000-02-29 00:00:00");
        assert_eq!(utc(1_796_203_384_000), "2026-12-02 09:23:04");
    }
}
