//! How Bootic says "error": the HTTP status, with a HAL `errors` entity in the body. A refused body (422) lists
//! every offending field as `_embedded.errors[] = {field, messages[]}`; other failures may carry only a
//! `message` (components/schemas/Error of `spec/bootic.yaml`).

use http::{HeaderMap, StatusCode};
use serde::Deserialize;

use crate::{
    error::{ErrorKind, FieldError},
    runtime::{Dialect, ErrorDetails, OperationMeta},
};

pub(super) struct BooticDialect;

/// The error body, read leniently: a field that is missing or of another type must not hide the others.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Envelope {
    #[serde(rename = "_class")]
    class: Option<Vec<serde_json::Value>>,
    message: Option<serde_json::Value>,
    #[serde(rename = "_embedded")]
    embedded: Option<Embedded>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Embedded {
    errors: Option<Vec<Detail>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Detail {
    field: Option<String>,
    messages: Option<Vec<serde_json::Value>>,
}

impl Envelope {
    fn is_errors_entity(&self) -> bool {
        self.class
            .iter()
            .flatten()
            .any(|c| c.as_str() == Some("errors"))
    }

    fn message(&self) -> Option<String> {
        match self.message.as_ref()? {
            serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
            _ => None,
        }
    }
}

/// The searcher for the `"errors"` key, built once (building one costs more than searching a small answer).
static ERRORS_KEY: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\"errors\""));

fn parse(body: &[u8]) -> Option<Envelope> {
    serde_json::from_slice(body).ok()
}

impl Dialect for BooticDialect {
    fn classify(
        &self,
        _operation: &OperationMeta,
        status: StatusCode,
        _headers: &HeaderMap,
        body: &[u8],
    ) -> Option<ErrorKind> {
        if status.is_success() {
            // The JS client also treats a 2xx `errors` entity as a failure; no document shows one, but if the
            // API sends it the caller must not take it for an order. Only a body with an `"errors"` string at
            // all can be one: the others are not parsed here (they are decoded once, into their type).
            ERRORS_KEY.find(body)?;
            let envelope = parse(body)?;
            return envelope.is_errors_entity().then_some(ErrorKind::Validation);
        }
        // The status decides (a non-JSON error page still gets the right kind). 422 is the documented
        // validation status; 400 maps to Validation too through `from_status`.
        Some(match status.as_u16() {
            422 => ErrorKind::Validation,
            _ => ErrorKind::from_status(status),
        })
    }

    fn details(&self, _status: StatusCode, body: &[u8]) -> ErrorDetails {
        let Some(envelope) = parse(body) else {
            return ErrorDetails::default();
        };
        let message = envelope.message();
        let details = envelope.embedded.and_then(|e| e.errors).unwrap_or_default();
        let mut field_errors = Vec::new();
        for detail in details {
            let field = detail.field.unwrap_or_default();
            let messages: Vec<String> = detail
                .messages
                .unwrap_or_default()
                .into_iter()
                .map(|m| match m {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                })
                .collect();
            if messages.is_empty() {
                // Keep the field even without a message: dropping it would hide what was refused.
                field_errors.push(FieldError::new(field, ""));
            } else {
                field_errors.extend(messages.into_iter().map(|m| FieldError::new(&field, m)));
            }
        }
        ErrorDetails {
            reference_code: None,
            message,
            field_errors,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(status: u16, body: &str) -> Option<ErrorKind> {
        BooticDialect.classify(
            &OperationMeta::get("/test"),
            StatusCode::from_u16(status).unwrap(),
            &HeaderMap::new(),
            body.as_bytes(),
        )
    }

    #[test]
    fn the_status_decides_the_kind_whatever_the_body() {
        assert_eq!(classify(200, r#"{"id":1}"#), None);
        assert_eq!(classify(201, "not json"), None);
        assert_eq!(
            classify(401, r#"{"message":"Unauthorized"}"#),
            Some(ErrorKind::Authentication)
        );
        assert_eq!(
            classify(403, "<html>Forbidden</html>"),
            Some(ErrorKind::Permission)
        );
        assert_eq!(classify(404, ""), Some(ErrorKind::NotFound));
        assert_eq!(classify(422, "oops"), Some(ErrorKind::Validation));
        assert_eq!(classify(429, ""), Some(ErrorKind::RateLimited));
        assert_eq!(
            classify(502, "<html>Bad gateway</html>"),
            Some(ErrorKind::Server)
        );
    }

    #[test]
    fn an_errors_entity_in_a_2xx_answer_is_an_error() {
        assert_eq!(
            classify(200, r#"{"_class":["errors"],"message":"nope"}"#),
            Some(ErrorKind::Validation)
        );
        assert_eq!(classify(200, r#"{"_class":["order"],"id":1}"#), None);
    }

    #[test]
    fn every_field_and_every_message_becomes_a_field_error() {
        let body = r#"{"_class":["errors"],"_embedded":{"errors":[
            {"_class":["error"],"field":"variant.id","messages":["Variant 32222 does not exist in this shop"]},
            {"field":"contact.email","messages":["is required","is invalid"]},
            {"field":"units","messages":[]}]}}"#;
        let d = BooticDialect.details(StatusCode::UNPROCESSABLE_ENTITY, body.as_bytes());
        let fields: Vec<_> = d
            .field_errors
            .iter()
            .map(|f| (f.path.as_str(), f.message.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("variant.id", "Variant 32222 does not exist in this shop"),
                ("contact.email", "is required"),
                ("contact.email", "is invalid"),
                ("units", ""),
            ]
        );
        assert_eq!(d.message, None);
    }

    #[test]
    fn a_message_only_body_and_a_non_json_body() {
        let d = BooticDialect.details(
            StatusCode::FORBIDDEN,
            br#"{"_class":["errors"],"message":"Forbidden"}"#,
        );
        assert_eq!(d.message.as_deref(), Some("Forbidden"));
        assert!(d.field_errors.is_empty());
        let d = BooticDialect.details(StatusCode::BAD_GATEWAY, b"<html>down</html>");
        assert!(d.message.is_none() && d.field_errors.is_empty());
    }
}
