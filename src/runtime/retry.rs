//! Retry and timeout policy: which failures are retried, and how long to wait.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode, header::RETRY_AFTER};

use crate::error::ErrorKind;

/// How failed requests are retried. Only idempotent requests are ever retried (see the crate docs).
///
/// ```
/// use std::time::Duration;
/// use fulfillment_apis::RetryPolicy;
///
/// let policy = RetryPolicy::default().with_max_attempts(5).with_initial_backoff(Duration::from_millis(100));
/// assert_eq!(policy.max_attempts(), 5);
/// assert_eq!(RetryPolicy::never().max_attempts(), 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts; backoff 250 ms doubling up to 8 s with full jitter; `Retry-After` honoured up to 60 s.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that sends every request once.
    pub fn never() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }
    /// How many times a request may be sent in all (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }
    /// The backoff before the first retry; it doubles on each further retry.
    pub fn with_initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }
    /// The largest backoff between two attempts.
    pub fn with_max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }
    /// The longest `Retry-After` the client waits for; a provider asking for longer gets no retry, and the
    /// error carries the asked delay in [`Error::retry_after`](crate::Error::retry_after).
    pub fn with_max_retry_after(mut self, cap: Duration) -> Self {
        self.max_retry_after = cap;
        self
    }
    /// How many times a request may be sent in all.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The wait before attempt `next_attempt` (2 for the first retry), or `None` when the provider's
    /// `Retry-After` is longer than the cap.
    pub(crate) fn delay(
        &self,
        next_attempt: u32,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        if let Some(asked) = retry_after {
            return (asked <= self.max_retry_after).then_some(asked);
        }
        let exp = next_attempt.saturating_sub(2).min(20);
        let ceiling = self
            .initial_backoff
            .saturating_mul(1 << exp)
            .min(self.max_backoff);
        // Full jitter (AWS architecture blog): spreads retries of many clients over the whole window.
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Some(Duration::from_nanos(fastrand::u64(0..=nanos)))
    }
}

/// Timeouts applied to every request.
///
/// ```
/// use std::time::Duration;
/// use fulfillment_apis::Timeouts;
///
/// let t = Timeouts::default().with_attempt(Duration::from_secs(10));
/// assert_eq!(t.attempt(), Duration::from_secs(10));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    connect: Duration,
    attempt: Duration,
}

impl Default for Timeouts {
    /// Connect 10 s; each attempt (connect, send, whole answer) 30 s.
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            attempt: Duration::from_secs(30),
        }
    }
}

impl Timeouts {
    /// The longest time to open a connection (applies to the HTTP client this crate builds).
    pub fn with_connect(mut self, connect: Duration) -> Self {
        self.connect = connect;
        self
    }
    /// The longest time one attempt may take, from sending to the last byte of the answer.
    pub fn with_attempt(mut self, attempt: Duration) -> Self {
        self.attempt = attempt;
        self
    }
    /// The connect timeout.
    pub fn connect(&self) -> Duration {
        self.connect
    }
    /// The per-attempt timeout.
    pub fn attempt(&self) -> Duration {
        self.attempt
    }
}

/// What one attempt came to, for [`with_retries`].
pub(crate) enum Attempt<T> {
    /// The result: return it.
    Done(T),
    /// A failure another attempt may cure (the provider's `Retry-After`, if it gave one); `fallback` is the
    /// result when no attempt is left or the provider asks for a longer wait than the policy allows.
    Retry {
        fallback: T,
        retry_after: Option<Duration>,
    },
}

/// The one retry loop of the crate, used by every call path (API calls, order lookups, token requests): runs
/// `attempt(n)` for n = 1, 2, ... until it is done, `max_attempts` are used (1 for a request that is not
/// idempotent), or the provider asks to wait longer than the policy allows; waits the policy's jittered
/// backoff (or the provider's `Retry-After`) in between.
pub(crate) async fn with_retries<T, F, Fut>(
    policy: &RetryPolicy,
    max_attempts: u32,
    what: &'static str,
    mut attempt: F,
) -> T
where
    F: FnMut(u32) -> Fut,
    Fut: std::future::Future<Output = Attempt<T>>,
{
    let mut n = 0;
    loop {
        n += 1;
        let (fallback, retry_after) = match attempt(n).await {
            Attempt::Done(result) => return result,
            Attempt::Retry {
                fallback,
                retry_after,
            } => (fallback, retry_after),
        };
        let delay = (n < max_attempts)
            .then(|| policy.delay(n + 1, retry_after))
            .flatten();
        let Some(delay) = delay else {
            return fallback;
        };
        tracing::warn!(
            attempt = n,
            delay_ms = delay.as_millis() as u64,
            "retrying {what}"
        );
        tokio::time::sleep(delay).await;
    }
}

/// [`with_retries`] for a call that already ends in the crate's [`Error`](crate::Error): retried while the
/// error [is retryable](crate::Error::is_retryable).
pub(crate) async fn retry_errors<T, F, Fut>(
    policy: &RetryPolicy,
    max_attempts: u32,
    what: &'static str,
    mut call: F,
) -> crate::Result<T>
where
    F: FnMut(u32) -> Fut,
    Fut: std::future::Future<Output = crate::Result<T>>,
{
    with_retries(policy, max_attempts, what, |n| {
        let future = call(n);
        async move {
            match future.await {
                Err(error) if error.is_retryable() => Attempt::Retry {
                    retry_after: error.retry_after(),
                    fallback: Err(error),
                },
                result => Attempt::Done(result),
            }
        }
    })
    .await
}

/// Whether an error of `kind` is worth another attempt of an idempotent request.
pub(crate) fn retryable_kind(kind: ErrorKind, status: Option<StatusCode>) -> bool {
    match kind {
        ErrorKind::RateLimited | ErrorKind::Timeout | ErrorKind::Transport => true,
        // 501 Not Implemented and 505 will not change on a retry.
        ErrorKind::Server => !matches!(status.map(|s| s.as_u16()), Some(501 | 505)),
        _ => false,
    }
}

/// Whether a transport failure is worth another attempt of an idempotent request.
pub(crate) fn retryable_transport(error: &reqwest::Error) -> bool {
    error.is_timeout() || error.is_connect() || error.is_request() || error.is_body()
}

/// Parses `Retry-After` as delay-seconds or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
        h.insert(RETRY_AFTER, later.parse().unwrap());
        let d = retry_after(&h).unwrap();
        assert!(
            d > Duration::from_secs(115) && d <= Duration::from_secs(120),
            "{d:?}"
        );
        h.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn backoff_is_jittered_exponential_and_capped() {
        let p = RetryPolicy::default();
        for attempt in 2..12 {
            let ceiling =
                Duration::from_millis(250 * (1 << (attempt - 2))).min(Duration::from_secs(8));
            for _ in 0..50 {
                assert!(p.delay(attempt, None).unwrap() <= ceiling);
            }
        }
        assert_eq!(
            p.delay(2, Some(Duration::from_secs(5))),
            Some(Duration::from_secs(5))
        );
        assert_eq!(p.delay(2, Some(Duration::from_secs(61))), None);
    }
}
