//! kvdb: a Redis 7.0 compatible key/value engine, in your process or as a drop-in
//! `redis-server`.
//!
//! ```
//! use kvdb::{Engine, Reply, SessionExt};
//!
//! let engine = Engine::new();
//! let mut session = engine.session();
//! assert_eq!(session.call(["SET", "greeting", "hello"]), Reply::Ok);
//! assert_eq!(session.call(["GET", "greeting"]), Reply::bulk("hello"));
//! ```
//!
//! # Layout
//! - [`kvdb_resp`] (re-exported as [`resp`]): the RESP2/RESP3 codec.
//! - [`kvdb_engine`] (re-exported as [`engine`]): keyspace, types, expiry, commands.
//! - [`server`]: the tokio network server behind `kvdb-server` and [`Server`].
//! - This file: the embedding API — [`Engine`], [`Session`] with [`SessionExt::call`],
//!   and [`Server`], a real server on an ephemeral port for tests.

pub mod server;

use std::net::SocketAddr;

use bytes::Bytes;
pub use kvdb_engine as engine;
pub use kvdb_engine::{
    Clock, CommandError, Config, Engine, EngineBuilder, ManualClock, Protocol, Reply, Session,
    SystemClock,
};
pub use kvdb_resp as resp;

/// Convenience calls on a [`Session`].
pub trait SessionExt {
    /// Runs a command given as anything byte-like: `session.call(["SET", "k", "v"])`.
    fn call<I, A>(&mut self, argv: I) -> Reply
    where
        I: IntoIterator<Item = A>,
        A: AsRef<[u8]>;
}

impl SessionExt for Session {
    fn call<I, A>(&mut self, argv: I) -> Reply
    where
        I: IntoIterator<Item = A>,
        A: AsRef<[u8]>,
    {
        let argv: Vec<Bytes> = argv
            .into_iter()
            .map(|arg| Bytes::copy_from_slice(arg.as_ref()))
            .collect();
        self.execute(&argv)
    }
}

/// A kvdb server running inside this process on its own thread; stops when dropped.
#[derive(Debug)]
pub struct Server {
    engine: Engine,
    addr: SocketAddr,
    stop: server::Stopper,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Starts a server for `engine` on `127.0.0.1` with a free port.
    pub fn start(engine: Engine) -> std::io::Result<Server> {
        Self::start_on(engine, "127.0.0.1:0")
    }

    /// Starts a server for `engine` listening on `address`.
    pub fn start_on(engine: Engine, address: &str) -> std::io::Result<Server> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let listen = server::Listen {
            tcp: vec![server::TcpAddress {
                address: address.to_string(),
                optional: false,
            }],
            ..server::Listen::default()
        };
        let bound = runtime.block_on(server::BoundServer::bind(engine.clone(), &listen))?;
        let addr = bound
            .local_addrs()
            .first()
            .copied()
            .ok_or_else(|| std::io::Error::other("no address bound"))?;
        let stop = bound.stopper();
        let thread = std::thread::Builder::new()
            .name("kvdb-server".into())
            .spawn(move || runtime.block_on(bound.run()))?;
        Ok(Server {
            engine,
            addr,
            stop,
            thread: Some(thread),
        })
    }

    /// The address clients connect to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The engine the server serves.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.stop();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
