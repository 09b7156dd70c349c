//! The one error type shared by every provider.
//!
//! Modelled on `std::io::Error` and twilight-http: a small [`Error`] struct with a
//! `#[non_exhaustive]` [`ErrorKind`], so new kinds never break callers, and everything a caller may need to
//! act on (HTTP status, provider reference code, field errors, the raw body) kept beside it.

use std::{error::Error as StdError, fmt, time::Duration};

use bytes::Bytes;
use http::StatusCode;

/// Which API an error (or a request) belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Provider {
    /// Gooten print-on-demand API.
    Gooten,
    /// Bootic shop API.
    Bootic,
    /// Rewix "ghost" API (Brandsdistribution and other suppliers).
    Rewix,
}

impl Provider {
    /// The provider's name in lower case, as used in tracing fields.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Gooten => "gooten",
            Provider::Bootic => "bootic",
            Provider::Rewix => "rewix",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What went wrong, in terms a caller can act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The provider rejected the request's content (field errors are in [`Error::field_errors`]).
    Validation,
    /// The provider refused a duplicate (for example a Gooten order whose `SourceId` already exists).
    Duplicate,
    /// The credentials were missing or wrong (bad recipe id, token, or password).
    Authentication,
    /// The credentials are valid but do not allow this operation.
    Permission,
    /// The requested resource does not exist.
    NotFound,
    /// The provider asked us to slow down (HTTP 429 used for rate limiting).
    RateLimited,
    /// The provider failed (HTTP 5xx).
    Server,
    /// No answer arrived in time.
    Timeout,
    /// The connection failed or was dropped.
    Transport,
    /// An answer arrived but is not what the API documents (or came from a redirect target); the raw body is
    /// kept when it was read.
    Decode,
    /// The answer's body is larger than the client's limit
    /// (`with_max_response_bytes`, default [`DEFAULT_MAX_RESPONSE_BYTES`](crate::DEFAULT_MAX_RESPONSE_BYTES));
    /// it was not read.
    ResponseTooLarge,
    /// The request could not be built from the given input (nothing was sent).
    InvalidRequest,
    /// The client is misconfigured (for example a plain-`http://` URL to a non-loopback host).
    Configuration,
}

