//! Small HTTP helpers shared by the three fakes: response builders, query strings, credentials, locking.

use std::sync::{Mutex, MutexGuard};

use axum::{
    body::Body,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use base64::Engine as _;
use serde::Serialize;

/// An error answer on its way out of a handler: boxed so that the `Result`s carrying it stay small, and
/// convertible from any response so that helpers can refuse a request with `?`.
#[derive(Debug)]
pub(crate) struct Refusal(Box<Response>);

impl From<Response> for Refusal {
    fn from(response: Response) -> Self {
        Refusal(Box::new(response))
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        *self.0
    }
}

/// What a handler returns: the answer, or the refusal some check produced.
pub(crate) type Answer = Result<Response, Refusal>;

/// A JSON response with `status`. The body always comes from a generated type (or, for Bootic's token endpoint,
/// which the spec does not describe, from a small hand-written one).
pub(crate) fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => with_content_type(status, "application/json; charset=utf-8", body),
        // Serializing the generated types cannot fail (no maps with non-string keys); answer like a broken server
        // rather than panicking inside a connection task.
        Err(e) => text(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("sandbox serialization error: {e}"),
        ),
    }
}

/// A `text/plain` response with `status`.
pub(crate) fn text(status: StatusCode, message: impl Into<String>) -> Response {
    with_content_type(
        status,
        "text/plain; charset=utf-8",
        message.into().into_bytes(),
    )
}

fn with_content_type(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A decoded query string, in order, keeping repeated keys.
#[derive(Debug, Default)]
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    pub(crate) fn parse(raw: Option<&str>) -> Self {
        Query(
            raw.map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default(),
        )
    }

    /// The first value of `name`, matched exactly.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of `name`, matched ignoring ASCII case (Gooten's server binds query names that way).
    pub(crate) fn get_ci(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// The user and password of an `Authorization: Basic` header.
pub(crate) fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

/// The token of an `Authorization: Bearer` header.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Locks `mutex`, ignoring poisoning: a test that panicked while a handler held the lock leaves the state
/// consistent enough for the sandbox (every mutation is completed before the guard drops).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A random version-4-shaped UUID string from `rng` (Gooten's ids and reference codes look like this).
pub(crate) fn uuid_like(rng: &mut fastrand::Rng) -> String {
    let hi = rng.u64(..);
    let lo = rng.u64(..);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0x0fff,
        0x8000 | ((lo >> 48) & 0x3fff),
        lo & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_names_ignore_case_only_when_asked() {
        let q = Query::parse(Some("RecipeID=abc&partnerBillingKey=a%2Bb%2F%3D&x=1&x=2"));
        assert_eq!(q.get("recipeid"), None);
        assert_eq!(q.get_ci("recipeid"), Some("abc"));
        assert_eq!(q.get_ci("PARTNERBILLINGKEY"), Some("a+b/="));
        assert_eq!(q.get("x"), Some("1"));
    }

    #[test]
    fn basic_and_bearer() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic dXNlcjpwYTpzcw=="),
        );
        assert_eq!(
            basic_credentials(&headers),
            Some(("user".into(), "pa:ss".into()))
        );
        assert_eq!(bearer_token(&headers), None);
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer tok123"),
        );
        assert_eq!(bearer_token(&headers), Some("tok123"));
    }

    #[test]
    fn uuid_shape() {
        let id = uuid_like(&mut fastrand::Rng::with_seed(1));
        let groups: Vec<_> = id.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
    }
}
