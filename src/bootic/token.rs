//! The Bootic token cache: fetches the client-credentials token, keeps it, renews it before it expires and once
//! after a 401, with one token request for any number of concurrent callers.
//!
//! The token endpoint (`https://auth.bootic.net/oauth/token`) takes the form body
//! `grant_type=client_credentials&scope=admin` with the client id and secret as HTTP Basic credentials, as the
//! official Ruby client sends it (`strategies/client_credentials.rb`, `auth_scheme: basic`).

use std::{
    collections::VecDeque,
    sync::{Mutex, MutexGuard},
    time::{Duration, Instant},
};

use bytes::Bytes;
use http::{
    HeaderValue, StatusCode,
    header::{ACCEPT, AUTHORIZATION},
};
use tracing::{Instrument, field::Empty};
use url::Url;

use crate::{
    Provider, RetryPolicy, Secret,
    error::{Error, ErrorKind, Result},
    runtime::{
        self as runtime,
        transport::{self, Failure},
    },
    secret::scrub,
};

/// The scope every order operation needs.
const SCOPE: &str = "admin";
/// How token endpoint failures are labelled in errors (the token endpoint is not an operation of the spec).
pub(super) const TOKEN_OPERATION: &str = "oauthToken";
/// How many tokens issued to this client are kept to scrub from error bodies (the current one and a few
/// before it, which a late answer might still echo).
const REMEMBERED_TOKENS: usize = 4;

/// How the token manager is set up.
pub(super) struct TokenConfig {
    pub http: reqwest::Client,
    pub token_url: Url,
    pub client_id: String,
    pub client_secret: Secret,
    pub refresh_skew: Duration,
    pub attempt_timeout: Duration,
    pub retry: RetryPolicy,
    pub max_response_bytes: usize,
}

/// Fetches, caches and renews the client-credentials token.
///
/// Single flight: a task that needs a new token takes `refresh`; tasks arriving meanwhile wait for it and then
/// find the new token in `state`, so N concurrent calls cause one token request.
pub(super) struct TokenManager {
    http: reqwest::Client,
    token_url: Url,
    /// `Basic base64(client_id:client_secret)`, computed once (and scrubbed from error bodies too).
    basic: HeaderValue,
    client_secret: Secret,
    basic_secret: Secret,
    refresh_skew: Duration,
    attempt_timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: usize,
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

/// A token the endpoint issued.
struct Issued {
    token: Secret,
    lifetime: Option<Duration>,
}

impl TokenManager {
    pub(super) fn new(config: TokenConfig) -> Result<Self> {
        // reqwest computes the Basic credentials (base64 of `id:secret`); taking them from a built request
        // avoids a base64 dependency and yields the exact header reqwest would send.
        let probe = config
            .http
            .post(config.token_url.clone())
            .basic_auth(&config.client_id, Some(config.client_secret.expose()))
            .build()
            .map_err(|e| {
                Error::configuration("cannot build the token request").with_source(e.without_url())
            })?;
        let basic =
            probe.headers().get(AUTHORIZATION).cloned().ok_or_else(|| {
                Error::configuration("cannot build the token request's credentials")
            })?;
        let basic_secret = Secret::new(
            basic
                .to_str()
                .unwrap_or_default()
                .trim_start_matches("Basic ")
                .to_string(),
        );
        Ok(TokenManager {
            http: config.http,
            token_url: config.token_url,
            basic,
            client_secret: config.client_secret,
            basic_secret,
            refresh_skew: config.refresh_skew,
            attempt_timeout: config.attempt_timeout,
            retry: config.retry,
            max_response_bytes: config.max_response_bytes,
            state: Mutex::new(State::default()),
            refresh: tokio::sync::Mutex::new(()),
        })
    }

