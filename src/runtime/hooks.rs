//! The hooks progenitor calls on every generated request: `pre` (path check, credentials) and `exec` (send
//! with timeouts and the retry loop, read the answer within its size limit, classify it, decode a success once,
//! record what the error mapping needs, trace it).

use std::{
    sync::{
        Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Instant,
};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode};
use progenitor_client::{OperationInfo, ResponseValue};
use reqwest::ResponseBuilderExt;
use tracing::{Instrument, field::Empty};

use super::{
    OperationMeta, Runtime,
    call::{CALL, execute, record},
    decode, path_guard,
    retry::{self, Attempt},
    transport::{self, Answer, Failure},
};
use crate::error::{Error, ErrorKind, Result};

/// The status we hand progenitor for a 2xx answer whose body says it is an error, so that the generated code
/// takes its error path; the real status stays in the [`CallRecord`] and in the error.
const REWRITTEN_ERROR_STATUS: StatusCode = StatusCode::BAD_REQUEST;

impl Runtime {
    /// The `pre` hook: drops progenitor's `api-version` header (no provider documents it), refuses a request
    /// whose path parameters would change the path the spec gives, and adds the credentials the operation
    /// needs.
    pub(crate) async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> std::result::Result<(), progenitor_client::Error<E>> {
        request.headers_mut().remove("api-version");
        let runtime = self.clone();
        record(move |r| r.runtime = Some(runtime));
        let op = self.operation(info.operation_id);
        let checked =
            path_guard::check(&self.shared.base_path, op.path, request.url().path(), op.id);
        // The path is checked first: a refused request must not even fetch a token.
        let prepared = match checked {
            Ok(()) => self.shared.auth.apply(request, op).await,
            Err(refused) => Err(refused),
        };
        match prepared {
            Ok(()) => Ok(()),
            Err(err) => {
                let text = err.to_string();
                record(|r| r.failure = Some(err));
                Err(progenitor_client::Error::Custom(text))
            }
        }
    }

