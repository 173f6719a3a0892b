//! The same service and scenario against a real redis-server and against kvdb, side
//! by side: what the service sees must be the same line for line. Needs
//! `redis-server` on PATH (Debian's `redis-server` package; `scripts/test.sh`
//! installs it).
//!
//! Run: `cargo run --example against_redis`

#[path = "common/service.rs"]
mod service;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kvdb::{Engine, RespClient, Server};
use service::Service;

/// A redis-server on a free port, stopped when dropped.
struct Redis {
    child: Child,
    port: u16,
}

impl Redis {
    fn start() -> service::Result<Redis> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .map_err(|error| format!("starting redis-server (is it installed?): {error}"))?;
        Ok(Redis { child, port })
    }

    /// A client, once the server accepts connections.
    fn connect(&self) -> service::Result<RespClient> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match RespClient::connect(("127.0.0.1", self.port)) {
                Ok(client) => return Ok(client),
                Err(_) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                Err(error) => return Err(error.into()),
            }
        }
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn main() -> service::Result<()> {
    let redis = Redis::start()?;
    let on_redis = service::scenario(&mut Service::new(redis.connect()?))?;

    let kvdb = Server::start(Engine::new())?;
    let on_kvdb = service::scenario(&mut Service::new(RespClient::connect(kvdb.addr())?))?;

    let in_process = service::scenario(&mut Service::new(Engine::new().session()))?;

    for (redis_line, kvdb_line) in on_redis.iter().zip(&on_kvdb) {
        println!("{redis_line:<32} | {kvdb_line}");
    }
    assert_eq!(on_redis, on_kvdb, "kvdb-server behaves as redis-server");
    assert_eq!(on_redis, in_process, "in-process behaves as redis-server");
    println!("ok: redis-server, kvdb::Server and the in-process engine agree");
    Ok(())
}
