//! The Rewix fake's credentials: HTTP Basic (API key and password) on every call, or the Bdroppy deployment's
//! bearer token from `POST /api/auth/login` (`bdroppyLogin`).
//!
//! The login takes `{"email": <API key>, "password": …}` as IDT's PrestaShop plugin sends it and answers
//! `{"token": "<jwt-like string>"}`. A token lives [`DEFAULT_TOKEN_LIFETIME`] unless changed
//! ([`RewixSandbox::set_token_lifetime`](super::RewixSandbox::set_token_lifetime)), and
//! [`RewixSandbox::expire_tokens`](super::RewixSandbox::expire_tokens) ends every live token at once, so a
//! client's re-login path can be tested. Uncertain (the plugin only checks for a 200): wrong credentials answer
//! 401 and a body that is not a login request 400, both with a plain-text body.

use std::time::{Duration, Instant};

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::Response,
};

use super::{API_KEY, PASSWORD, RState, RewixState};
use crate::sandbox::http::{Answer, Refusal, basic_credentials, bearer_token, json, lock, text};

/// The lifetime of new tokens until [`RewixSandbox::set_token_lifetime`](super::RewixSandbox::set_token_lifetime).
/// Uncertain: Bdroppy's is not known.
pub(super) const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// The login body; both fields are required strings.
#[derive(serde::Deserialize)]
struct LoginRequest {
    email: String,
    password: String,
}

#[derive(serde::Serialize)]
struct LoginResponse {
    token: String,
}

/// `POST /api/auth/login`.
pub(super) async fn login(State(state): RState, body: Bytes) -> Answer {
    let Ok(request) = serde_json::from_slice::<LoginRequest>(&body) else {
        return Err(text(StatusCode::BAD_REQUEST, "Bad Request").into());
    };
    if request.email != API_KEY || request.password != PASSWORD {
        return Err(text(StatusCode::UNAUTHORIZED, "Unauthorized").into());
    }
    let mut inner = lock(&state.inner);
    let random: String = (0..32).map(|_| fastrand::alphanumeric()).collect();
    // Shaped like the JWT Bdroppy issues (three dot-separated parts); the fake only compares it whole.
    let token = format!("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzYngifQ.{random}");
    let expires = Instant::now() + inner.tokens.lifetime;
    inner.tokens.live.insert(token.clone(), expires);
    inner.tokens.logins += 1;
    Ok(json(StatusCode::OK, &LoginResponse { token }))
}

/// The fake's bearer tokens.
pub(crate) struct Tokens {
    /// Live tokens and when they expire.
    live: std::collections::HashMap<String, Instant>,
    lifetime: Duration,
    logins: u64,
}

impl Default for Tokens {
    fn default() -> Self {
        Tokens {
            live: Default::default(),
            lifetime: DEFAULT_TOKEN_LIFETIME,
            logins: 0,
        }
    }
}

impl Tokens {
    pub(super) fn set_lifetime(&mut self, lifetime: Duration) {
        self.lifetime = lifetime;
    }

    pub(super) fn expire_all(&mut self) {
        self.live.clear();
    }

    pub(super) fn logins(&self) -> u64 {
        self.logins
    }
}

/// Lets a request through with the sandbox's Basic credentials or a live bearer token; otherwise 401
/// `text/plain` (an expired token is forgotten).
pub(crate) fn authorize(state: &RewixState, headers: &HeaderMap) -> Result<(), Refusal> {
    if let Some(token) = bearer_token(headers) {
        let mut inner = lock(&state.inner);
        return match inner.tokens.live.get(token) {
            Some(expires) if *expires > Instant::now() => Ok(()),
            Some(_) => {
                inner.tokens.live.remove(token);
                Err(unauthorized("Bearer realm=\"rewix\""))
            }
            None => Err(unauthorized("Bearer realm=\"rewix\"")),
        };
    }
    match basic_credentials(headers) {
        Some((user, password)) if user == API_KEY && password == PASSWORD => Ok(()),
        _ => Err(unauthorized("Basic realm=\"rewix\"")),
    }
}

fn unauthorized(challenge: &'static str) -> Refusal {
    let mut response: Response = text(StatusCode::UNAUTHORIZED, "Unauthorized");
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(challenge),
    );
    response.into()
}