    /// The `exec` hook: sends the request with timeouts and retries (idempotent requests only), buffers the
    /// answer, classifies it, records what the error mapping needs, and traces it.
    pub(crate) async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let op = self.operation(info.operation_id);
        let span = tracing::info_span!(
            "fulfillment_apis.request",
            provider = self.shared.provider.as_str(),
            operation = op.id,
            method = %request.method(),
            attempt = Empty,
            status = Empty,
            duration_ms = Empty,
        );
        // Clock reads only for someone listening (they are a measurable part of a small call).
        let started = (!span.is_disabled()).then(Instant::now);
        // Boxed: the attempts (retry loop, transport, credential renewal) are a future of several kilobytes,
        // and progenitor's call future, which holds this one, is moved by value a few times before it is
        // polled; inline, every move copied all of it (measured: most of the per-call overhead of a small GET).
        let result = Box::pin(self.exec_attempts(request, op).instrument(span.clone())).await;
        if let Some(started) = started {
            span.record("duration_ms", started.elapsed().as_millis() as u64);
        }
        result
    }

    async fn exec_attempts(
        &self,
        request: reqwest::Request,
        op: &'static OperationMeta,
    ) -> reqwest::Result<reqwest::Response> {
        let max_attempts = if op.idempotent {
            self.shared.options.retry.max_attempts()
        } else {
            1
        };
        // Shared with each attempt's future, which must be `Send`: hence a mutex and an atomic, never contended.
        let next = Mutex::new(Some(request));
        let renewed = AtomicBool::new(false);
        retry::with_retries(
            &self.shared.options.retry,
            max_attempts,
            "the request",
            |attempt| self.attempt(attempt, max_attempts, op, &next, &renewed),
        )
        .await
    }

    /// One attempt: sends the request (repeating it once after a 401 that renewed the credentials), reads and
    /// classifies the answer, and says whether another attempt may help. Leaves a copy of the request in `next`
    /// when one may follow.
    async fn attempt(
        &self,
        attempt: u32,
        max_attempts: u32,
        op: &'static OperationMeta,
        next: &Mutex<Option<reqwest::Request>>,
        renewed: &AtomicBool,
    ) -> Attempt<reqwest::Result<reqwest::Response>> {
        let span = tracing::Span::current();
        let taken = next.lock().map(|mut slot| slot.take()).ok().flatten();
        let mut current = taken.expect("a request for every attempt");
        // A copy for a retry or a repeat after renewing credentials (bodies here are bytes, so this is cheap),
        // made only when one of them can happen: the copy is most of what an attempt allocates.
        let mut spare = if attempt < max_attempts || self.shared.auth.renews() {
            current.try_clone()
        } else {
            None
        };
        *current.timeout_mut() = Some(self.shared.options.timeouts.attempt());
        span.record("attempt", attempt);
        record(|r| r.attempts = attempt);
        let sent_at = tracing::enabled!(tracing::Level::WARN).then(Instant::now);
        let mut outcome = self.send_once(current).await;
        // A 401 means the provider refused the request, so even a POST was not applied: renew the credentials
        // once and repeat the request once.
        if let Ok(answer) = &outcome
            && answer.status == StatusCode::UNAUTHORIZED
            && !renewed.load(Ordering::Relaxed)
            && let Some(mut again) = spare.take()
            && self.shared.auth.renew(&again).await
        {
            renewed.store(true, Ordering::Relaxed);
            if self.shared.auth.apply(&mut again, op).await.is_ok() {
                tracing::info!(attempt, "credentials renewed after 401; repeating once");
                spare = again.try_clone();
                *again.timeout_mut() = Some(self.shared.options.timeouts.attempt());
                outcome = self.send_once(again).await;
            }
        }
        let elapsed_ms = sent_at.map_or(0, |at| at.elapsed().as_millis() as u64);
        let retry_with = |spare: Option<reqwest::Request>| {
            let possible = spare.is_some();
            if let Ok(mut slot) = next.lock() {
                *slot = spare;
            }
            possible
        };
        match outcome {
            Ok(answer) => {
                let (kind, decoded) = self.judge(op, &answer);
                span.record("status", answer.status.as_u16());
                tracing::debug!(
                    attempt,
                    status = answer.status.as_u16(),
                    elapsed_ms,
                    error = kind.map(|k| k.as_str()),
                    "answer"
                );
                let retry_after = retry::retry_after(&answer.headers);
                let retryable = kind.is_some_and(|k| retry::retryable_kind(k, Some(answer.status)));
                let status = answer.status;
                let response = Ok(self.finish(answer, kind, decoded, retry_after, op));
                if retryable && retry_with(spare) {
                    tracing::debug!(attempt, status = status.as_u16(), "retryable answer");
                    Attempt::Retry {
                        fallback: response,
                        retry_after,
                    }
                } else {
                    Attempt::Done(response)
                }
            }
            Err(Failure::Refused(failure, url)) => {
                tracing::warn!(attempt, elapsed_ms, error = %failure, "answer refused");
                Attempt::Done(Ok(self.refuse(failure, op, url)))
            }
            Err(Failure::Transport(error)) => {
                tracing::debug!(
                    attempt,
                    elapsed_ms,
                    timeout = error.is_timeout(),
                    connect = error.is_connect(),
                    "no answer"
                );
                let retryable = retry::retryable_transport(&error);
                let failed = Err(error.without_url());
                if retryable && retry_with(spare) {
                    Attempt::Retry {
                        fallback: failed,
                        retry_after: None,
                    }
                } else {
                    Attempt::Done(failed)
                }
            }
        }
    }

    async fn send_once(&self, request: reqwest::Request) -> Result<Answer, Failure> {
        transport::send(
            &self.shared.http,
            request,
            self.shared.options.max_response_bytes,
        )
        .await
    }

    /// Records an answer the runtime refused to use (too large, redirected) as the call's failure, and hands
    /// progenitor a stand-in error answer so the generated code takes its error path; the error mapping then
    /// returns the recorded failure.
    fn refuse(
        &self,
        failure: Error,
        op: &'static OperationMeta,
        url: url::Url,
    ) -> reqwest::Response {
        // The server answered, so a non-idempotent request may have been applied.
        let failure = failure.with_outcome_unknown(!op.idempotent);
        record(|r| r.failure = Some(failure));
        decode::stand_in(url)
    }

    /// Classifies an answer and, when it is a documented success of a call that brought its decoder, decodes
    /// it, once. Where the dialect names its envelope properties the decode comes first and watches them, and
    /// the dialect's check of the body runs only if they may say "error".
    fn judge(
        &self,
        op: &'static OperationMeta,
        answer: &Answer,
    ) -> (
        Option<ErrorKind>,
        Option<serde_json::Result<decode::Decoded>>,
    ) {
        let classify = || {
            self.shared
                .dialect
                .classify(op, answer.status, &answer.headers, &answer.body)
        };
        let decoder = if op.success.contains(&answer.status.as_u16()) {
            CALL.try_with(|r| r.borrow().as_ref().and_then(|r| r.decoder))
                .ok()
                .flatten()
        } else {
            None
        };
        let Some(decode) = decoder else {
            return (classify(), None);
        };
        let names = self.shared.names;
        if let decode::Names::IgnoringCaseWatching(_) = names {
            return match decode(&answer.body, names) {
                Ok((value, seen)) if seen.is_clean() => (None, Some(Ok(value))),
                decoded => (classify(), Some(decoded.map(|(value, _)| value))),
            };
        }
        match classify() {
            Some(kind) => (Some(kind), None),
            None => (
                None,
                Some(decode(&answer.body, names).map(|(value, _)| value)),
            ),
        }
    }

    /// Records the answer for the error mapping and rebuilds a response for the generated code. A 2xx answer
    /// that the dialect calls an error gets a 4xx status so the generated code takes its error path.
    fn finish(
        &self,
        answer: Answer,
        kind: Option<ErrorKind>,
        decoded: Option<serde_json::Result<decode::Decoded>>,
        retry_after: Option<std::time::Duration>,
        op: &'static OperationMeta,
    ) -> reqwest::Response {
        // A documented success of a call that brought its decoder, decoded by `judge`.
        if let Some(decoded) = decoded
            && kind.is_none()
        {
            let status = answer.status;
            match decoded {
                Ok(value) => record(|r| {
                    r.status = Some(status);
                    r.decoded = Some(value);
                }),
                Err(e) => {
                    let detail = format!(
                        "the answer does not match the {} spec: {e}",
                        self.shared.provider
                    );
                    let failure = self.undecodable(op, status, &answer.body, detail);
                    record(|r| {
                        r.status = Some(status);
                        r.failure = Some(failure);
                    });
                }
            }
            return decode::stand_in(answer.url);
        }
        // Kept for every answer (a cheap reference-counted clone): even a success status the spec does not
        // list, or a 2xx body that does not decode, must come back to the caller. Scrubbed when it becomes
        // part of an error.
        record(|r| {
            r.status = Some(answer.status);
            r.error_kind = kind;
            r.body = Some(answer.body.clone());
            r.retry_after = retry_after;
        });
        let status = match kind {
            Some(ErrorKind::Authentication) if answer.status.is_success() => {
                StatusCode::UNAUTHORIZED
            }
            Some(_) if answer.status.is_success() => REWRITTEN_ERROR_STATUS,
            _ => answer.status,
        };
        let mut builder = http::Response::builder()
            .status(status)
            .version(answer.version)
            .url(answer.url);
        if let Some(headers) = builder.headers_mut() {
            *headers = answer.headers;
            if status != answer.status {
                headers.insert(
                    "x-fulfillment-apis-original-status",
                    HeaderValue::from(answer.status.as_u16()),
                );
            }
        }
        let response = builder
            .body(answer.body)
            .expect("status and headers came from a valid response");
        reqwest::Response::from(response)
    }

    /// Runs a hand-built request (for operations the generator leaves out) through the same hooks, returning
    /// the raw success body.
    pub(crate) async fn call_raw(
        &self,
        operation: &'static str,
        mut request: reqwest::Request,
    ) -> Result<(StatusCode, Bytes)> {
        let info = OperationInfo {
            operation_id: operation,
        };
        let future = async {
            self.pre::<()>(&mut request, &info).await?;
            let response = self.exec(request, &info).await?;
            let status = response.status();
            if !status.is_success() {
                return Err(progenitor_client::Error::UnexpectedResponse(response));
            }
            let body = response
                .bytes()
                .await
                .map_err(progenitor_client::Error::ResponseBodyError)?;
            Ok(ResponseValue::new((status, body), status, HeaderMap::new()))
        };
        execute(self.shared.provider, operation, future).await
    }

    /// [`Runtime::call_raw`] with the success body decoded as `schema` (names matched ignoring case where the
    /// provider does); a body that does not decode is a [`ErrorKind::Decode`] error carrying it.
    #[cfg(any(feature = "gooten", feature = "bootic"))]
    pub(crate) async fn call_raw_json<T: serde::de::DeserializeOwned>(
        &self,
        operation: &'static str,
        schema: &str,
        request: reqwest::Request,
    ) -> Result<T> {
        let (status, body) = self.call_raw(operation, request).await?;
        let decoded = if !matches!(self.shared.names, decode::Names::Exact) {
            super::case_insensitive::from_slice(&body)
        } else {
            super::json_text::from_slice(&body)
        };
        decoded.map_err(|e| {
            Error::new(ErrorKind::Decode)
                .with_provider(self.shared.provider)
                .with_operation(operation)
                .with_status(status)
                .with_message(format!("the answer does not match {schema}: {e}"))
                .with_body(body)
                .with_source(e)
        })
    }
}

/// Implements progenitor's `ClientHooks` for a generated client by forwarding to its [`Runtime`].
macro_rules! forward_client_hooks {
    ($client:ty) => {
        impl progenitor_client::ClientHooks<$crate::runtime::Runtime> for $client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> std::result::Result<(), progenitor_client::Error<E>> {
                self.inner.pre(request, info).await
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                self.inner.exec(request, info).await
            }
        }
    };
}
pub(crate) use forward_client_hooks;
