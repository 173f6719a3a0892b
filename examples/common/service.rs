//! The service the examples test: a small piece of code written for Redis, the way
//! services use it — page-view counters that expire after a day, login sessions
//! with a 30-minute TTL, and a rate limiter kept as a named Lua program and run with
//! `EVALSHA`. It talks to any [`Connection`]: kvdb in-process, `kvdb::Server`, or a
//! real redis-server.

// Each example uses its own part of the service.
#![allow(dead_code)]

use std::error::Error;

use bytes::Bytes;
use kvdb::{Config, Connection, Engine, Programs, Reply, Server};

/// What the service's calls fail with: a connection error or a Redis error reply.
pub type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

/// A day, the life of a page-view counter.
pub const VIEWS_TTL_SECS: i64 = 24 * 60 * 60;
/// The life of a login session.
pub const SESSION_TTL_SECS: i64 = 30 * 60;

/// The rate limiter: allows `ARGV[1]` calls per `ARGV[2]` seconds on the counter
/// `KEYS[1]`; answers 1 (allowed) or 0. The Python worked example runs the same file.
const RATE_LIMIT: &str = include_str!("../../tests/clients/python/example_lua/ratelimit.allow.lua");

/// The service, over one connection.
pub struct Service<C: Connection> {
    connection: C,
    programs: Programs,
}

impl<C: Connection> Service<C> {
    /// The service on `connection`, with its Lua programs.
    pub fn new(connection: C) -> Self {
        let mut programs = Programs::new();
        programs
            .add("ratelimit.allow", RATE_LIMIT)
            .expect("a fresh program set");
        Service {
            connection,
            programs,
        }
    }

    /// The connection, for tests that look behind the service's back.
    pub fn connection(&mut self) -> &mut C {
        &mut self.connection
    }

    /// Runs one command; a Redis error reply becomes an error.
    fn call(&mut self, argv: &[&str]) -> Result<Reply> {
        let argv: Vec<Bytes> = argv
            .iter()
            .map(|arg| Bytes::copy_from_slice(arg.as_bytes()))
            .collect();
        checked(self.connection.command(&argv)?)
    }

    /// Counts a view of `page`; the counter lives a day from its first view.
    pub fn record_view(&mut self, page: &str) -> Result<i64> {
        let key = format!("views:{page}");
        let views = self
            .call(&["INCR", &key])?
            .as_int()
            .ok_or("INCR answers an integer")?;
        if views == 1 {
            self.call(&["EXPIRE", &key, &VIEWS_TTL_SECS.to_string()])?;
        }
        Ok(views)
    }

    /// Views of `page` in its current day.
    pub fn views(&mut self, page: &str) -> Result<i64> {
        let reply = self.call(&["GET", &format!("views:{page}")])?;
        match reply.as_str() {
            Some(text) => Ok(text.parse()?),
            None => Ok(0),
        }
    }

    /// Starts a session `token` for `user`.
    pub fn login(&mut self, user: &str, token: &str) -> Result<()> {
        let ttl = SESSION_TTL_SECS.to_string();
        self.call(&["SET", &format!("session:{token}"), user, "EX", &ttl])?;
        Ok(())
    }

    /// The user of session `token`, while it lasts.
    pub fn user_for(&mut self, token: &str) -> Result<Option<String>> {
        let reply = self.call(&["GET", &format!("session:{token}")])?;
        Ok(reply.as_str().map(str::to_string))
    }

    /// Whether `client` may make another call: `limit` calls per `window_secs`.
    pub fn allow(&mut self, client: &str, limit: u32, window_secs: u32) -> Result<bool> {
        let key = format!("ratelimit:{client}");
        let args = [limit.to_string(), window_secs.to_string()];
        let reply = self
            .programs
            .run(&mut self.connection, "ratelimit.allow", [key], args)?;
        Ok(checked(reply)?.as_int() == Some(1))
    }
}

/// `reply`, or its error text as an error.
fn checked(reply: Reply) -> Result<Reply> {
    match reply.as_error() {
        Some(text) => Err(text.into()),
        None if matches!(reply, Reply::Error(_)) => Err("a binary error reply".into()),
        None => Ok(reply),
    }
}

/// Runs the same scenario on `service` and writes down what it saw, so that runs on
/// different servers can be compared line for line.
pub fn scenario<C: Connection>(service: &mut Service<C>) -> Result<Vec<String>> {
    let mut seen = Vec::new();
    for _ in 0..3 {
        seen.push(format!("view home -> {}", service.record_view("home")?));
    }
    seen.push(format!("views home = {}", service.views("home")?));
    seen.push(format!("views about = {}", service.views("about")?));
    service.login("ada", "t-1")?;
    seen.push(format!("user of t-1 = {:?}", service.user_for("t-1")?));
    seen.push(format!("user of t-2 = {:?}", service.user_for("t-2")?));
    for call in 1..=4 {
        let allowed = service.allow("10.0.0.1", 3, 60)?;
        seen.push(format!("call {call} allowed = {allowed}"));
    }
    Ok(seen)
}

/// A `kvdb::Server` on a free port whose engine allows DEBUG (`DEBUG CLOCK`,
/// `DEBUG FAULT`), as `kvdb-server --enable-debug-command yes` does.
pub fn debug_server() -> Result<Server> {
    let mut config = Config::default();
    config.load_file_text("enable-debug-command yes")?;
    Ok(Server::start(Engine::builder().config(config).build())?)
}
