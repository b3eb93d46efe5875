//! A TCP proxy that holds every byte for a fixed time in each direction, so the eager
//! benchmark can show what a network between client and server changes: loopback round
//! trips here take about 0.1 ms, a real network's 0.5 to 2 ms.
//!
//! It runs as a child process (this same binary with `--serve-proxy`), so its CPU time
//! is not counted as the client's. Each direction of each connection has a reader thread
//! and a writer thread that sleeps until a chunk is due: `thread::sleep` keeps the delay
//! within about 0.1 ms, where an async timer would round it up to whole milliseconds.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// The flag that turns this binary into the proxy: `--serve-proxy UPSTREAM DELAY_MS`.
pub const SERVE_FLAG: &str = "--serve-proxy";

/// A running proxy process; stopped when dropped.
pub struct Proxy {
    child: Child,
    /// Where clients connect instead of the server.
    pub address: SocketAddr,
}

impl Proxy {
    /// Starts this binary as a proxy in front of `upstream`, delaying each direction by
    /// `one_way_ms`.
    pub fn start(upstream: &str, one_way_ms: f64) -> std::io::Result<Proxy> {
        let mut child = Command::new(std::env::current_exe()?)
            .args([SERVE_FLAG, upstream, &one_way_ms.to_string()])
            .stdout(Stdio::piped())
            .spawn()?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let address = line.trim().parse().map_err(|_| {
            std::io::Error::other(format!("the proxy printed no address: {line:?}"))
        })?;
        Ok(Proxy { child, address })
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The proxy process's main: prints the address it listens on, then serves until killed.
pub fn serve(upstream: &str, one_way_ms: f64) -> ! {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port for the proxy");
    println!("{}", listener.local_addr().expect("the bound address"));
    let delay = Duration::from_secs_f64(one_way_ms / 1_000.0);
    for client in listener.incoming().flatten() {
        let upstream = upstream.to_owned();
        thread::spawn(move || relay(client, &upstream, delay));
    }
    unreachable!("TcpListener::incoming never ends")
}

fn relay(client: TcpStream, upstream: &str, delay: Duration) {
    let Ok(server) = TcpStream::connect(upstream) else {
        return;
    };
    let (Ok(client_out), Ok(server_out)) = (client.try_clone(), server.try_clone()) else {
        return;
    };
    for stream in [&client, &server] {
        let _ = stream.set_nodelay(true);
    }
    let requests = thread::spawn(move || delayed_copy(client, server_out, delay));
    delayed_copy(server, client_out, delay);
    let _ = requests.join();
}

/// Copies `from` to `to`, each chunk written `delay` after it was read. Reading goes on
/// while earlier chunks wait, so the delay adds latency without limiting throughput.
fn delayed_copy(mut from: TcpStream, mut to: TcpStream, delay: Duration) {
    let (chunks, due) = mpsc::channel::<(Instant, Vec<u8>)>();
    let writer = thread::spawn(move || {
        for (at, bytes) in due {
            thread::sleep(at.saturating_duration_since(Instant::now()));
            if to.write_all(&bytes).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    });
    let mut buffer = vec![0u8; 64 * 1024];
    while let Ok(read @ 1..) = from.read(&mut buffer) {
        let chunk = (Instant::now() + delay, buffer[..read].to_vec());
        if chunks.send(chunk).is_err() {
            break;
        }
    }
    drop(chunks);
    let _ = writer.join();
}
