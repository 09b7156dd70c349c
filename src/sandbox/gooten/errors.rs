//! The Gooten fake's error answers: the envelope (`HadError`, `ErrorReferenceCode`, `Errors[]`) and the
//! per-field validation failures, with Gooten's display names.

use super::*;

/// One entry of the envelope's `Errors`.
pub(super) fn failure(
    property: &str,
    message: impl Into<String>,
    attempted: Option<Value>,
) -> t::ValidationFailure {
    t::ValidationFailure {
        property_name: Some(property.into()),
        error_message: Some(message.into()),
        attempted_value: attempted,
        custom_state: None,
    }
}

/// The error envelope with `status`.
pub(super) fn envelope(status: StatusCode, errors: Vec<t::ValidationFailure>) -> Response {
    let body = t::Error {
        error_reference_code: Some(uuid_like(&mut fastrand::Rng::new())),
        errors,
        had_error: Some(true),
        message: None,
    };
    json(status, &body)
}

pub(super) fn invalid(errors: Vec<t::ValidationFailure>) -> Refusal {
    envelope(StatusCode::BAD_REQUEST, errors).into()
}

pub(super) fn invalid_one(
    property: &str,
    message: impl Into<String>,
    attempted: Option<Value>,
) -> Refusal {
    invalid(vec![failure(property, message, attempted)])
}

pub(super) fn not_found(property: &str, message: impl Into<String>, attempted: &str) -> Refusal {
    envelope(
        StatusCode::NOT_FOUND,
        vec![failure(
            property,
            message,
            Some(Value::String(attempted.into())),
        )],
    )
    .into()
}

/// The answer of an injected 5xx fault.
pub(crate) fn server_error() -> Response {
    envelope(
        StatusCode::INTERNAL_SERVER_ERROR,
        vec![failure(
            "",
            "An unexpected error occurred. Please contact support with the reference code.",
            None,
        )],
    )
}

/// The answer for a path under `/api` that no route matches (ASP.NET's wording).
pub(crate) fn route_not_found() -> Response {
    let body = t::Error {
        message: Some("No HTTP resource was found that matches the request URI.".into()),
        had_error: Some(true),
        ..Default::default()
    };
    json(StatusCode::NOT_FOUND, &body)
}

/// `'Postal Code' should not be empty.`: the wording of Gooten's validator, which splits the property name.
pub(super) fn empty_message(property: &str) -> String {
    format!("'{}' should not be empty.", display_name(property))
}

/// `PostalCode` -> `Postal Code`, `ShipToAddress` -> `Ship To Address`, `SKU` -> `SKU`.
pub(super) fn display_name(property: &str) -> String {
    let chars: Vec<char> = property.chars().collect();
    let mut out = String::with_capacity(property.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1);
        let starts_word = c.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            });
        if starts_word {
            out.push(' ');
        }
        out.push(c);
    }
    out
}