impl ErrorKind {
    /// A short lower-case description of the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Validation => "validation failed",
            ErrorKind::Duplicate => "duplicate",
            ErrorKind::Authentication => "authentication failed",
            ErrorKind::Permission => "permission denied",
            ErrorKind::NotFound => "not found",
            ErrorKind::RateLimited => "rate limited",
            ErrorKind::Server => "server error",
            ErrorKind::Timeout => "timed out",
            ErrorKind::Transport => "transport error",
            ErrorKind::Decode => "unexpected response",
            ErrorKind::ResponseTooLarge => "response too large",
            ErrorKind::InvalidRequest => "invalid request",
            ErrorKind::Configuration => "invalid configuration",
        }
    }

    /// The kind an HTTP error status means when the body says nothing more precise.
    pub fn from_status(status: StatusCode) -> ErrorKind {
        match status.as_u16() {
            401 => ErrorKind::Authentication,
            403 => ErrorKind::Permission,
            404 | 410 => ErrorKind::NotFound,
            408 => ErrorKind::Timeout,
            409 => ErrorKind::Duplicate,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            400..=499 => ErrorKind::Validation,
            // Not an error status at all: an answer the client did not expect.
            _ => ErrorKind::Decode,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One field the provider rejected.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct FieldError {
    /// The property path as the provider names it (`Order.ShipToAddress.PostalCode`, `line_items`, ...).
    pub path: String,
    /// The provider's message for this field.
    pub message: String,
    /// The value the provider saw, when it says (secrets are redacted before they get here).
    pub attempted_value: Option<serde_json::Value>,
}

impl FieldError {
    /// A field error with no attempted value.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            path: path.into(),
            message: message.into(),
            attempted_value: None,
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// The error of every fallible call in this crate.
///
/// ```
/// use fulfillment_apis::{Error, ErrorKind};
///
/// fn explain(err: &Error) -> String {
///     match err.kind() {
///         ErrorKind::Validation => err.field_errors().iter().map(|f| f.to_string()).collect::<Vec<_>>().join("; "),
///         ErrorKind::Timeout | ErrorKind::Transport if err.outcome_unknown() => "may have been applied".into(),
///         _ => err.to_string(),
///     }
/// }
/// # let _ = explain;
/// ```
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    provider: Option<Provider>,
    operation: Option<&'static str>,
    status: Option<StatusCode>,
    reference_code: Option<String>,
    message: Option<String>,
    field_errors: Vec<FieldError>,
    body: Option<Bytes>,
    retry_after: Option<Duration>,
    attempts: u32,
    outcome_unknown: bool,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

impl Error {
    /// A new error of `kind` with no other detail.
    pub fn new(kind: ErrorKind) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                provider: None,
                operation: None,
                status: None,
                reference_code: None,
                message: None,
                field_errors: Vec::new(),
                body: None,
                retry_after: None,
                attempts: 0,
                outcome_unknown: false,
                source: None,
            }),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }
    /// The API the failed call went to, when there was one.
    pub fn provider(&self) -> Option<Provider> {
        self.inner.provider
    }
    /// The OpenAPI operationId of the failed call, when there was one.
    pub fn operation(&self) -> Option<&'static str> {
        self.inner.operation
    }
    /// The HTTP status the provider answered with (for Gooten's `HadError` in a 200 answer, 200).
    pub fn status(&self) -> Option<StatusCode> {
        self.inner.status
    }
    /// The provider's own reference for this error (Gooten's `ErrorReferenceCode`).
    pub fn reference_code(&self) -> Option<&str> {
        self.inner.reference_code.as_deref()
    }
    /// The provider's message (or ours, when the provider gave none).
    pub fn message(&self) -> Option<&str> {
        self.inner.message.as_deref()
    }
    /// Every field the provider rejected, in the provider's order.
    pub fn field_errors(&self) -> &[FieldError] {
        &self.inner.field_errors
    }
    /// The raw response body, whenever one was received (with this client's secrets replaced by `[REDACTED]`).
    pub fn body(&self) -> Option<&Bytes> {
        self.inner.body.as_ref()
    }
    /// How long the provider asked us to wait (`Retry-After`), when it did.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }
    /// How many times the request was sent (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }
    /// True when the request may have been applied by the provider although no success answer arrived (a
    /// timeout or dropped connection after sending a non-idempotent request). For an order submission this
    /// means **the order may exist**: look it up before submitting again.
    pub fn outcome_unknown(&self) -> bool {
        self.inner.outcome_unknown
    }

    /// Whether sending the same request again may succeed: rate limiting, server errors (but 501 and 505, which
    /// will not change), timeouts and transport failures. Validation, authentication and the like will fail
    /// again. The runtime retries idempotent requests by this same rule.
    pub fn is_retryable(&self) -> bool {
        crate::runtime::retryable_kind(self.inner.kind, self.inner.status)
    }

    pub(crate) fn with_provider(mut self, provider: Provider) -> Self {
        self.inner.provider = Some(provider);
        self
    }
    pub(crate) fn with_operation(mut self, operation: &'static str) -> Self {
        self.inner.operation = Some(operation);
        self
    }
    pub(crate) fn with_status(mut self, status: StatusCode) -> Self {
        self.inner.status = Some(status);
        self
    }
    pub(crate) fn with_reference_code(mut self, code: Option<String>) -> Self {
        self.inner.reference_code = code.filter(|c| !c.is_empty());
        self
    }
    pub(crate) fn with_message(mut self, message: impl Into<String>) -> Self {
        self.inner.message = Some(message.into());
        self
    }
    pub(crate) fn with_field_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.inner.field_errors = errors;
        self
    }
    pub(crate) fn with_body(mut self, body: Bytes) -> Self {
        self.inner.body = Some(body);
        self
    }
    pub(crate) fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.inner.retry_after = retry_after;
        self
    }
    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.inner.attempts = attempts;
        self
    }
    pub(crate) fn with_outcome_unknown(mut self, unknown: bool) -> Self {
        self.inner.outcome_unknown = unknown;
        self
    }
    pub(crate) fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// A configuration error with a message.
    pub(crate) fn configuration(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Configuration).with_message(message)
    }
    /// An invalid-request error with a message (nothing was sent).
    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidRequest).with_message(message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        if let Some(provider) = i.provider {
            write!(f, "{provider}")?;
            if let Some(op) = i.operation {
                write!(f, " {op}")?;
            }
            f.write_str(": ")?;
        }
        f.write_str(i.kind.as_str())?;
        if let Some(status) = i.status {
            write!(f, " (HTTP {})", status.as_u16())?;
        }
        if let Some(message) = &i.message {
            write!(f, ": {message}")?;
        }
        for field in &i.field_errors {
            write!(f, "; {field}")?;
        }
        if let Some(code) = &i.reference_code {
            write!(f, " [reference {code}]")?;
        }
        if i.outcome_unknown {
            f.write_str("; the request may have been applied (for an order: the order may exist)")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        let mut d = f.debug_struct("Error");
        d.field("kind", &i.kind);
        if let Some(p) = i.provider {
            d.field("provider", &p);
        }
        if let Some(op) = i.operation {
            d.field("operation", &op);
        }
        if let Some(s) = i.status {
            d.field("status", &s.as_u16());
        }
        if let Some(c) = &i.reference_code {
            d.field("reference_code", c);
        }
        if let Some(m) = &i.message {
            d.field("message", m);
        }
        if !i.field_errors.is_empty() {
            d.field("field_errors", &i.field_errors);
        }
        if let Some(b) = &i.body {
            d.field("body", &String::from_utf8_lossy(b));
        }
        if i.attempts > 0 {
            d.field("attempts", &i.attempts);
        }
        if i.outcome_unknown {
            d.field("outcome_unknown", &true);
        }
        if let Some(s) = &i.source {
            d.field("source", s);
        }
        d.finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|s| &**s as &(dyn StdError + 'static))
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error::new(kind)
    }
}

/// The result of every fallible call in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
