//! One bearer-token cache for every provider whose API takes a token fetched from an endpoint of its own
//! (Bootic's OAuth2 client-credentials grant, the Bdroppy deployment of Rewix's login): fetches the token,
//! keeps it, renews it before it expires and once after a 401, with one token request for any number of
//! concurrent callers.
//!
//! What differs between providers (the request, how the answer is read, what a refusal means, the tracing
//! span) is a [`TokenEndpoint`]; everything else is here: the single flight, the retries (a token request
//! changes nothing, so it goes through the crate's one retry loop like any idempotent request), the guarded
//! read (size-limited, never the answer of a redirect target) and the scrubbing of the credentials and of every
//! token issued from what an error keeps.

use std::{
    collections::VecDeque,
    sync::{Mutex, MutexGuard},
    time::{Duration, Instant},
};

use bytes::Bytes;
use http::{HeaderValue, StatusCode};
use tracing::Instrument;

use super::transport::{self, Failure};
use crate::{
    Provider, RetryPolicy, Secret,
    error::{Error, ErrorKind, Result},
    secret::scrub,
};

/// How many tokens issued to this client are kept to scrub from error bodies (the current one and a few
/// before it, which a late answer might still echo).
const REMEMBERED_TOKENS: usize = 4;

/// A token the endpoint issued.
pub(crate) struct Issued {
    pub token: Secret,
    /// How long it lives, when the endpoint says; without it only a 401 renews the token.
    pub lifetime: Option<Duration>,
}

/// What differs between providers' token endpoints.
pub(crate) trait TokenEndpoint: Send + Sync + 'static {
    /// The provider, for errors.
    fn provider(&self) -> Provider;
    /// How failures of the token request are labelled in errors (it is not an operation the client runs).
    fn operation(&self) -> &'static str;
    /// The endpoint, for messages: "the Bootic token endpoint".
    fn name(&self) -> &'static str;
    /// The span a token request runs in (`reason`: initial, expiring, rejected), with the empty fields
    /// `attempt`, `status` and `expires_in_s`.
    fn span(&self, reason: &'static str) -> tracing::Span;
    /// One token request (built again for each attempt); the cache sets its timeout.
    fn request(&self, http: &reqwest::Client) -> reqwest::RequestBuilder;
    /// The message of a success answer without a token.
    fn missing_token(&self) -> &'static str;
    /// The token in a success answer, `None` when there is none.
    fn parse(&self, body: &[u8]) -> Option<Issued>;
    /// The error for a non-2xx answer; `secrets` are to be scrubbed from anything it keeps.
    fn refusal(&self, status: StatusCode, body: &[u8], secrets: &[Secret]) -> Error;
    /// The credentials the client holds from the start, scrubbed from every error.
    fn static_secrets(&self) -> Vec<Secret>;
}

/// How the cache sends its requests.
pub(crate) struct TokenSettings {
    pub http: reqwest::Client,
    pub refresh_skew: Duration,
    pub attempt_timeout: Duration,
    pub retry: RetryPolicy,
    pub max_response_bytes: usize,
}

/// Fetches, caches and renews a bearer token.
///
/// Single flight: a task that needs a new token takes `refresh`; tasks arriving meanwhile wait for it and then
/// find the new token in `state`, so N concurrent calls cause one token request.
pub(crate) struct TokenCache<E> {
    endpoint: E,
    settings: TokenSettings,
    state: Mutex<State>,
    refresh: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct State {
    current: Option<Cached>,
    issued: VecDeque<Secret>,
}

struct Cached {
    token: Secret,
    /// When to fetch a new token (expiry minus the skew); `None` when the endpoint gave no lifetime, in which
    /// case only a 401 renews it.
    refresh_at: Option<Instant>,
}

impl<E: TokenEndpoint> TokenCache<E> {
    pub(crate) fn new(endpoint: E, settings: TokenSettings) -> Self {
        TokenCache {
            endpoint,
            settings,
            state: Mutex::new(State::default()),
            refresh: tokio::sync::Mutex::new(()),
        }
    }

