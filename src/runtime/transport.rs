//! Reading an answer off the wire without trusting the server: the body is size-limited while it streams, and
//! an answer that came from somewhere else than the request went (a redirect followed by a caller's
//! `reqwest::Client`) is refused before anything reads it.
//!
//! Used by every call path: generated operations (through the `exec` hook) and the Bootic token fetch.

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, StatusCode};

use crate::error::{Error, ErrorKind};

/// The default largest answer body a client reads: 64 MiB.
///
/// The largest legitimate answers of the three specs are a Gooten order search page of 1,000 orders (about
/// 1.5 MB), the Gooten product catalog and its variants (well under 10 MB) and a Bootic order page (well under
/// 1 MB); 64 MiB leaves a wide margin over all of them while bounding what a hostile or broken server (an
/// endless chunked body, a `Content-Length` of 4 GiB) can make the client buffer.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// An answer read in full.
pub(crate) struct Answer {
    /// Where the request went (and so where the answer came from: redirected answers are refused).
    pub url: url::Url,
    pub status: StatusCode,
    pub version: http::Version,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Why no usable answer was read.
pub(crate) enum Failure {
    /// No answer, or the connection failed while reading it.
    Transport(reqwest::Error),
    /// An answer arrived but must not be used (too large, or from a redirect target); the URL the request
    /// went to.
    Refused(Error, url::Url),
}

/// Sends `request` with `http` and reads the answer, at most `limit` bytes of body.
pub(crate) async fn send(
    http: &reqwest::Client,
    request: reqwest::Request,
    limit: usize,
) -> Result<Answer, Failure> {
    let sent_to = request.url().clone();
    let response = http.execute(request).await.map_err(Failure::Transport)?;
    if let Err(refused) = refuse_redirected(&sent_to, &response) {
        return Err(Failure::Refused(refused, sent_to));
    }
    read(sent_to, response, limit).await
}

/// Refuses an answer that does not come from the URL the request was sent to: the caller's HTTP client
/// followed a redirect. The redirect target's answer is never used (a 307 on an order submission would
/// otherwise make another server's answer the created order).
pub(crate) fn refuse_redirected(
    sent_to: &url::Url,
    response: &reqwest::Response,
) -> Result<(), Error> {
    if response.url() == sent_to {
        return Ok(());
    }
    Err(Error::new(ErrorKind::Decode)
        .with_status(response.status())
        .with_message(format!(
            "the HTTP client followed a redirect to {}; redirects are never followed and the answer was not \
             used (build the reqwest::Client given to with_http_client with redirect::Policy::none())",
            response.url().origin().ascii_serialization()
        )))
}

/// Reads the body of `response`, refusing it as soon as it is known to exceed `limit` bytes: from its
/// `Content-Length` before reading anything, or while it streams.
async fn read(
    url: url::Url,
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Answer, Failure> {
    let status = response.status();
    let too_large = |url: url::Url| {
        Failure::Refused(
            Error::new(ErrorKind::ResponseTooLarge)
                .with_status(status)
                .with_message(format!(
                    "the answer body is larger than the limit of {limit} bytes, so it was not kept (raise it with \
                     with_max_response_bytes if the answer is legitimate)"
                )),
            url,
        )
    };
    if response
        .content_length()
        .is_some_and(|announced| announced > limit as u64)
    {
        return Err(too_large(url));
    }
    // The first chunk is kept as it is: most answers arrive whole in one, and then nothing is copied.
    let mut first = Bytes::new();
    let mut rest: Option<BytesMut> = None;
    while let Some(chunk) = response.chunk().await.map_err(Failure::Transport)? {
        let so_far = rest.as_ref().map_or(first.len(), BytesMut::len);
        if so_far + chunk.len() > limit {
            return Err(too_large(url));
        }
        match &mut rest {
            None if first.is_empty() => first = chunk,
            None => {
                let capacity = response
                    .content_length()
                    .map_or(2 * (first.len() + chunk.len()), |n| n as usize)
                    .min(limit);
                let mut body = BytesMut::with_capacity(capacity);
                body.extend_from_slice(&first);
                body.extend_from_slice(&chunk);
                rest = Some(body);
            }
            Some(body) => body.extend_from_slice(&chunk),
        }
    }
    Ok(Answer {
        url,
        status,
        version: response.version(),
        headers: std::mem::take(response.headers_mut()),
        body: rest.map_or(first, BytesMut::freeze),
    })
}
