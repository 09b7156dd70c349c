//! The runtime decodes a success answer itself, once, into the operation's type: with property names matched
//! ignoring case where the provider does (Gooten), and without the generated code parsing the same bytes again.
//!
//! `execute_decoded` puts a [`Decoder`] for the output type into the call record; the `exec` hook decodes a
//! documented 2xx answer with it, keeps the value in the record and hands the generated code a stand-in answer
//! it does not decode (see [`stand_in`]); `execute_decoded` then returns the kept value. A call made on a
//! generated builder's own `send()` has no decoder and gets the real answer, decoded by the generated code.

use std::any::Any;

use bytes::Bytes;
use http::StatusCode;
use reqwest::ResponseBuilderExt;
use serde::de::DeserializeOwned;

use super::{
    case_insensitive::{self, EnvelopeNames, Seen},
    json_text,
};

/// A decoded value of the operation's output type.
pub(crate) type Decoded = Box<dyn Any + Send>;

/// How a provider's answers are decoded.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Names {
    /// Property names matched exactly (serde's derived `Deserialize`).
    Exact,
    /// Property names matched ignoring ASCII case.
    IgnoringCase,
    /// Ignoring case, and watching the top-level properties of the provider's error envelope on the way.
    IgnoringCaseWatching(&'static EnvelopeNames),
}

/// Decodes an answer body into the operation's output type; with what was seen of the envelope's properties
/// ([`Seen::UNSURE`] unless they were watched).
pub(crate) type Decoder = fn(&[u8], Names) -> serde_json::Result<(Decoded, Seen)>;

/// The [`Decoder`] of `T`.
pub(crate) fn decoder<T: DeserializeOwned + Send + 'static>() -> Decoder {
    |body, names| {
        let (value, seen): (T, Seen) = match names {
            Names::Exact => (json_text::from_slice(body)?, Seen::UNSURE),
            Names::IgnoringCase => (case_insensitive::from_slice(body)?, Seen::UNSURE),
            Names::IgnoringCaseWatching(envelope) => {
                case_insensitive::from_slice_watched(body, envelope)?
            }
        };
        Ok((Box::new(value), seen))
    }
}

/// The status of the stand-in answer: no spec documents it, so the generated code takes its "unexpected
/// response" path without reading a body.
const STAND_IN_STATUS: u16 = 599;

/// The answer handed to the generated code once the runtime has decoded (or refused) the real one, as if from
/// `url` (given, because a response without one parses a placeholder URL every time).
pub(crate) fn stand_in(url: url::Url) -> reqwest::Response {
    let response = http::Response::builder()
        .status(StatusCode::from_u16(STAND_IN_STATUS).expect("a valid status"))
        .url(url)
        .body(Bytes::new())
        .expect("a static response");
    reqwest::Response::from(response)
}