    /// The secrets the client holds from the start (the client secret and its Basic encoding).
    pub(super) fn static_secrets(&self) -> Vec<Secret> {
        vec![self.client_secret.clone(), self.basic_secret.clone()]
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
    pub(super) async fn token(&self) -> Result<Secret> {
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
    pub(super) async fn renew(&self, refused: Option<&str>) -> bool {
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
            // An absurd `expires_in` must not overflow `Instant`: a year is plenty for any real token.
            let lifetime = lifetime.min(Duration::from_secs(365 * 24 * 3600));
            let skew = self.refresh_skew.min(lifetime / 2);
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

    pub(super) fn issued(&self) -> Vec<Secret> {
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
        let span = tracing::info_span!(
            "fulfillment_apis.bootic.token",
            reason,
            attempt = Empty,
            status = Empty,
            expires_in_s = Empty,
        );
        // A token request changes nothing, so it goes through the crate's one retry loop like any idempotent
        // request.
        runtime::retry_errors(
            &self.retry,
            self.retry.max_attempts(),
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
        .instrument(span)
        .await
    }

    async fn fetch_once(&self) -> Result<Issued> {
        let no_answer = |e: reqwest::Error| {
            let kind = if e.is_timeout() {
                ErrorKind::Timeout
            } else {
                ErrorKind::Transport
            };
            token_error(kind)
                .with_message("no answer from the Bootic token endpoint")
                .with_source(e.without_url())
        };
        let request = self
            .http
            .post(self.token_url.clone())
            .header(AUTHORIZATION, self.basic.clone())
            .header(ACCEPT, "application/json")
            .form(&[("grant_type", "client_credentials"), ("scope", SCOPE)])
            .timeout(self.attempt_timeout)
            .build()
            .map_err(no_answer)?;
        // The same guarded read as every API call: size-limited, and never the answer of a redirect target.
        let answer = match transport::send(&self.http, request, self.max_response_bytes).await {
            Ok(answer) => answer,
            Err(Failure::Transport(e)) => return Err(no_answer(e)),
            Err(Failure::Refused(refused, _)) => {
                return Err(refused
                    .with_provider(Provider::Bootic)
                    .with_operation(TOKEN_OPERATION));
            }
        };
        let (status, body) = (answer.status, answer.body);
        tracing::Span::current().record("status", status.as_u16());
        if status.is_success() {
            parse_issued(&body).ok_or_else(|| {
                token_error(ErrorKind::Decode)
                    .with_status(status)
                    .with_message("the token endpoint's answer has no access_token")
                    .with_body(Bytes::from(scrub(
                        &redact_tokens(&body),
                        &self.scrub_list(),
                    )))
            })
        } else {
            Err(refusal(status, &body, &self.scrub_list()))
        }
    }
}

fn token_error(kind: ErrorKind) -> Error {
    Error::new(kind)
        .with_provider(Provider::Bootic)
        .with_operation(TOKEN_OPERATION)
}

/// A token endpoint error answer. RFC 6749 §5.2: 400 or 401 with `error` = `invalid_client`, `invalid_grant`,
/// `unauthorized_client`, ... all mean the credentials (or what they allow) were refused.
fn refusal(status: StatusCode, body: &[u8], secrets: &[Secret]) -> Error {
    let parsed: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let text = |key: &str| {
        parsed
            .as_ref()
            .and_then(|v| v.get(key))
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let kind = match status.as_u16() {
        400 | 401 => ErrorKind::Authentication,
        _ => ErrorKind::from_status(status),
    };
    let mut message = String::from("the token endpoint refused the request");
    if let Some(code) = text("error") {
        message.push_str(": ");
        message.push_str(&code);
    }
    if let Some(description) = text("error_description") {
        message.push_str(": ");
        message.push_str(&description);
    }
    let message = String::from_utf8_lossy(&scrub(message.as_bytes(), secrets)).into_owned();
    token_error(kind)
        .with_status(status)
        .with_message(message)
        .with_body(Bytes::from(scrub(body, secrets)))
}

/// Reads `access_token` and `expires_in` (seconds, a number or a numeric string) from a token answer.
fn parse_issued(body: &[u8]) -> Option<Issued> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let token = value.get("access_token")?.as_str()?.trim();
    if token.is_empty() {
        return None;
    }
    let lifetime = value.get("expires_in").and_then(|v| {
        v.as_u64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
    });
    Some(Issued {
        token: Secret::new(token),
        lifetime: lifetime.map(Duration::from_secs),
    })
}

/// A token answer's body with every `*token*` string value replaced, for an error that keeps the body.
fn redact_tokens(body: &[u8]) -> Vec<u8> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_answers_are_read_leniently() {
        let issued =
            parse_issued(br#"{"access_token":"tok-1","token_type":"bearer","expires_in":7200}"#)
                .unwrap();
        assert_eq!(issued.token.expose(), "tok-1");
        assert_eq!(issued.lifetime, Some(Duration::from_secs(7200)));
        let issued = parse_issued(br#"{"access_token":"tok-2","expires_in":"60"}"#).unwrap();
        assert_eq!(issued.lifetime, Some(Duration::from_secs(60)));
        assert_eq!(
            parse_issued(br#"{"access_token":"tok-3"}"#)
                .unwrap()
                .lifetime,
            None
        );
        assert!(parse_issued(br#"{"access_token":""}"#).is_none());
        assert!(parse_issued(b"<html>").is_none());
    }

    #[test]
    fn refusals_are_authentication_errors_with_the_scrubbed_body() {
        let secret = Secret::new("s3cr3t-value");
        let body = br#"{"error":"invalid_client","error_description":"bad secret s3cr3t-value"}"#;
        let err = refusal(
            StatusCode::UNAUTHORIZED,
            body,
            std::slice::from_ref(&secret),
        );
        assert_eq!(err.kind(), ErrorKind::Authentication);
        assert_eq!(err.operation(), Some(TOKEN_OPERATION));
        assert!(err.message().unwrap().contains("invalid_client"));
        let text = format!("{err:?} {err}");
        assert!(!text.contains("s3cr3t-value"), "{text}");
        let err = refusal(
            StatusCode::BAD_REQUEST,
            br#"{"error":"invalid_grant"}"#,
            &[],
        );
        assert_eq!(err.kind(), ErrorKind::Authentication);
        let err = refusal(StatusCode::SERVICE_UNAVAILABLE, b"down", &[]);
        assert_eq!(err.kind(), ErrorKind::Server);
        assert!(err.is_retryable());
    }

    #[test]
    fn token_values_are_redacted_from_a_kept_body() {
        let out = redact_tokens(br#"{"refresh_token":"abc","note":"x"}"#);
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value["refresh_token"], "[REDACTED]");
        assert_eq!(value["note"], "x");
    }
}
