//! The Bootic token endpoint behind the runtime's token cache (`runtime/token_cache.rs`), which fetches the
//! client-credentials token, keeps it, renews it before it expires and once after a 401, with one token request
//! for any number of concurrent callers.
//!
//! The token endpoint (`https://auth.bootic.net/oauth/token`) takes the form body
//! `grant_type=client_credentials&scope=admin` with the client id and secret as HTTP Basic credentials, as the
//! official Ruby client sends it (`strategies/client_credentials.rb`, `auth_scheme: basic`).

use std::time::Duration;

use bytes::Bytes;
use http::{
    HeaderValue, StatusCode,
    header::{ACCEPT, AUTHORIZATION},
};
use tracing::field::Empty;
use url::Url;

use crate::{
    Provider, RetryPolicy, Secret,
    error::{Error, ErrorKind, Result},
    runtime::{
        basic_auth::BasicCredentials,
        token_cache::{Issued, TokenCache, TokenEndpoint, TokenSettings},
    },
    secret::scrub,
};

/// The scope every order operation needs.
const SCOPE: &str = "admin";
/// How token endpoint failures are labelled in errors (the token endpoint is not an operation of the spec).
pub(super) const TOKEN_OPERATION: &str = "oauthToken";

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

/// Fetches, caches and renews the client-credentials token: the runtime's token cache (single flight, renewal
/// before expiry and after a 401, retries, size limit, scrubbing) asking Bootic's token endpoint.
pub(super) type TokenManager = TokenCache<BooticTokenEndpoint>;

/// Bootic's OAuth2 token endpoint, client-credentials grant.
pub(super) struct BooticTokenEndpoint {
    token_url: Url,
    /// `Basic base64(client_id:client_secret)`, computed once (and scrubbed from error bodies too).
    basic: HeaderValue,
    client_secret: Secret,
    basic_secret: Secret,
}

/// The token manager for `config`.
pub(super) fn manager(config: TokenConfig) -> Result<TokenManager> {
    let BasicCredentials {
        header: basic,
        encoded: basic_secret,
    } = BasicCredentials::new(&config.client_id, config.client_secret.expose()).ok_or_else(
        || Error::configuration("the Bootic client credentials cannot be sent in an HTTP header"),
    )?;
    let endpoint = BooticTokenEndpoint {
        token_url: config.token_url,
        basic,
        client_secret: config.client_secret,
        basic_secret,
    };
    Ok(TokenCache::new(
        endpoint,
        TokenSettings {
            http: config.http,
            refresh_skew: config.refresh_skew,
            attempt_timeout: config.attempt_timeout,
            retry: config.retry,
            max_response_bytes: config.max_response_bytes,
        },
    ))
}

impl TokenEndpoint for BooticTokenEndpoint {
    fn provider(&self) -> Provider {
        Provider::Bootic
    }

    fn operation(&self) -> &'static str {
        TOKEN_OPERATION
    }

    fn name(&self) -> &'static str {
        "the Bootic token endpoint"
    }

    fn span(&self, reason: &'static str) -> tracing::Span {
        tracing::info_span!(
            "fulfillment_apis.bootic.token",
            reason,
            attempt = Empty,
            status = Empty,
            expires_in_s = Empty,
        )
    }

    fn request(&self, http: &reqwest::Client) -> reqwest::RequestBuilder {
        http.post(self.token_url.clone())
            .header(AUTHORIZATION, self.basic.clone())
            .header(ACCEPT, "application/json")
            .form(&[("grant_type", "client_credentials"), ("scope", SCOPE)])
    }

    fn missing_token(&self) -> &'static str {
        "the token endpoint's answer has no access_token"
    }

    fn parse(&self, body: &[u8]) -> Option<Issued> {
        parse_issued(body)
    }

    fn refusal(&self, status: StatusCode, body: &[u8], secrets: &[Secret]) -> Error {
        refusal(status, body, secrets)
    }

    /// The client secret and its Basic encoding.
    fn static_secrets(&self) -> Vec<Secret> {
        vec![self.client_secret.clone(), self.basic_secret.clone()]
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
}
