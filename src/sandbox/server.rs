//! The HTTP server under every fake: an accept loop that serves each connection itself with hyper, so that a
//! fault can close a connection after its request was applied, without any answer.
//!
//! axum only routes; `axum::serve` is not used because it gives no way to drop one connection from inside a
//! request. Here each connection task races the hyper connection against a [`Notify`]: the request wrapper applies
//! the request (the handler runs to completion and commits), then signals the notify and never returns, so the
//! connection future is dropped with the socket before any byte of the answer is written.

use std::{convert::Infallible, io, net::SocketAddr, sync::Arc};

use axum::{
    Router,
    body::Body,
    http::{Request, Uri},
    response::Response,
};
use hyper::{body::Incoming, server::conn::http1, service::service_fn};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::{
    net::{TcpListener, TcpStream},
    sync::Notify,
    task::{JoinHandle, JoinSet},
};
use tower_service::Service as _;

use super::{Faults, bootic, gooten, rewix};

/// Which fake owns a path: decides the shape of synthetic errors (faults, unknown paths). The three APIs' paths
/// do not collide, which is what lets the binary serve them all on one port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Api {
    Gooten,
    Bootic,
    Rewix,
}

impl Api {
    fn owns(self, path: &str) -> bool {
        let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
        match self {
            // `/api/auth` is the Bdroppy login of the Rewix fake; Gooten has no path there.
            Api::Gooten => under("/api") && !under("/api/auth"),
            Api::Bootic => under("/v1") || under("/oauth"),
            Api::Rewix => under("/restful") || under("/api/auth"),
        }
    }

    fn server_error(self) -> Response {
        match self {
            Api::Gooten => gooten::server_error(),
            Api::Bootic => bootic::server_error(),
            Api::Rewix => rewix::server_error(),
        }
    }

    fn not_found(self) -> Response {
        match self {
            Api::Gooten => gooten::route_not_found(),
            Api::Bootic => bootic::route_not_found(),
            Api::Rewix => rewix::route_not_found(),
        }
    }
}

struct App {
    router: Router,
    faults: Faults,
    apis: Vec<Api>,
}

impl App {
    fn api_for(&self, path: &str) -> Api {
        self.apis
            .iter()
            .copied()
            .find(|api| api.owns(path))
            .unwrap_or(self.apis[0])
    }
}

/// A running server; stops (closing the listener and every open connection) when dropped.
pub(crate) struct Server {
    addr: SocketAddr,
    faults: Faults,
    task: JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        // Aborting the accept task drops its JoinSet, which aborts every connection task.
        self.task.abort();
    }
}

impl Server {
    /// Binds `addr` (port 0 for an ephemeral port).
    pub(crate) async fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
        TcpListener::bind(addr).await
    }

    /// Serves `router` on `listener` from a background task of the current tokio runtime. `apis` are the fakes
    /// the router holds; the first one answers paths none of them owns.
    pub(crate) fn spawn(
        listener: TcpListener,
        router: Router,
        apis: Vec<Api>,
    ) -> io::Result<Server> {
        assert!(!apis.is_empty(), "a server serves at least one API");
        let addr = listener.local_addr()?;
        let faults = Faults::default();
        let fallback_apis = apis.clone();
        let router = router.fallback(move |uri: Uri| {
            let api = fallback_apis
                .iter()
                .copied()
                .find(|api| api.owns(uri.path()))
                .unwrap_or(fallback_apis[0]);
            std::future::ready(api.not_found())
        });
        let app = Arc::new(App {
            router,
            faults: faults.clone(),
            apis,
        });
        let task = tokio::spawn(accept_loop(listener, app));
        Ok(Server { addr, faults, task })
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub(crate) fn faults(&self) -> &Faults {
        &self.faults
    }
}

async fn accept_loop(listener: TcpListener, app: Arc<App>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, app.clone()));
                }
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %e, "sandbox: accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            },
            // Reap finished connections so the set does not grow for the life of the server.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve_connection(stream: TcpStream, app: Arc<App>) {
    let _ = stream.set_nodelay(true);
    let kill = Arc::new(Notify::new());
    let service = {
        let kill = kill.clone();
        service_fn(move |request| handle(app.clone(), kill.clone(), request))
    };
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        result = connection => {
            if let Err(e) = result {
                tracing::debug!(error = %e, "sandbox: connection ended with an error");
            }
        }
        // Dropping `connection` here closes the socket: the client gets EOF instead of an answer.
        () = kill.notified() => tracing::debug!("sandbox: connection dropped after commit (fault injection)"),
    }
}

async fn handle(
    app: Arc<App>,
    kill: Arc<Notify>,
    mut request: Request<Incoming>,
) -> Result<Response, Infallible> {
    strip_trailing_slash(&mut request);
    lowercase_gooten_path(&mut request);
    let plan = app.faults.plan();
    if !plan.latency.is_zero() {
        tokio::time::sleep(plan.latency).await;
    }
    if plan.server_error {
        // Before routing: the request never reaches a handler, so nothing changes.
        return Ok(app.api_for(request.uri().path()).server_error());
    }
    let response = app.router.clone().call(request.map(Body::new)).await;
    if plan.drop_after_commit {
        // The handler has returned, so its state change is committed. Throw the answer away, have the connection
        // task drop the connection, and never complete (this future is dropped with the connection).
        drop(response);
        kill.notify_one();
        return std::future::pending().await;
    }
    response
}

