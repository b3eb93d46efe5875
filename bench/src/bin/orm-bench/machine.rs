//! CPU accounting outside this process: the server's CPU time and the whole machine's,
//! to say who used the CPUs while the rounds ran.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use orm_bench::process_cpu;

use crate::args::Args;

/// CPU time of another process (the server), from `/proc/PID/stat`, in clock ticks.
pub(crate) fn other_process_cpu(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 here.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_secs_f64(
        ticks as f64 / clock_ticks_per_second(),
    ))
}

/// Busy CPU time of the whole machine, from `/proc/stat` (all CPUs, clock ticks).
pub(crate) fn machine_busy() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    // user nice system idle iowait irq softirq steal: everything but idle and iowait.
    let busy: u64 = fields
        .iter()
        .take(8)
        .enumerate()
        .filter(|(i, _)| *i != 3 && *i != 4)
        .map(|(_, v)| v)
        .sum();
    Some(Duration::from_secs_f64(
        busy as f64 / clock_ticks_per_second(),
    ))
}

pub(crate) fn clock_ticks_per_second() -> f64 {
    // SAFETY: `sysconf` has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if hz > 0 { hz as f64 } else { 100.0 }
}

/// Who used the machine's CPUs while the rounds ran: this client, the server, the rest.
pub(crate) struct CpuShare {
    pub(crate) wall: Instant,
    pub(crate) machine: Option<Duration>,
    pub(crate) client: Duration,
    pub(crate) server: Option<Duration>,
}

impl CpuShare {
    pub(crate) fn now(args: &Args) -> Self {
        CpuShare {
            wall: Instant::now(),
            machine: machine_busy(),
            client: process_cpu(),
            server: args.server_pid.and_then(other_process_cpu),
        }
    }

    /// "machine 91% busy: client 20%, server 60%, other processes 11%".
    pub(crate) fn since(&self, args: &Args) -> String {
        let end = CpuShare::now(args);
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let capacity = end.wall.duration_since(self.wall).as_secs_f64() * cores as f64;
        let pct = |d: Duration| 100.0 * d.as_secs_f64() / capacity;
        let Some(machine) = end
            .machine
            .zip(self.machine)
            .map(|(b, a)| b.saturating_sub(a))
        else {
            return "unknown".to_owned();
        };
        let client = end.client.saturating_sub(self.client);
        let mut text = format!(
            "machine {:.0}% busy (of {cores} CPUs for {:.0} s): this client {:.0}%",
            pct(machine),
            end.wall.duration_since(self.wall).as_secs_f64(),
            pct(client)
        );
        match end
            .server
            .zip(self.server)
            .map(|(b, a)| b.saturating_sub(a))
        {
            Some(server) => {
                let other = machine.saturating_sub(client).saturating_sub(server);
                let _ = write!(
                    text,
                    ", the server {:.0}%, other processes {:.0}%",
                    pct(server),
                    pct(other)
                );
            }
            None => {
                let _ = write!(
                    text,
                    ", the server and other processes {:.0}% (pass --server-pid to separate them)",
                    pct(machine.saturating_sub(client))
                );
            }
        }
        text
    }
}
