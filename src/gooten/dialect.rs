//! How Gooten says "error": `HadError: true` in the body (whatever the HTTP status, 200 included), or
//! `{"Message": "...Invalid recipeId..."}` for a bad recipe id.

use http::{HeaderMap, StatusCode};
use serde_json::Value;

use crate::{
    error::{ErrorKind, FieldError},
    runtime::{Dialect, EnvelopeNames, ErrorDetails, OperationMeta},
};

pub(super) struct GootenDialect;

/// The properties of the envelope that decide whether a 2xx answer is an error (see [`parse`] and `classify`).
static ENVELOPE_NAMES: EnvelopeNames = EnvelopeNames {
    flag: "HadError",
    message: "Message",
};

/// The error envelope (`components/schemas/Error`), read field by field from a JSON value: one mistyped
/// field (a numeric reference code, a `null` in `Errors`) must not hide `HadError: true`.
#[derive(Default)]
struct Envelope {
    had_error: Option<bool>,
    reference_code: Option<String>,
    errors: Option<Vec<EnvelopeError>>,
    message: Option<String>,
}

struct EnvelopeError {
    property: Option<String>,
    message: Option<String>,
    attempted: Option<Value>,
}

/// `object[name]`, the name matched ignoring ASCII case (an exact match wins), as Gooten binds names.
fn field<'a>(object: &'a serde_json::Map<String, Value>, name: &str) -> Option<&'a Value> {
    object.get(name).or_else(|| {
        object
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    })
}

fn parse(body: &[u8]) -> Option<Envelope> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let object = value.as_object()?;
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let errors = field(object, "Errors")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_object)
                .map(|e| EnvelopeError {
                    property: field(e, "PropertyName").and_then(text),
                    message: field(e, "ErrorMessage").and_then(text),
                    attempted: field(e, "AttemptedValue").cloned(),
                })
                .collect()
        });
    Some(Envelope {
        had_error: field(object, "HadError").and_then(Value::as_bool),
        reference_code: field(object, "ErrorReferenceCode").and_then(text),
        errors,
        message: field(object, "Message").and_then(text),
    })
}

/// Whether a body may be an error envelope: it has a `"HadError"` key whose value is `true`, or a `"Message"`
/// key (either in any case). A byte search, not a parse: a success answer (which is `HadError: false` or has
/// no such key) is then decoded once, into its type, and never parsed here.
fn may_be_error(body: &[u8]) -> bool {
    let [
        had_error_lower,
        had_error_upper,
        message_lower,
        message_upper,
    ] = &*TAILS;
    let mut had_error =
        keys(body, b"haderror", had_error_lower).chain(keys(body, b"haderror", had_error_upper));
    let mut message =
        keys(body, b"message", message_lower).chain(keys(body, b"message", message_upper));
    had_error.any(|rest| trim_start(rest).starts_with(b"true")) || message.next().is_some()
}

/// The searchers for the keys' last letters and closing quote, built once (building one costs more than
/// searching a small answer with it).
static TAILS: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 4]> =
    std::sync::LazyLock::new(|| {
        [&b"rror\""[..], b"RROR\"", b"ssage\"", b"SSAGE\""].map(memchr::memmem::Finder::new)
    });

/// For each `"<key>":` in `body` (key compared ignoring ASCII case), the bytes after the colon. `tail` finds the
/// key's last letters and closing quote as they are spelled (lower or upper case), with SIMD.
fn keys<'a>(
    body: &'a [u8],
    key: &'a [u8],
    tail: &'a memchr::memmem::Finder<'static>,
) -> impl Iterator<Item = &'a [u8]> + 'a {
    tail.find_iter(body).filter_map(move |at| {
        let end = at + tail.needle().len();
        let start = end.checked_sub(key.len() + 2)?;
        let quoted = &body[start..end];
        let is_key = quoted[0] == b'"' && quoted[1..quoted.len() - 1].eq_ignore_ascii_case(key);
        let rest = trim_start(&body[end..]);
        (is_key && rest.first() == Some(&b':')).then(|| &rest[1..])
    })
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let skip = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &bytes[skip..]
}

impl Dialect for GootenDialect {
    fn classify(
        &self,
        _operation: &OperationMeta,
        status: StatusCode,
        _headers: &HeaderMap,
        body: &[u8],
    ) -> Option<ErrorKind> {
        if status.is_success() && !may_be_error(body) {
            return None;
        }
        let envelope = parse(body);
        let had_error = envelope.as_ref().and_then(|e| e.had_error) == Some(true);
        let message_only = envelope
            .as_ref()
            .is_some_and(|e| e.message.is_some() && e.had_error.is_none());
        if !had_error && !message_only && status.is_success() {
            return None;
        }
        let envelope = envelope.unwrap_or_default();
        let texts = || {
            envelope
                .message
                .iter()
                .chain(
                    envelope
                        .errors
                        .iter()
                        .flatten()
                        .filter_map(|e| e.message.as_ref()),
                )
                .map(|m| m.to_ascii_lowercase())
        };
        if texts().any(|m| m.contains("recipeid") || m.contains("authorization has been denied")) {
            return Some(ErrorKind::Authentication);
        }
        if envelope.errors.iter().flatten().any(is_duplicate_source_id) {
            return Some(ErrorKind::Duplicate);
        }
        if !status.is_success() {
            return Some(ErrorKind::from_status(status));
        }
        if texts().any(|m| m.contains("not found") || m.contains("does not exist")) {
            return Some(ErrorKind::NotFound);
        }
        Some(ErrorKind::Validation)
    }

