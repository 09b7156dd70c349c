//! From progenitor's error and what the hooks recorded to the crate's one [`Error`]: the provider's details
//! decoded from a scrubbed body, secrets scrubbed again after decoding, and whether the request may have been
//! applied.

use bytes::Bytes;
use http::StatusCode;

use super::{OperationMeta, Runtime, call::CallRecord};
use crate::{
    error::{Error, ErrorKind, FieldError},
    secret::{Secret, scrub, scrub_str},
};

impl Runtime {
    /// A 2xx answer whose body is not what the spec promises: for a non-idempotent request the provider may
    /// well have applied it, so the error says so rather than let a caller resend. The serde error is kept as
    /// text only (scrubbed): it may quote a value of the body.
    pub(super) fn undecodable(
        &self,
        op: &'static OperationMeta,
        status: StatusCode,
        body: &[u8],
        detail: String,
    ) -> Error {
        let secrets = self.secrets();
        Error::new(ErrorKind::Decode)
            .with_status(status)
            .with_message(scrub_str(&detail, &secrets))
            .with_body(Bytes::from(scrub(body, &secrets)))
            .with_outcome_unknown(!op.idempotent)
    }

    /// Maps progenitor's error (and what the hooks recorded) into the crate's error.
    pub(super) fn map_error<E>(
        &self,
        operation: &'static str,
        error: progenitor_client::Error<E>,
        rec: CallRecord,
    ) -> Error {
        use progenitor_client::Error as P;
        let op = self.operation(operation);
        let base = |kind: ErrorKind| {
            Error::new(kind)
                .with_provider(self.shared.provider)
                .with_operation(operation)
                .with_attempts(rec.attempts)
        };
        if let Some(failure) = rec.failure {
            // A failure that names its own step (the Bootic token request) keeps that name.
            let named = failure.operation().unwrap_or(operation);
            return failure
                .with_provider(self.shared.provider)
                .with_operation(named)
                .with_attempts(rec.attempts);
        }
        let secrets = self.secrets();
        let from_answer = |kind: ErrorKind, status: StatusCode, body: Bytes| {
            let body = Bytes::from(scrub(&body, &secrets));
            let details = self.shared.dialect.details(status, &body);
            let mut err = base(kind)
                .with_status(status)
                .with_reference_code(details.reference_code)
                .with_field_errors(redact_fields(details.field_errors, &secrets))
                .with_retry_after(rec.retry_after)
                .with_body(body)
                // A 5xx (or 408) answer to a non-idempotent request: the provider may have applied it.
                // A 5xx, 408 or an answer that is not an error but not expected either (a redirect) to a
                // non-idempotent request: the provider may have applied it.
                .with_outcome_unknown(
                    !op.idempotent
                        && matches!(
                            kind,
                            ErrorKind::Server | ErrorKind::Timeout | ErrorKind::Decode
                        ),
                );
            if let Some(message) = details.message {
                // Decoded from the scrubbed body, and scrubbed again: nothing decoding can reveal gets out.
                err = err.with_message(scrub_str(&message, &secrets));
            }
            err
        };
        // An answer that is not an error but not what the spec promises either (an unlisted success status, a
        // redirect, a 2xx body that does not decode).
        let unexpected = |status: StatusCode, body: Bytes, detail: String| {
            self.undecodable(op, status, &body, detail)
                .with_provider(self.shared.provider)
                .with_operation(operation)
                .with_attempts(rec.attempts)
        };
        match error {
            P::ErrorResponse(_) | P::UnexpectedResponse(_) if rec.status.is_some() => {
                let status = rec.status.expect("checked");
                let body = rec.body.unwrap_or_default();
                match rec.error_kind {
                    Some(kind) => from_answer(kind, status, body),
                    None if status.is_client_error() || status.is_server_error() => {
                        from_answer(ErrorKind::from_status(status), status, body)
                    }
                    None => unexpected(
                        status,
                        body,
                        format!(
                            "HTTP {} is not an answer the {} spec documents for {operation}",
                            status.as_u16(),
                            self.shared.provider
                        ),
                    ),
                }
            }
            P::ErrorResponse(value) => {
                base(ErrorKind::from_status(value.status())).with_status(value.status())
            }
            P::UnexpectedResponse(response) => {
                base(ErrorKind::from_status(response.status())).with_status(response.status())
            }
            P::InvalidResponsePayload(bytes, source) => {
                let status = rec.status.unwrap_or(StatusCode::OK);
                match rec.error_kind {
                    // An error answer whose body is not the documented error shape: still that error.
                    Some(kind) => from_answer(kind, status, rec.body.unwrap_or(bytes)),
                    // The serde error is kept as text only (scrubbed): it may quote a value of the body.
                    None => unexpected(
                        status,
                        bytes,
                        format!(
                            "the answer does not match the {} spec: {source}",
                            self.shared.provider
                        ),
                    ),
                }
            }
            P::CommunicationError(source) | P::ResponseBodyError(source) => {
                let kind = if source.is_timeout() {
                    ErrorKind::Timeout
                } else {
                    ErrorKind::Transport
                };
                // Nothing was sent when the connection could not even be opened.
                let maybe_applied = !op.idempotent && !source.is_connect();
                base(kind)
                    .with_outcome_unknown(maybe_applied)
                    .with_source(source.without_url())
            }
            P::InvalidRequest(message) => base(ErrorKind::InvalidRequest).with_message(message),
            P::Custom(message) => base(ErrorKind::InvalidRequest).with_message(message),
            P::InvalidUpgrade(source) => base(ErrorKind::Decode).with_source(source.without_url()),
        }
    }
}

/// Removes secrets from every decoded part of the field errors (a provider may echo a rejected billing key in
/// the attempted value, the message or even the property path).
fn redact_fields(mut fields: Vec<FieldError>, secrets: &[Secret]) -> Vec<FieldError> {
    for field in &mut fields {
        field.path = scrub_str(&field.path, secrets);
        field.message = scrub_str(&field.message, secrets);
        if let Some(value) = &field.attempted_value {
            let text = value.to_string();
            let cleaned = scrub(text.as_bytes(), secrets);
            if cleaned != text.as_bytes() {
                field.attempted_value = Some(serde_json::Value::String("[REDACTED]".into()));
            }
        }
    }
    fields
}
