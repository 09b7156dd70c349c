//! An embedded, stateful fake of the three APIs for tests and local development (cargo feature `sandbox`).
//!
//! Each fake is a real HTTP/1.1 server on `127.0.0.1` with an ephemeral port, started from Rust in one call and
//! stopped when its handle is dropped. It keeps state (orders, tokens, stock), validates requests the way the
//! providers' documents describe, and (de)serializes every body with the generated types of
//! `crate::{gooten, bootic, rewix}::types`, so it cannot drift from the specs. What the specs forbid is
//! refused even where serde would let it through: `null` for an optional body field (no request schema is
//! `nullable`), an array where an object is expected, and query values that are not of the parameter's type or
//! format (an empty `page=`, an int32 out of range, a date that is not `yyyy-mm-dd`).
//! `bash .ci/contract/run` checks all three against their specs with schemathesis.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use fulfillment_apis::sandbox::Sandbox;
//!
//! let sandbox = Sandbox::start().await?;
//! let gooten_url = sandbox.gooten.base_url(); // http://127.0.0.1:PORT/api
//! let bootic_url = sandbox.bootic.base_url(); // http://127.0.0.1:PORT/v1 (token: sandbox.bootic.token_url())
//! let rewix_url = sandbox.rewix.base_url(); //   http://127.0.0.1:PORT
//! sandbox.rewix.faults().set_drop_after_commit_rate(1.0); // the next Rewix call is applied, then its connection dropped
//! # Ok(()) }
//! ```
//!
//! What each fake does is described on [`GootenSandbox`], [`BooticSandbox`] and [`RewixSandbox`]; fault injection
//! on [`Faults`]. The `fulfillment-sandbox` binary serves all three on one port (their paths do not collide).
//!
//! Stored orders are bounded: the Gooten and Rewix fakes keep at most [`DEFAULT_MAX_ORDERS`] each (change it with
//! `set_max_orders`, or `--max-orders` on the binary), evicting the oldest first. An evicted order is gone, as if
//! never accepted: a lookup answers 404, a search does not list it, and its SourceId (Gooten) or client key
//! (Rewix) may be used again; ids keep counting up, so none is handed out twice. Lookups by id and key, and
//! Gooten's duplicate-SourceId check, go through indexes (O(1)), so a long load test stays as fast at the cap as
//! at the start. Memory: a stored Gooten order of one item takes about 3 KiB (measured: 307 MiB of process RSS
//! with 100,000 stored, `examples/sandbox_load.rs`), so the default cap bounds a fake near 300 MiB; lower it
//! for long runs in small containers. The Bootic fake has no cap.

mod bootic;
mod faults;
mod gooten;
mod http;
mod rewix;
mod server;
mod store;

use std::{io, net::SocketAddr, sync::Arc};

use axum::Router;

use self::server::{Api, Server};
pub use self::{
    bootic::BooticSandbox,
    faults::{DEFAULT_SEED, Faults},
    gooten::GootenSandbox,
    rewix::{RewixSandbox, StockLevel},
    store::DEFAULT_MAX_ORDERS,
};

/// All three fakes. [`Sandbox::start`] gives each its own port (and its own [`Faults`]); [`Sandbox::bind`] serves
/// them on one address, sharing one [`Faults`].
#[derive(Debug)]
#[non_exhaustive]
pub struct Sandbox {
    /// The Gooten fake.
    pub gooten: GootenSandbox,
    /// The Bootic fake.
    pub bootic: BooticSandbox,
    /// The Rewix fake.
    pub rewix: RewixSandbox,
}

impl Sandbox {
    /// Starts the three fakes, each on `127.0.0.1` with its own ephemeral port.
    pub async fn start() -> io::Result<Self> {
        Ok(Sandbox {
            gooten: GootenSandbox::start().await?,
            bootic: BooticSandbox::start().await?,
            rewix: RewixSandbox::start().await?,
        })
    }

    /// Serves the three fakes on one listener bound to `addr` (port 0 picks a free port): Gooten under `/api`,
    /// Bootic under `/v1` and `/oauth/token`, Rewix under `/restful`. They then share one [`Faults`] (each fake's
    /// `faults()` returns the same handle), and synthetic errors take the shape of the API that owns the path.
    pub async fn bind(addr: SocketAddr) -> io::Result<Self> {
        let listener = Server::listen(addr).await?;
        let local = listener.local_addr()?;
        let gooten_state = Arc::new(gooten::GootenState::default());
        let bootic_state = Arc::new(bootic::BooticState::new(local));
        let rewix_state = Arc::new(rewix::RewixState::default());
        let router = Router::new()
            .merge(gooten::router(gooten_state.clone()))
            .merge(bootic::router(bootic_state.clone()))
            .merge(rewix::router(rewix_state.clone()));
        let server = Arc::new(Server::spawn(
            listener,
            router,
            vec![Api::Gooten, Api::Bootic, Api::Rewix],
        )?);
        Ok(Sandbox {
            gooten: GootenSandbox::attach(server.clone(), gooten_state),
            bootic: BooticSandbox::attach(server.clone(), bootic_state),
            rewix: RewixSandbox::attach(server, rewix_state),
        })
    }
}
