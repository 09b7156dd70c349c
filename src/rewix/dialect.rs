//! How Rewix says "error": the HTTP status, with the provider's message as the whole plain-text body.
//!
//! The one trap is HTTP 429: Rewix answers a malformed request body with 429 and a text message (the order
//! is aborted), so a 429 is a [`ErrorKind::Validation`] error that must not be retried. Only a 429 carrying
//! `Retry-After` is treated as real rate limiting.

use http::{HeaderMap, StatusCode, header::RETRY_AFTER};

use crate::{
    error::ErrorKind,
    runtime::{Dialect, ErrorDetails},
};

pub(super) struct RewixDialect;

/// The longest message kept from an error body; the whole body stays in [`crate::Error::body`].
const MAX_MESSAGE_CHARS: usize = 1000;

impl Dialect for RewixDialect {
    fn classify(&self, status: StatusCode, headers: &HeaderMap, _body: &[u8]) -> Option<ErrorKind> {
        if status.is_success() {
            return None;
        }
        Some(match status.as_u16() {
            429 if headers.contains_key(RETRY_AFTER) => ErrorKind::RateLimited,
            // The documented "request body contains errors" answer; nothing was created.
            429 => ErrorKind::Validation,
            // Zero11's own client reads 412 from the order call as "order not created", with a text message.
            412 => ErrorKind::Validation,
            _ => ErrorKind::from_status(status),
        })
    }

    fn details(&self, _status: StatusCode, body: &[u8]) -> ErrorDetails {
        ErrorDetails {
            message: message(body),
            ..ErrorDetails::default()
        }
    }
}

/// The provider's message: the whole plain-text body, trimmed. An HTML page (a proxy's error page) or an
/// empty body is no message; the raw body is kept in the error either way.
fn message(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    let lower = text.get(..14).unwrap_or(text).to_ascii_lowercase();
    if text.is_empty() || lower.starts_with("<!doctype") || lower.starts_with("<html") {
        return None;
    }
    // The error schema is a string: a JSON-encoded one is unwrapped.
    if text.starts_with('"')
        && let Ok(serde_json::Value::String(inner)) = serde_json::from_str(text)
    {
        return Some(truncate(inner.trim()));
    }
    Some(truncate(text))
}

fn truncate(text: &str) -> String {
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(status: u16, headers: &[(&'static str, &'static str)]) -> Option<ErrorKind> {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(*k, v.parse().unwrap());
        }
        RewixDialect.classify(StatusCode::from_u16(status).unwrap(), &map, b"")
    }

    #[test]
    fn statuses_map_to_kinds() {
        assert_eq!(classify(200, &[]), None);
        assert_eq!(classify(429, &[]), Some(ErrorKind::Validation));
        assert_eq!(
            classify(429, &[("retry-after", "3")]),
            Some(ErrorKind::RateLimited)
        );
        assert_eq!(classify(412, &[]), Some(ErrorKind::Validation));
        assert_eq!(classify(401, &[]), Some(ErrorKind::Authentication));
        assert_eq!(classify(404, &[]), Some(ErrorKind::NotFound));
        assert_eq!(classify(500, &[]), Some(ErrorKind::Server));
        assert_eq!(classify(503, &[]), Some(ErrorKind::Server));
        assert_eq!(classify(400, &[]), Some(ErrorKind::Validation));
    }

    #[test]
    fn the_text_body_is_the_message() {
        assert_eq!(
            message(b"  Invalid date format\n").as_deref(),
            Some("Invalid date format")
        );
        assert_eq!(
            message(br#""Carrier not valid""#).as_deref(),
            Some("Carrier not valid")
        );
        assert_eq!(message(b"<!DOCTYPE html><html>busy</html>"), None);
        assert_eq!(message(b"<HTML><body>busy</body></HTML>"), None);
        assert_eq!(message(b" \n"), None);
        let long = "x".repeat(MAX_MESSAGE_CHARS + 10);
        assert_eq!(
            message(long.as_bytes()).unwrap().chars().count(),
            MAX_MESSAGE_CHARS + 1
        );
    }
}
