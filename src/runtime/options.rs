//! The options every provider's client builder has, and their setters, written once.

use super::{DEFAULT_MAX_RESPONSE_BYTES, RetryPolicy, Timeouts};
use crate::error::{Error, Result};

/// Request options shared by every provider's client builder.
#[derive(Clone, Debug)]
pub(crate) struct Options {
    pub retry: RetryPolicy,
    pub timeouts: Timeouts,
    pub http: Option<reqwest::Client>,
    /// The largest answer body read (see [`DEFAULT_MAX_RESPONSE_BYTES`]).
    pub max_response_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            retry: RetryPolicy::default(),
            timeouts: Timeouts::default(),
            http: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}

impl Options {
    /// The caller's HTTP client, or one built with the connect timeout and the TLS backend the cargo features
    /// choose (see `crate::tls`), which sets nothing process-wide.
    pub fn http_client(&self) -> Result<reqwest::Client> {
        if let Some(client) = &self.http {
            return Ok(client.clone());
        }
        let builder = reqwest::Client::builder()
            .connect_timeout(self.timeouts.connect())
            // No redirects: a 307/308 would re-send an order body (with Gooten's billing key) to wherever it
            // points, plain HTTP included, and a 301/302 would turn an order POST into a GET.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("fulfillment-apis/", env!("CARGO_PKG_VERSION")));
        crate::tls::configure(builder)?.build().map_err(|e| {
            Error::configuration("cannot build the HTTP client").with_source(e.without_url())
        })
    }
}

/// The setters of [`Options`] for a client builder with an `options: Options` field, so a new option is added
/// to every provider at once, and the builder's `with_environment` (its `environment` field), documented with
/// `$environments`.
macro_rules! client_options {
    ($environments:literal) => {
        #[doc = $environments]
        pub fn with_environment(mut self, environment: Environment) -> Self {
            self.environment = environment;
            self
        }
        /// How failed idempotent requests (and Bootic token requests) are retried (default:
        /// [`RetryPolicy::default`](crate::RetryPolicy::default)). Order submissions are never resent by a
        /// retry; see the provider's `submit`/`send` documentation.
        pub fn with_retry(mut self, retry: $crate::RetryPolicy) -> Self {
            self.options.retry = retry;
            self
        }
        /// Connect and per-attempt timeouts (default: [`Timeouts::default`](crate::Timeouts::default)); they
        /// apply to token requests too.
        pub fn with_timeouts(mut self, timeouts: $crate::Timeouts) -> Self {
            self.options.timeouts = timeouts;
            self
        }
        /// The largest answer body the client reads, API calls and token requests alike (default:
        /// [`DEFAULT_MAX_RESPONSE_BYTES`](crate::DEFAULT_MAX_RESPONSE_BYTES), 64 MiB). A larger answer
        /// fails with [`ErrorKind::ResponseTooLarge`](crate::ErrorKind::ResponseTooLarge) without being
        /// buffered, so a hostile server cannot exhaust memory.
        pub fn with_max_response_bytes(mut self, limit: usize) -> Self {
            self.options.max_response_bytes = limit;
            self
        }
        /// Sends requests with the caller's `reqwest::Client` (its own connect timeout and TLS settings apply).
        ///
        /// **Redirects.** The crate's own HTTP client never follows a redirect: a 307 would re-send an order
        /// body, and the credentials with it, wherever it points. Build yours with
        /// `redirect(reqwest::redirect::Policy::none())` too. If your client does follow a redirect, the
        /// crate notices that the answer came from another URL and fails the call with
        /// [`ErrorKind::Decode`](crate::ErrorKind::Decode) without using that answer (for an order, the error
        /// says the order may exist), but your client has by then re-sent the request, credentials included,
        /// to the redirect target.
        pub fn with_http_client(mut self, client: reqwest::Client) -> Self {
            self.options.http = Some(client);
            self
        }
    };
}
pub(crate) use client_options;
