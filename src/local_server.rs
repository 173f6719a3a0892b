//! [`Server`]: the real network server, started inside the caller's process for its
//! tests — on TCP (an ephemeral port by default) and/or a unix socket, either on a
//! thread and runtime of its own or as a task on the caller's tokio runtime. It stops
//! when dropped; any number run side by side, each on its own engine or sharing one.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use crate::{server, Engine};

/// A kvdb server running inside this process; stops when dropped.
#[derive(Debug)]
pub struct Server {
    engine: Engine,
    addrs: Vec<SocketAddr>,
    unix: Option<PathBuf>,
    stop: server::Stopper,
    runner: Runner,
}

/// What runs the server's accept loop.
#[derive(Debug)]
enum Runner {
    /// A thread with its own runtime, joined on drop.
    Thread(Option<std::thread::JoinHandle<()>>),
    /// A task on the caller's runtime.
    Task(Option<tokio::task::JoinHandle<()>>),
}

impl Server {
    /// Starts a server for `engine` on `127.0.0.1` with a free port, on a thread of
    /// its own.
    pub fn start(engine: Engine) -> std::io::Result<Server> {
        Server::builder(engine).start()
    }

    /// Starts a server for `engine` listening on `address` (`host:port`), on a thread
    /// of its own.
    pub fn start_on(engine: Engine, address: &str) -> std::io::Result<Server> {
        Server::builder(engine).tcp(address).start()
    }

    /// A builder choosing where the server listens and what runs it.
    pub fn builder(engine: Engine) -> ServerBuilder {
        ServerBuilder {
            engine,
            tcp: Vec::new(),
            unix: None,
            worker_threads: 2,
        }
    }

    /// The first TCP address clients connect to.
    ///
    /// # Panics
    /// When the server listens on a unix socket only (see [`Server::unix_path`]).
    pub fn addr(&self) -> SocketAddr {
        self.addrs[0]
    }

    /// Every TCP address the server listens on.
    pub fn addrs(&self) -> &[SocketAddr] {
        &self.addrs
    }

    /// The unix socket's path, when it listens on one.
    pub fn unix_path(&self) -> Option<&Path> {
        self.unix.as_deref()
    }

    /// The engine the server serves.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Stops the server and waits until it has stopped: its listeners are closed and
    /// its connections ended. (Dropping it stops it too, but a server on the caller's
    /// runtime can only be waited for here.)
    pub async fn shutdown(mut self) {
        self.stop.stop();
        match &mut self.runner {
            Runner::Task(task) => {
                if let Some(task) = task.take() {
                    let _ = task.await;
                }
            }
            Runner::Thread(thread) => {
                if let Some(thread) = thread.take() {
                    let _ = tokio::task::spawn_blocking(move || thread.join()).await;
                }
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.stop();
        if let Runner::Thread(thread) = &mut self.runner {
            if let Some(thread) = thread.take() {
                let _ = thread.join();
            }
        }
    }
}

/// Builds a [`Server`]: where it listens (by default `127.0.0.1` on a free port) and
/// whether it runs on its own thread ([`ServerBuilder::start`]) or on the caller's
/// tokio runtime ([`ServerBuilder::spawn`]).
#[derive(Debug)]
pub struct ServerBuilder {
    engine: Engine,
    tcp: Vec<String>,
    unix: Option<PathBuf>,
    worker_threads: usize,
}

impl ServerBuilder {
    /// Listens on the TCP `address` (`host:port`, port 0 for a free one); may be given
    /// more than once.
    pub fn tcp(mut self, address: &str) -> Self {
        self.tcp.push(address.to_string());
        self
    }

    /// Listens on a unix socket at `path` (an existing file there is replaced). With
    /// no [`ServerBuilder::tcp`] address, the server listens on this socket only.
    pub fn unix(mut self, path: impl Into<PathBuf>) -> Self {
        self.unix = Some(path.into());
        self
    }

    /// Worker threads [`ServerBuilder::start`] serves on (default 2), each with a
    /// runtime of its own.
    pub fn worker_threads(mut self, threads: usize) -> Self {
        self.worker_threads = threads.max(1);
        self
    }

    /// Where to listen, by `kvdb-server`'s own description.
    fn listen(&self) -> server::Listen {
        let mut tcp: Vec<server::TcpAddress> = self
            .tcp
            .iter()
            .map(|address| server::TcpAddress {
                address: address.clone(),
                optional: false,
            })
            .collect();
        if tcp.is_empty() && self.unix.is_none() {
            tcp.push(server::TcpAddress {
                address: "127.0.0.1:0".to_string(),
                optional: false,
            });
        }
        server::Listen {
            tcp,
            unix: self.unix.clone(),
            ..server::Listen::default()
        }
    }

    /// Binds, then serves on a thread with runtimes of its own, as `kvdb-server`
    /// does: one per worker thread, connections spread over more than the first only
    /// while a core is spare.
    pub fn start(self) -> std::io::Result<Server> {
        let (runtime, more) = server::worker_runtimes(self.worker_threads)?;
        let listen = self.listen();
        let bound = runtime.block_on(server::BoundServer::bind(
            self.engine.core().clone(),
            &listen,
        ))?;
        let stop = bound.stopper();
        let addrs = bound.local_addrs();
        let bound = bound.spread_over(&more);
        let thread = std::thread::Builder::new()
            .name("kvdb-server".into())
            .spawn(move || {
                runtime.block_on(bound.run());
                // Dropped here, outside any runtime, once the server has stopped.
                drop(more);
            })?;
        Ok(Server {
            engine: self.engine,
            addrs,
            unix: listen.unix,
            stop,
            runner: Runner::Thread(Some(thread)),
        })
    }

    /// Binds, then serves as a task on the current tokio runtime (call it from
    /// inside one, `#[tokio::test]` included). On a multi-threaded runtime a long
    /// script hands its worker's other connections to another worker, as in
    /// `kvdb-server`; on a current-thread runtime nothing else is served while a
    /// script runs (no `BUSY` replies).
    pub async fn spawn(self) -> std::io::Result<Server> {
        let listen = self.listen();
        let bound = server::BoundServer::bind(self.engine.core().clone(), &listen).await?;
        let stop = bound.stopper();
        let addrs = bound.local_addrs();
        let task = tokio::spawn(bound.run());
        Ok(Server {
            engine: self.engine,
            addrs,
            unix: listen.unix,
            stop,
            runner: Runner::Task(Some(task)),
        })
    }
}
