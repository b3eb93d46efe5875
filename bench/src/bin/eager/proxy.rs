//! A TCP proxy that holds every byte for a fixed time in each direction, so the eager
//! benchmark can show what a network between client and server changes: loopback round
//! trips here take about 0.1 ms, a real network's 0.5 to 2 ms.
//!
//! It runs as a child process (this same binary with `--serve-proxy`), so its CPU time
//! is not counted as the client's. Delays are held with tokio's timer, whose resolution
//! is 1 ms: a one-way delay of `d` ms becomes `d` to `d + 1` ms.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::Instant;

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
    pub fn start(upstream: &str, one_way_ms: u64) -> std::io::Result<Proxy> {
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

/// The proxy process's main: prints the address it listens on, then serves forever.
pub fn serve(upstream: &str, one_way_ms: u64) -> ! {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime for the proxy");
    let upstream: SocketAddr = upstream.parse().expect("upstream is host:port");
    let delay = Duration::from_millis(one_way_ms);
    runtime.block_on(async move {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        println!("{}", listener.local_addr().expect("bound address"));
        loop {
            let Ok((client, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(relay(client, upstream, delay));
        }
    })
}

async fn relay(client: TcpStream, upstream: SocketAddr, delay: Duration) {
    let Ok(server) = TcpStream::connect(upstream).await else {
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    tokio::join!(
        delayed_copy(client_read, server_write, delay),
        delayed_copy(server_read, client_write, delay),
    );
}

/// Copies `from` to `to`, each chunk written `delay` after it was read. Reading goes on
/// while earlier chunks wait, so the delay adds latency without limiting throughput.
async fn delayed_copy(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, delay: Duration) {
    let (chunks, mut due) = mpsc::unbounded_channel::<(Instant, Vec<u8>)>();
    let read = async move {
        let mut buffer = vec![0u8; 64 * 1024];
        while let Ok(read @ 1..) = from.read(&mut buffer).await {
            if chunks
                .send((Instant::now() + delay, buffer[..read].to_vec()))
                .is_err()
            {
                break;
            }
        }
    };
    let write = async move {
        while let Some((at, bytes)) = due.recv().await {
            tokio::time::sleep_until(at).await;
            if to.write_all(&bytes).await.is_err() {
                break;
            }
        }
        let _ = to.shutdown().await;
    };
    tokio::join!(read, write);
}