    /// ASP.NET Web API binds and writes property names without regard to case, and Gooten's own documents
    /// spell some differently (`PreConfiguredProducts`, `SKU`): answers are decoded matching names ignoring case.
    fn case_insensitive_names(&self) -> bool {
        true
    }

    /// The envelope's top-level `HadError` and `Message`, watched while a success decodes: `classify` then reads
    /// a 2xx body only when they may say "error".
    fn envelope_names(&self) -> Option<&'static EnvelopeNames> {
        Some(&ENVELOPE_NAMES)
    }

    fn details(&self, _status: StatusCode, body: &[u8]) -> ErrorDetails {
        let Some(envelope) = parse(body) else {
            return ErrorDetails::default();
        };
        let field_errors = envelope
            .errors
            .unwrap_or_default()
            .into_iter()
            .map(|e| {
                let mut field = FieldError::new(
                    e.property.unwrap_or_default(),
                    e.message.unwrap_or_default(),
                );
                field.attempted_value = e.attempted.filter(|v| !v.is_null());
                field
            })
            .collect();
        ErrorDetails {
            reference_code: envelope.reference_code,
            message: envelope.message,
            field_errors,
        }
    }
}

/// Gooten refuses a second order with the same `SourceId` when `IsPartnerSourceIdUnique` is set; the error
/// names the SourceId property.
fn is_duplicate_source_id(error: &EnvelopeError) -> bool {
    let property = error
        .property
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let message = error
        .message
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    property.ends_with("sourceid")
        && ["already", "exist", "duplicate", "unique"]
            .iter()
            .any(|w| message.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(status: u16, body: &str) -> Option<ErrorKind> {
        GootenDialect.classify(
            &OperationMeta::get("/test"),
            StatusCode::from_u16(status).unwrap(),
            &HeaderMap::new(),
            body.as_bytes(),
        )
    }

    /// The watched decode never calls clean an answer `classify` calls an error, for random top-level mixes of
    /// the envelope's properties (any case, any value, repeated, nested), into a type with the flag, one
    /// without it, and a map; and it does call the ordinary successes clean, or it would save nothing.
    #[test]
    fn the_watched_decode_agrees_with_classify() {
        use std::collections::BTreeMap;

        use crate::runtime::case_insensitive::from_slice_watched;

        #[derive(serde::Deserialize)]
        #[allow(dead_code)]
        struct WithFlag {
            #[serde(rename = "HadError")]
            had_error: Option<bool>,
            #[serde(rename = "Id")]
            id: Option<Value>,
        }
        #[derive(serde::Deserialize)]
        #[allow(dead_code)]
        struct WithoutFlag {
            #[serde(rename = "Id")]
            id: Option<Value>,
        }
        let names = GootenDialect.envelope_names().unwrap();
        let keys = [
            "HadError", "hadError", "HADERROR", "Message", "message", "Id", "Other",
        ];
        let values = [
            "true",
            "false",
            "null",
            "\"true\"",
            "1",
            "\"text\"",
            r#"{"HadError":true}"#,
            r#"{"Message":"x"}"#,
            "[true]",
        ];
        let mut rng = fastrand::Rng::with_seed(0x14);
        let mut clean = 0;
        for _ in 0..20_000 {
            let members: Vec<String> = (0..rng.usize(0..4))
                .map(|_| {
                    format!(
                        "\"{}\":{}",
                        keys[rng.usize(..keys.len())],
                        values[rng.usize(..values.len())]
                    )
                })
                .collect();
            let body = format!("{{{}}}", members.join(","));
            let verdicts = [
                from_slice_watched::<WithFlag>(body.as_bytes(), names).map(|(_, s)| s),
                from_slice_watched::<WithoutFlag>(body.as_bytes(), names).map(|(_, s)| s),
                from_slice_watched::<BTreeMap<String, Value>>(body.as_bytes(), names)
                    .map(|(_, s)| s),
            ];
            for (i, seen) in verdicts.into_iter().enumerate() {
                if let Ok(seen) = seen
                    && seen.is_clean()
                {
                    assert_eq!(classify(200, &body), None, "type {i}: {body}");
                    assert_ne!(i, 2, "a map's keys are not watched: {body}");
                    clean += 1;
                }
            }
        }
        assert!(clean > 5_000, "only {clean} clean verdicts");
        for body in [
            r#"{"HadError":false,"Id":"1"}"#,
            r#"{"Id":"1"}"#,
            r#"{"Id":"1","HadError":false}"#,
        ] {
            let (_, seen) = from_slice_watched::<WithFlag>(body.as_bytes(), names).unwrap();
            assert!(seen.is_clean(), "{body}");
        }
    }

    #[test]
    fn had_error_is_an_error_whatever_the_status() {
        let body = r#"{"HadError":true,"Errors":[{"PropertyName":"Order.ShipToAddress.PostalCode","ErrorMessage":"required"}]}"#;
        assert_eq!(classify(200, body), Some(ErrorKind::Validation));
        assert_eq!(classify(400, body), Some(ErrorKind::Validation));
        assert_eq!(classify(200, r#"{"HadError":false,"Id":"1"}"#), None);
        assert_eq!(classify(200, r#"{"Id":"1"}"#), None);
    }

    #[test]
    fn a_mistyped_envelope_still_says_had_error() {
        let body = r#"{"HadError":true,"ErrorReferenceCode":12345,"Errors":[null,{"PropertyName":"id","ErrorMessage":7}]}"#;
        assert_eq!(classify(200, body), Some(ErrorKind::Validation));
        let d = GootenDialect.details(StatusCode::OK, body.as_bytes());
        assert_eq!(d.reference_code.as_deref(), Some("12345"));
        assert_eq!(d.field_errors.len(), 1);
    }

    #[test]
    fn invalid_recipe_id_message_is_authentication() {
        let body =
            r#"{"Message":"Authorization has been denied for this request. Invalid recipeId."}"#;
        assert_eq!(classify(200, body), Some(ErrorKind::Authentication));
        assert_eq!(classify(401, body), Some(ErrorKind::Authentication));
    }

    /// The byte scan finds `HadError` in any case, and so does the decision: a `hadError: true` answer is an
    /// error, not an order (the success types map names ignoring case, so it would decode as one).
    #[test]
    fn the_envelope_is_read_ignoring_case_like_the_scan() {
        let body = r#"{"hadError":true,"errors":[{"propertyName":"id","errorMessage":"Order not found"}]}"#;
        assert_eq!(classify(200, body), Some(ErrorKind::NotFound));
        let shouted = r#"{"HADERROR": true, "ERRORREFERENCECODE": "r-9"}"#;
        assert_eq!(classify(200, shouted), Some(ErrorKind::Validation));
        let d = GootenDialect.details(StatusCode::OK, shouted.as_bytes());
        assert_eq!(d.reference_code.as_deref(), Some("r-9"));
        assert_eq!(classify(200, r#"{"hadError":false,"Id":"1"}"#), None);
    }

    #[test]
    fn duplicate_source_id_and_not_found() {
        let dup = r#"{"HadError":true,"Errors":[{"PropertyName":"Order.SourceId","ErrorMessage":"An order with this SourceId already exists"}]}"#;
        assert_eq!(classify(400, dup), Some(ErrorKind::Duplicate));
        let missing = r#"{"HadError":true,"Errors":[{"PropertyName":"id","ErrorMessage":"Order not found"}]}"#;
        assert_eq!(classify(200, missing), Some(ErrorKind::NotFound));
        assert_eq!(classify(404, missing), Some(ErrorKind::NotFound));
        assert_eq!(classify(503, "<html>busy</html>"), Some(ErrorKind::Server));
    }

    #[test]
    fn the_byte_scan_finds_every_envelope_and_skips_successes() {
        for error in [
            &br#"{"HadError":true}"#[..],
            br#"{"Items":[], "hadError" : true }"#,
            br#"{"HADERROR":	true}"#,
            br#"{"Message":"Authorization has been denied for this request. Invalid recipeId."}"#,
            br#"{"message": null}"#,
        ] {
            assert!(may_be_error(error), "{}", String::from_utf8_lossy(error));
        }
        for success in [
            &br#"{"HadError":false,"Items":[{"Sku":"x"}]}"#[..],
            br#"{"Errors":[],"ErrorMessage":"none","Note":"HadError\":true"}"#,
            br#"{"Id":"7-abc"}"#,
            b"",
        ] {
            assert!(
                !may_be_error(success),
                "{}",
                String::from_utf8_lossy(success)
            );
        }
    }

    #[test]
    fn details_keep_every_field_error() {
        let body = r#"{"HadError":true,"ErrorReferenceCode":"ref-1","Errors":[
            {"PropertyName":"A","ErrorMessage":"a","AttemptedValue":""},
            {"PropertyName":"B","ErrorMessage":"b","AttemptedValue":null}]}"#;
        let d = GootenDialect.details(StatusCode::OK, body.as_bytes());
        assert_eq!(d.reference_code.as_deref(), Some("ref-1"));
        assert_eq!(d.field_errors.len(), 2);
        assert_eq!(
            d.field_errors[0].attempted_value,
            Some(serde_json::json!(""))
        );
        assert_eq!(d.field_errors[1].attempted_value, None);
    }
}
