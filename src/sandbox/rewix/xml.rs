//! The Rewix fake's wire format: answers in JSON, or in XML when the request's `Accept` asks for
//! `application/xml` (or `text/xml`); request bodies in either, chosen by `Content-Type`. Both forms go through
//! the client's own XML documents ([`XmlDocument`]), so the two sides are served from the same state.

use axum::{
    http::{HeaderMap, StatusCode, header},
    response::Response,
};
use serde::Serialize;

use crate::rewix::XmlDocument;
use crate::sandbox::http::{json, text, with_content_type};

fn mentions_xml(headers: &HeaderMap, name: header::HeaderName) -> bool {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("application/xml") || v.contains("text/xml")
        })
}

/// Whether the request asks for XML answers.
pub(crate) fn wants_xml(headers: &HeaderMap) -> bool {
    mentions_xml(headers, header::ACCEPT)
}

/// The answer `value` with status 200, in the format the request's `Accept` asks for.
pub(crate) fn respond<T: Serialize + XmlDocument>(headers: &HeaderMap, value: &T) -> Response {
    if !wants_xml(headers) {
        return json(StatusCode::OK, value);
    }
    match value.to_xml() {
        Ok(body) => with_content_type(
            StatusCode::OK,
            "application/xml; charset=utf-8",
            body.into_bytes(),
        ),
        Err(e) => text(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("sandbox serialization error: {e}"),
        ),
    }
}

/// Whether the request body is XML (its `Content-Type` says so).
pub(crate) fn xml_body(headers: &HeaderMap) -> bool {
    mentions_xml(headers, header::CONTENT_TYPE)
}

/// The refusal of an XML body that lacks a required list: XML has no empty list (no element is all it can
/// write), so a document without a single `element` is missing the required item, refused as the JSON body
/// without the field is.
pub(crate) fn missing_xml_list(
    headers: &HeaderMap,
    empty: bool,
    element: &str,
) -> Result<(), String> {
    if xml_body(headers) && empty {
        return Err(format!(
            "Invalid request body: missing field `{element}` (no <{element}> element)"
        ));
    }
    Ok(())
}

/// Reads a request body into a generated type: JSON, or XML when `Content-Type` says so.
pub(crate) fn parse_body<T: serde::de::DeserializeOwned + XmlDocument>(
    headers: &HeaderMap,
    bytes: &[u8],
) -> Result<T, String> {
    if xml_body(headers) {
        let text = std::str::from_utf8(bytes).map_err(|e| format!("Invalid request body: {e}"))?;
        return T::from_xml(text).map_err(|e| format!("Invalid request body: {e}"));
    }
    crate::sandbox::http::from_json_strict(bytes).map_err(|e| format!("Invalid request body: {e}"))
}
