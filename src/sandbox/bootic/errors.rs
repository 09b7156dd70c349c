//! The Bootic fake's error answers: `_class` error documents, 422 `_embedded.errors` and 401s.

use super::*;

pub(super) fn class(names: &[&str]) -> Option<t::ClassList> {
    Some(t::ClassList(names.iter().map(|n| n.to_string()).collect()))
}

pub(super) fn error(status: StatusCode, message: &str) -> Response {
    json(
        status,
        &t::Error {
            class: class(&["errors"]),
            message: Some(message.into()),
            embedded: None,
        },
    )
}

/// The 422 body: one entry per field, in first-seen order, with all its messages.
pub(super) fn unprocessable(errors: Vec<(String, String)>) -> Refusal {
    let mut details: Vec<t::ErrorDetail> = Vec::new();
    for (field, message) in errors {
        match details.iter_mut().find(|d| d.field == field) {
            Some(detail) => detail.messages.push(message),
            None => details.push(t::ErrorDetail {
                class: class(&["error"]),
                field,
                messages: vec![message],
            }),
        }
    }
    let body = t::Error {
        class: class(&["errors"]),
        message: None,
        embedded: Some(t::ErrorEmbedded { errors: details }),
    };
    json(StatusCode::UNPROCESSABLE_ENTITY, &body).into()
}

pub(super) fn unprocessable_one(field: &str, message: impl Into<String>) -> Refusal {
    unprocessable(vec![(field.into(), message.into())])
}

/// The answer of an injected 5xx fault.
pub(crate) fn server_error() -> Response {
    error(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
}

/// The answer for a path under `/v1` or `/oauth` that no route matches.
pub(crate) fn route_not_found() -> Response {
    error(StatusCode::NOT_FOUND, "Not found")
}

pub(super) fn unauthorized(description: &str) -> Refusal {
    let mut response = error(StatusCode::UNAUTHORIZED, "Unauthorized");
    let challenge = format!(
        "Bearer realm=\"bootic\", error=\"invalid_token\", error_description=\"{description}\""
    );
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response.into()
}
