//! One call, start to end: the task-local record the hooks fill in, and the functions every generated
//! wrapper's `IntoFuture` runs (the runtime's decoder in, the value or the crate's error out).

use std::{cell::RefCell, future::Future};

use bytes::Bytes;
use http::StatusCode;
use progenitor_client::ResponseValue;

use super::{Runtime, decode};
use crate::error::{Error, ErrorKind, Provider, Result};

/// What the hooks learned about the current call, read back by [`Runtime::call`].
#[derive(Default)]
pub(crate) struct CallRecord {
    /// Requests sent (attempts).
    pub attempts: u32,
    /// The status the provider sent on the last attempt.
    pub status: Option<StatusCode>,
    /// The last answer's classification, when it was an error.
    pub error_kind: Option<ErrorKind>,
    /// The last answer's body (secrets scrubbed).
    pub body: Option<Bytes>,
    /// The last answer's `Retry-After`.
    pub retry_after: Option<std::time::Duration>,
    /// An error raised by our own hooks (auth failed), which progenitor can only carry as a string.
    pub failure: Option<Error>,
    /// The runtime that ran the call (set by the `pre` hook), for the error mapping.
    pub runtime: Option<Runtime>,
    /// How to decode a success answer of this call (set by [`execute_decoded`]).
    pub decoder: Option<decode::Decoder>,
    /// The success answer, decoded by the `exec` hook.
    pub decoded: Option<decode::Decoded>,
}

tokio::task_local! {
    // Boxed: tokio swaps a task-local's value in and out of the thread on every poll of the call's future, and
    // the record is over a hundred bytes; a box swaps as one pointer (measured: 300-500 instructions a small
    // call).
    pub(super) static CALL: RefCell<Option<Box<CallRecord>>>;
}

pub(super) fn record(f: impl FnOnce(&mut CallRecord)) {
    let _ = CALL.try_with(|r| {
        if let Some(record) = r.borrow_mut().as_deref_mut() {
            f(record);
        }
    });
}

/// Runs one generated call inside a fresh [`CallRecord`] and maps its error into the crate's [`Error`].
///
/// The generated call's future (the request, the hooks and the answer handling: kilobytes) is boxed here, at
/// once, and the request wrappers' `IntoFuture` boxes the small future this returns: the caller's future is
/// moved by value a few times before it is first polled (`buffer_unordered`, `tokio::spawn`, a `Stream`), and
/// so is this one's argument inside it; inline, each move copied it whole (measured in `benches/calls.rs`:
/// boxing the generated future here saved about 2,000 instructions of a `getProductVariants` call).
pub(crate) fn execute<T: 'static, E>(
    provider: Provider,
    operation: &'static str,
    future: impl Future<Output = std::result::Result<ResponseValue<T>, progenitor_client::Error<E>>>,
) -> impl Future<Output = Result<T>> {
    run(provider, operation, None, Box::pin(future))
}

/// [`execute`] for an operation whose answer is not JSON (progenitor's `ByteStream`, a type the crate's users
/// cannot name): the whole body. The runtime has already read it within its size limit, so this only joins
/// the chunks in memory; a chunk that fails is a `ResponseBodyError`, mapped like any other.
#[cfg_attr(not(feature = "rewix"), allow(dead_code))] // only Rewix has such an operation today
pub(crate) fn execute_bytes<E>(
    provider: Provider,
    operation: &'static str,
    future: impl Future<
        Output = std::result::Result<
            ResponseValue<progenitor_client::ByteStream>,
            progenitor_client::Error<E>,
        >,
    >,
) -> impl Future<Output = Result<Bytes>> {
    execute(provider, operation, async move {
        use futures::TryStreamExt;

        let answer = future.await?;
        let (status, headers) = (answer.status(), answer.headers().clone());
        let mut stream = answer.into_inner_stream();
        let mut chunks = Vec::new();
        while let Some(chunk) = stream
            .try_next()
            .await
            .map_err(progenitor_client::Error::ResponseBodyError)?
        {
            chunks.push(chunk);
        }
        let body = match chunks.len() {
            1 => chunks.pop().unwrap_or_default(),
            _ => chunks.concat().into(),
        };
        Ok(ResponseValue::new(body, status, headers))
    })
}

/// [`execute`] for an operation whose success answer is JSON: the runtime decodes it once, itself (names matched
/// ignoring case where the provider does), instead of the generated code.
pub(crate) fn execute_decoded<T, E>(
    provider: Provider,
    operation: &'static str,
    future: impl Future<Output = std::result::Result<ResponseValue<T>, progenitor_client::Error<E>>>,
) -> impl Future<Output = Result<T>>
where
    T: serde::de::DeserializeOwned + Send + 'static,
{
    run(
        provider,
        operation,
        Some(decode::decoder::<T>()),
        Box::pin(future),
    )
}

async fn run<T: 'static, E>(
    provider: Provider,
    operation: &'static str,
    decoder: Option<decode::Decoder>,
    future: impl Future<Output = std::result::Result<ResponseValue<T>, progenitor_client::Error<E>>>,
) -> Result<T> {
    let record = Box::new(CallRecord {
        decoder,
        ..CallRecord::default()
    });
    let (result, rec) = CALL
        .scope(RefCell::new(Some(record)), async {
            let result = future.await;
            (result, CALL.with(|r| r.take()))
        })
        .await;
    let mut rec = rec.unwrap_or_default();
    if let Some(decoded) = rec.decoded.take() {
        return match decoded.downcast::<T>() {
            Ok(value) => Ok(*value),
            Err(_) => unreachable!("the decoder of {operation} produced another type"),
        };
    }
    match result {
        Ok(value) => Ok(value.into_inner()),
        Err(error) => match rec.runtime.clone() {
            Some(runtime) => Err(runtime.map_error(operation, error, *rec)),
            // The builder refused its input before anything reached the runtime.
            None => {
                let message = match error {
                    progenitor_client::Error::InvalidRequest(message)
                    | progenitor_client::Error::Custom(message) => message,
                    _ => "the request could not be built".to_string(),
                };
                Err(Error::new(ErrorKind::InvalidRequest)
                    .with_provider(provider)
                    .with_operation(operation)
                    .with_message(message))
            }
        },
    }
}