    /// The credentials the client holds from the start.
    pub(crate) fn static_secrets(&self) -> Vec<Secret> {
        self.endpoint.static_secrets()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave `State` half-written in a harmful way.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The cached token, if it is not due for renewal.
    fn fresh(&self) -> Option<Secret> {
        let state = self.state();
        let cached = state.current.as_ref()?;
        match cached.refresh_at {
            Some(at) if Instant::now() >= at => None,
            _ => Some(cached.token.clone()),
        }
    }

    /// A valid token: the cached one, or a new one fetched by exactly one of the concurrent callers.
    pub(crate) async fn token(&self) -> Result<Secret> {
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        let _flight = self.refresh.lock().await;
        // Another task may have fetched one while this one waited.
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        let reason = if self.state().current.is_some() {
            "expiring"
        } else {
            "initial"
        };
        let issued = self.fetch(reason).await?;
        let token = issued.token.clone();
        self.store(issued);
        Ok(token)
    }

    /// After a 401 to a request sent with `refused`: drops that token and fetches a new one, unless the cached
    /// token is already another one (renewed since that request was sent), so N requests refused together
    /// cause one token request, not N.
    pub(crate) async fn renew(&self, refused: Option<&str>) -> bool {
        let _flight = self.refresh.lock().await;
        let replaced = {
            let state = self.state();
            let current = state.current.as_ref().map(|c| c.token.expose());
            current.is_some() && current != refused
        };
        if replaced {
            return self.fresh().is_some();
        }
        self.state().current = None;
        match self.fetch("rejected").await {
            Ok(issued) => {
                self.store(issued);
                true
            }
            Err(error) => {
                tracing::warn!(kind = %error.kind(), status = error.status().map(|s| s.as_u16()), "token renewal failed");
                false
            }
        }
    }

    fn store(&self, issued: Issued) {
        let refresh_at = issued.lifetime.map(|lifetime| {
            // Renew `refresh_skew` before expiry, but never sooner than half-way through a short lifetime, so a
            // token living less than the skew is still used.
            // An absurd lifetime must not overflow `Instant`: a year is plenty for any real token.
            let lifetime = lifetime.min(Duration::from_secs(365 * 24 * 3600));
            let skew = self.settings.refresh_skew.min(lifetime / 2);
            Instant::now() + lifetime - skew
        });
        let mut state = self.state();
        state.issued.push_front(issued.token.clone());
        state.issued.truncate(REMEMBERED_TOKENS);
        state.current = Some(Cached {
            token: issued.token,
            refresh_at,
        });
    }

    /// The last tokens issued to this client, newest first.
    pub(crate) fn issued(&self) -> Vec<Secret> {
        self.state().issued.iter().cloned().collect()
    }

    /// Every secret to scrub from a token endpoint answer.
    fn scrub_list(&self) -> Vec<Secret> {
        let mut secrets = self.static_secrets();
        secrets.extend(self.issued());
        secrets
    }

    /// Asks the token endpoint, retrying failures that may pass (5xx, 429, timeouts, transport): a token
    /// request changes nothing, so repeating it is safe.
    async fn fetch(&self, reason: &'static str) -> Result<Issued> {
        let retry = &self.settings.retry;
        super::retry_errors(
            retry,
            retry.max_attempts(),
            "the token request",
            |attempt| async move {
                tracing::Span::current().record("attempt", attempt);
                match self.fetch_once().await {
                    Ok(issued) => {
                        if let Some(lifetime) = issued.lifetime {
                            tracing::Span::current().record("expires_in_s", lifetime.as_secs());
                        }
                        tracing::debug!(attempt, "access token issued");
                        Ok(issued)
                    }
                    Err(error) => Err(error.with_attempts(attempt)),
                }
            },
        )
        .instrument(self.endpoint.span(reason))
        .await
    }

    fn error(&self, kind: ErrorKind) -> Error {
        Error::new(kind)
            .with_provider(self.endpoint.provider())
            .with_operation(self.endpoint.operation())
    }

    async fn fetch_once(&self) -> Result<Issued> {
        let no_answer = |e: reqwest::Error| {
            let kind = if e.is_timeout() {
                ErrorKind::Timeout
            } else {
                ErrorKind::Transport
            };
            self.error(kind)
                .with_message(format!("no answer from {}", self.endpoint.name()))
                .with_source(e.without_url())
        };
        let request = self
            .endpoint
            .request(&self.settings.http)
            .timeout(self.settings.attempt_timeout)
            .build()
            .map_err(no_answer)?;
        // The same guarded read as every API call: size-limited, and never the answer of a redirect target.
        let answer = match transport::send(
            &self.settings.http,
            request,
            self.settings.max_response_bytes,
        )
        .await
        {
            Ok(answer) => answer,
            Err(Failure::Transport(e)) => return Err(no_answer(e)),
            Err(Failure::Refused(refused, _)) => {
                return Err(refused
                    .with_provider(self.endpoint.provider())
                    .with_operation(self.endpoint.operation()));
            }
        };
        let (status, body) = (answer.status, answer.body);
        tracing::Span::current().record("status", status.as_u16());
        if status.is_success() {
            self.endpoint.parse(&body).ok_or_else(|| {
                self.error(ErrorKind::Decode)
                    .with_status(status)
                    .with_message(self.endpoint.missing_token())
                    .with_body(Bytes::from(scrub(
                        &redact_tokens(&body),
                        &self.scrub_list(),
                    )))
            })
        } else {
            Err(self.endpoint.refusal(status, &body, &self.scrub_list()))
        }
    }
}

/// A token answer's body with every `*token*` string value replaced, for an error that keeps the body.
pub(crate) fn redact_tokens(body: &[u8]) -> Vec<u8> {
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return body.to_vec();
    };
    if let Some(object) = value.as_object_mut() {
        for (key, field) in object.iter_mut() {
            if key.to_ascii_lowercase().contains("token") && field.is_string() {
                *field = serde_json::Value::String("[REDACTED]".into());
            }
        }
    }
    serde_json::to_vec(&value).unwrap_or_default()
}

/// Refuses to attach `what` (a bearer token) to `request` unless it goes to the client's own `origin`: checked
/// before the token is fetched or attached, so a request built by hand (a HAL link) never carries it elsewhere.
pub(crate) fn same_origin(
    request: &reqwest::Request,
    origin: &url::Origin,
    what: &str,
) -> Result<()> {
    let target = request.url().origin();
    if &target == origin {
        return Ok(());
    }
    Err(Error::invalid_request(format!(
        "refusing to send {what} to {}: it is not the client's base URL ({})",
        target.ascii_serialization(),
        origin.ascii_serialization()
    )))
}

/// `Bearer <token>`, marked sensitive so that no `Debug` of the request shows it.
pub(crate) fn bearer_header(token: &Secret, provider: Provider) -> Result<HeaderValue> {
    let mut value = HeaderValue::try_from(format!("Bearer {}", token.expose())).map_err(|_| {
        Error::configuration(
            "the access token has characters that cannot be sent in an HTTP header",
        )
        .with_provider(provider)
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// The bearer token `request` was sent with, for [`TokenCache::renew`].
pub(crate) fn sent_bearer(request: &reqwest::Request) -> Option<&str> {
    request
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_values_are_redacted_from_a_kept_body() {
        let out = redact_tokens(br#"{"refresh_token":"abc","note":"x"}"#);
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value["refresh_token"], "[REDACTED]");
        assert_eq!(value["note"], "x");
        let out = redact_tokens(br#"{"token":"eyJ.a.b"}"#);
        assert!(!String::from_utf8_lossy(&out).contains("eyJ"));
    }

    #[test]
    fn the_bearer_header_is_sensitive() {
        let value = bearer_header(&Secret::new("tok-1"), Provider::Rewix).unwrap();
        assert!(value.is_sensitive());
        assert_eq!(format!("{value:?}"), "Sensitive");
        assert!(bearer_header(&Secret::new("bad\ntoken"), Provider::Rewix).is_err());
    }
}
