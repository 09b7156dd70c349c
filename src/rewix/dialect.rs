//! How Rewix says "error": the HTTP status, with the provider's message as the whole plain-text body.
//!
//! The one trap is HTTP 429, which means two things depending on the endpoint:
//! - on the ghost (order, return) endpoints, a malformed request body: "If the request body contains errors
//!   this will cause the abort of the order creation. The http status code 429 will be returned and request
//!   body contains the error message" (Rewix's create-dropshipping-order document). There a 429 is a
//!   [`ErrorKind::Validation`] error that must not be retried, unless it carries `Retry-After`;
//! - on the catalog export (`/restful/export/…`), real rate limiting: Zero11's own client for the platform it
//!   runs (xroads `RewixAPI.java`) reads a 429 from the catalog as "Too many requests. Make sure you are not
//!   using the same account with other plugins and retry in 15 minutes." There a 429 is
//!   [`ErrorKind::RateLimited`] with or without `Retry-After`.

use http::{HeaderMap, StatusCode, header::RETRY_AFTER};

use crate::{
    error::ErrorKind,
    runtime::{Dialect, ErrorDetails, OperationMeta},
};

pub(super) struct RewixDialect;

/// The path prefix of the catalog export, where a 429 is rate limiting.
const EXPORT_PREFIX: &str = "/restful/export/";

/// The longest message kept from an error body; the whole body stays in [`crate::Error::body`].
const MAX_MESSAGE_CHARS: usize = 1000;

impl Dialect for RewixDialect {
    fn classify(
        &self,
        operation: &OperationMeta,
        status: StatusCode,
        headers: &HeaderMap,
        _body: &[u8],
    ) -> Option<ErrorKind> {
        if status.is_success() {
            return None;
        }
        Some(match status.as_u16() {
            429 if headers.contains_key(RETRY_AFTER) => ErrorKind::RateLimited,
            // The catalog export's "too many requests" (xroads RewixAPI.java), sent without Retry-After.
            429 if operation.path.starts_with(EXPORT_PREFIX) => ErrorKind::RateLimited,
            // The documented "request body contains errors" answer of the ghost API; nothing was created.
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

    const ORDER: OperationMeta = OperationMeta::get("/restful/ghost/orders/0/dropshipping");
    const EXPORT: OperationMeta = OperationMeta::get("/restful/export/api/products.json");

    fn classify_for(
        operation: &OperationMeta,
        status: u16,
        headers: &[(&'static str, &'static str)],
    ) -> Option<ErrorKind> {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(*k, v.parse().unwrap());
        }
        RewixDialect.classify(operation, StatusCode::from_u16(status).unwrap(), &map, b"")
    }

    fn classify(status: u16, headers: &[(&'static str, &'static str)]) -> Option<ErrorKind> {
        classify_for(&ORDER, status, headers)
    }

    #[test]
    fn a_429_is_rate_limiting_on_the_catalog_export_and_a_refused_body_elsewhere() {
        assert_eq!(
            classify_for(&EXPORT, 429, &[]),
            Some(ErrorKind::RateLimited)
        );
        assert_eq!(
            classify_for(&EXPORT, 429, &[("retry-after", "900")]),
            Some(ErrorKind::RateLimited)
        );
        for path in [
            "/restful/export/locales",
            "/restful/export/tags",
            "/restful/export/carriers",
            "/restful/export/api/products.xml",
        ] {
            assert_eq!(
                classify_for(&OperationMeta::get(path), 429, &[]),
                Some(ErrorKind::RateLimited),
                "{path}"
            );
        }
        for path in [
            "/restful/ghost/orders/0/dropshipping",
            "/restful/ghost/returnedgoods/request/new",
            "/restful/ghost/orders/sold",
        ] {
            assert_eq!(
                classify_for(&OperationMeta::get(path), 429, &[]),
                Some(ErrorKind::Validation),
                "{path}"
            );
        }
        // Other statuses do not depend on the endpoint.
        assert_eq!(classify_for(&EXPORT, 412, &[]), Some(ErrorKind::Validation));
        assert_eq!(classify_for(&EXPORT, 200, &[]), None);
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