/// The providers' documents print most paths with a trailing slash and the real routers treat `/x` and `/x/`
/// alike; normalizing once here keeps every route table free of duplicates.
fn strip_trailing_slash<B>(request: &mut Request<B>) {
    let path = request.uri().path();
    if path.len() <= 1 || !path.ends_with('/') {
        return;
    }
    let trimmed = match path.trim_end_matches('/') {
        "" => "/",
        trimmed => trimmed,
    };
    let path_and_query = match request.uri().query() {
        Some(query) => format!("{trimmed}?{query}"),
        None => trimmed.to_string(),
    };
    let mut parts = request.uri().clone().into_parts();
    if let Ok(pq) = path_and_query.parse() {
        parts.path_and_query = Some(pq);
        if let Ok(uri) = Uri::from_parts(parts) {
            *request.uri_mut() = uri;
        }
    }
}

/// Gooten's router (ASP.NET) matches paths ignoring case: the official clients send `productVariants`,
/// `shippingPrices` (gooten-js) as well as `productvariants` (android, iOS, WooCommerce). Every Gooten route of
/// the sandbox is lower-case, so a path under `/api` (in any case) is lower-cased before routing. The other APIs'
/// paths are left alone.
fn lowercase_gooten_path<B>(request: &mut Request<B>) {
    let path = request.uri().path();
    let lower = path.to_ascii_lowercase();
    if lower == path || !(lower == "/api" || lower.starts_with("/api/")) {
        return;
    }
    let path_and_query = match request.uri().query() {
        Some(query) => format!("{lower}?{query}"),
        None => lower,
    };
    let mut parts = request.uri().clone().into_parts();
    if let Ok(pq) = path_and_query.parse() {
        parts.path_and_query = Some(pq);
        if let Ok(uri) = Uri::from_parts(parts) {
            *request.uri_mut() = uri;
        }
    }
}

/// What every fake's handle shares: `Debug` (its base URL), `attach`, `addr` and `faults`. The handle has the
/// fields `server: Arc<Server>` and `state: Arc<$state>`, and a `base_url()`.
macro_rules! sandbox_handle {
    ($handle:ident, $state:ty) => {
        impl std::fmt::Debug for $handle {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($handle))
                    .field("base_url", &self.base_url())
                    .finish_non_exhaustive()
            }
        }

        impl $handle {
            pub(crate) fn attach(
                server: std::sync::Arc<$crate::sandbox::server::Server>,
                state: std::sync::Arc<$state>,
            ) -> Self {
                $handle { server, state }
            }

            /// The address the fake listens on.
            pub fn addr(&self) -> std::net::SocketAddr {
                self.server.addr()
            }

            /// This server's fault injection.
            pub fn faults(&self) -> &$crate::sandbox::Faults {
                self.server.faults()
            }
        }
    };
}
pub(crate) use sandbox_handle;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gooten_paths_are_lower_cased_and_the_query_kept() {
        let mut request = Request::builder()
            .uri("/API/v/4/source/api/productVariants?countryCode=US&recipeId=x")
            .body(())
            .unwrap();
        lowercase_gooten_path(&mut request);
        assert_eq!(
            request.uri().to_string(),
            "/api/v/4/source/api/productvariants?countryCode=US&recipeId=x"
        );
        let mut bootic = Request::builder().uri("/v1/shops/A").body(()).unwrap();
        lowercase_gooten_path(&mut bootic);
        assert_eq!(bootic.uri().to_string(), "/v1/shops/A");
    }

    #[test]
    fn trailing_slashes_are_stripped_and_the_query_kept() {
        let mut request = Request::builder()
            .uri("/api/v/5/source/api/products/?countryCode=US")
            .body(())
            .unwrap();
        strip_trailing_slash(&mut request);
        assert_eq!(
            request.uri().to_string(),
            "/api/v/5/source/api/products?countryCode=US"
        );
        let mut root = Request::builder().uri("/").body(()).unwrap();
        strip_trailing_slash(&mut root);
        assert_eq!(root.uri().path(), "/");
    }

    #[test]
    fn paths_belong_to_one_api() {
        assert!(Api::Gooten.owns("/api/ordersearch"));
        assert!(!Api::Gooten.owns("/apix"));
        assert!(Api::Bootic.owns("/v1"));
        assert!(Api::Bootic.owns("/oauth/token"));
        assert!(Api::Rewix.owns("/restful/export/carriers"));
        assert!(Api::Rewix.owns("/api/auth/login"));
        assert!(!Api::Gooten.owns("/api/auth/login"));
        assert!(!Api::Rewix.owns("/v1/shops"));
    }
}
