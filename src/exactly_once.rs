//! The one exactly-once engine: an order is never created twice because of a retry, whichever provider.
//!
//! Neither Gooten nor Rewix offers an idempotency key, but both can look an order up by the caller's own key
//! (Gooten's `SourceId`, Rewix's order `key`). The policy, written once here:
//!
//! 1. Send. A created order ends the call ([`Outcome::Created`]).
//! 2. A failure that surely did not reach the provider (connection refused, a 429 asking to slow down) is
//!    retried like any request, within the [`RetryPolicy`].
//! 3. A failure after which the order **may exist** (a timeout or dropped connection after sending, a 5xx, a
//!    2xx answer that does not read as a created order) is never answered by sending again blindly:
//!    - without a key there is no way to tell, so the error is returned with
//!      [`Error::outcome_unknown`] set;
//!    - with a key, the engine first waits the backoff a resend would wait anyway (so an order still being
//!      stored when its answer was lost has time to show up), then looks the key up: found ->
//!      [`Outcome::AlreadyExisted`]; surely not there -> send again (within the policy); the lookup itself
//!      failing -> the original error, outcome unknown, nothing sent again.
//! 4. A duplicate refusal of a *resend* (Gooten refuses a second order with the same `SourceId`) means an
//!    earlier attempt of this call stored it: look it up.
//! 5. A 2xx answer that does not read as a created order means the provider accepted it: the order is looked
//!    up, found -> this call created it ([`Outcome::Created`]); not (yet) found -> outcome unknown, never sent
//!    again.
//!
//! With `look_up_first` (Rewix's `send_order_if_new`), the key is looked up once before the first send as
//! well, so a second *call* with the same key finds the order an earlier call stored.
//!
//! The lookup budget is bounded: [`LOOKUP_ROUNDS`] rounds of one lookup call, each retried by the runtime like
//! any idempotent request, so at most `LOOKUP_ROUNDS x max_attempts` lookup requests per ambiguity.

// Bootic has no order submission: with it alone, only `Outcome` (public) is used.
#![cfg_attr(not(any(feature = "gooten", feature = "rewix")), allow(dead_code))]

use std::future::Future;

use crate::{ErrorKind, RetryPolicy, error::Result, runtime::retry_errors};

/// Rounds of lookups (each one call, retried by the runtime) before an ambiguity is reported as "outcome
/// unknown": two rounds ride out a short outage of the lookup endpoint without hammering it.
pub(crate) const LOOKUP_ROUNDS: u32 = 2;

/// How an exactly-once submission ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum Outcome {
    /// This call created the order.
    Created,
    /// An earlier attempt of this call created the order (its answer was lost); it was found by the caller's
    /// key and not sent again.
    AlreadyExisted,
}

/// What the engine came to: the provider's answer to the creating request, or what the lookup found.
pub(crate) enum Resolved<C, F> {
    /// The order was created by `attempts` sends, with this answer.
    Created { answer: C, attempts: u32 },
    /// The order was found by key after `attempts` sends; `accepted` when the provider had accepted the last
    /// send (a 2xx answer that did not read as a created order), so this call created it.
    Found {
        found: F,
        attempts: u32,
        accepted: bool,
    },
}

/// What differs between providers, for [`submit`].
pub(crate) struct Submission<S, L> {
    /// Sends the order once. An answer that is accepted but does not read as a created order must come back as
    /// an error with [`Error::outcome_unknown`] set (the engine then looks the order up).
    pub send: S,
    /// Looks the order up by the caller's key: `Ok(Some)` found, `Ok(None)` surely not stored, `Err` cannot
    /// tell. `None` when the order has no key.
    pub look_up: Option<L>,
    /// Look the key up before the first send too, so that an order an earlier *call* stored (a process that
    /// crashed, an error with the outcome unknown) is found instead of sent again.
    pub look_up_first: bool,
}

/// Submits an order exactly once (the policy in the module docs).
pub(crate) async fn submit<C, F, S, SF, L, LF>(
    policy: &RetryPolicy,
    submission: Submission<S, L>,
) -> Result<Resolved<C, F>>
where
    S: Fn() -> SF,
    SF: Future<Output = Result<C>>,
    L: Fn() -> LF,
    LF: Future<Output = Result<Option<F>>>,
{
    let max_attempts = policy.max_attempts();
    if let (true, Some(look_up)) = (submission.look_up_first, &submission.look_up) {
        // A lookup that cannot tell is returned as it is: nothing was sent, so sending later is safe.
        let found = retry_errors(policy, LOOKUP_ROUNDS, "the order lookup", |_| look_up()).await?;
        if let Some(found) = found {
            tracing::info!("an earlier call stored the order; not sent again");
            return Ok(Resolved::Found {
                found,
                attempts: 0,
                accepted: false,
            });
        }
    }
    let mut attempt = 0;
    loop {
        attempt += 1;
        let error = match (submission.send)().await {
            Ok(answer) => {
                return Ok(Resolved::Created {
                    answer,
                    attempts: attempt,
                });
            }
            Err(error) => error.with_attempts(attempt),
        };
        let duplicate_of_ours = attempt > 1 && error.kind() == ErrorKind::Duplicate;
        // A 2xx answer that did not read as a created order (a 2xx carrying an error envelope is a refusal).
        let accepted =
            error.kind() == ErrorKind::Decode && error.status().is_some_and(|s| s.is_success());
        let may_exist = error.outcome_unknown() || duplicate_of_ours || accepted;
        let look_up = match (&submission.look_up, may_exist) {
            (_, false) if !error.is_retryable() || attempt >= max_attempts => return Err(error),
            (_, false) => None,
            (None, true) => return Err(error.with_outcome_unknown(true)),
            (Some(look_up), true) => Some(look_up),
        };
        let Some(delay) = policy.delay(attempt + 1, error.retry_after()) else {
            return Err(error);
        };
        tokio::time::sleep(delay).await;
        let Some(look_up) = look_up else {
            continue;
        };
        tracing::warn!(attempt, kind = %error.kind(), "order outcome unknown; looking it up by key");
        match retry_errors(policy, LOOKUP_ROUNDS, "the order lookup", |_| look_up()).await {
            Ok(Some(found)) => {
                tracing::info!(attempt, "order already existed; not sent again");
                return Ok(Resolved::Found {
                    found,
                    attempts: attempt,
                    accepted,
                });
            }
            // Not stored: sending again cannot make a second order (unless the provider said it took it).
            Ok(None) if attempt < max_attempts && !duplicate_of_ours && !accepted => {}
            Ok(None) => return Err(error.with_outcome_unknown(accepted || duplicate_of_ours)),
            Err(lookup) => {
                // Cannot tell whether it exists: do not risk a second order.
                tracing::warn!(kind = %lookup.kind(), "order lookup failed; not sending again");
                return Err(error.with_outcome_unknown(true));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::{
        sync::atomic::{AtomicU32, Ordering},
        time::Duration,
    };

    use super::*;
    use crate::Error;

    fn policy() -> RetryPolicy {
        RetryPolicy::default().with_initial_backoff(Duration::from_millis(1))
    }

    fn lost() -> Error {
        Error::new(ErrorKind::Timeout).with_outcome_unknown(true)
    }

    /// Runs the engine with a scripted sequence of send results and lookup answers; returns the result and
    /// how many sends and lookups were made.
    async fn run(
        sends: Vec<Result<&'static str>>,
        lookups: Option<Vec<Result<Option<&'static str>>>>,
    ) -> (Result<Resolved<&'static str, &'static str>>, u32, u32) {
        run_with(false, sends, lookups).await
    }

    async fn run_with(
        look_up_first: bool,
        sends: Vec<Result<&'static str>>,
        lookups: Option<Vec<Result<Option<&'static str>>>>,
    ) -> (Result<Resolved<&'static str, &'static str>>, u32, u32) {
        let (sent, looked) = (AtomicU32::new(0), AtomicU32::new(0));
        let sends = std::sync::Mutex::new(sends.into_iter());
        let lookups = lookups.map(|l| std::sync::Mutex::new(l.into_iter()));
        let send = || {
            sent.fetch_add(1, Ordering::Relaxed);
            let next = sends.lock().unwrap().next().expect("a scripted send");
            async move { next }
        };
        let look_up = lookups.as_ref().map(|lookups| {
            || {
                looked.fetch_add(1, Ordering::Relaxed);
                let next = lookups.lock().unwrap().next().expect("a scripted lookup");
                async move { next }
            }
        });
        let submission = Submission {
            send,
            look_up,
            look_up_first,
        };
        let result = submit(&policy(), submission).await;
        (result, sent.into_inner(), looked.into_inner())
    }

    #[tokio::test]
    async fn a_lost_answer_is_resolved_by_the_lookup_not_by_sending_again() {
        let (result, sent, looked) = run(vec![Err(lost())], Some(vec![Ok(Some("found"))])).await;
        assert!(matches!(
            result,
            Ok(Resolved::Found {
                found: "found",
                attempts: 1,
                accepted: false
            })
        ));
        assert_eq!((sent, looked), (1, 1));
    }

    #[tokio::test]
    async fn not_stored_means_send_again_and_no_key_means_outcome_unknown() {
        let (result, sent, _) = run(vec![Err(lost()), Ok("created")], Some(vec![Ok(None)])).await;
        assert!(matches!(
            result,
            Ok(Resolved::Created {
                answer: "created",
                attempts: 2
            })
        ));
        assert_eq!(sent, 2);
        let (result, sent, _) = run(vec![Err(lost())], None).await;
        assert!(result.is_err_and(|e| e.outcome_unknown()));
        assert_eq!(sent, 1);
    }

    #[tokio::test]
    async fn a_failing_lookup_never_leads_to_a_second_send_and_is_bounded() {
        let failing = || Err(Error::new(ErrorKind::Server));
        let (result, sent, looked) = run(
            vec![Err(lost())],
            Some(vec![failing(), failing(), failing()]),
        )
        .await;
        assert!(result.is_err_and(|e| e.outcome_unknown() && e.kind() == ErrorKind::Timeout));
        assert_eq!((sent, looked), (1, LOOKUP_ROUNDS));
    }

    #[tokio::test]
    async fn refusals_before_sending_are_retried_and_validation_is_not() {
        let refused = || Err(Error::new(ErrorKind::RateLimited));
        let (result, sent, looked) =
            run(vec![refused(), refused(), Ok("created")], Some(vec![])).await;
        assert!(matches!(result, Ok(Resolved::Created { attempts: 3, .. })));
        assert_eq!((sent, looked), (3, 0));
        let (result, sent, _) =
            run(vec![Err(Error::new(ErrorKind::Validation))], Some(vec![])).await;
        assert!(result.is_err_and(|e| !e.outcome_unknown()));
        assert_eq!(sent, 1);
    }

    #[tokio::test]
    async fn an_accepted_but_unreadable_answer_is_looked_up_and_never_resent() {
        let accepted = || {
            Err(Error::new(ErrorKind::Decode)
                .with_status(http::StatusCode::OK)
                .with_outcome_unknown(true))
        };
        let (result, sent, _) = run(vec![accepted()], Some(vec![Ok(Some("it"))])).await;
        assert!(matches!(result, Ok(Resolved::Found { accepted: true, .. })));
        assert_eq!(sent, 1);
        let (result, sent, _) = run(vec![accepted()], Some(vec![Ok(None)])).await;
        assert!(result.is_err_and(|e| e.outcome_unknown()));
        assert_eq!(sent, 1);
    }

    #[tokio::test]
    async fn a_duplicate_refusal_of_a_resend_is_our_own_order() {
        let (result, sent, looked) = run(
            vec![Err(lost()), Err(Error::new(ErrorKind::Duplicate))],
            Some(vec![Ok(None), Ok(Some("ours"))]),
        )
        .await;
        assert!(matches!(
            result,
            Ok(Resolved::Found {
                found: "ours",
                attempts: 2,
                ..
            })
        ));
        assert_eq!((sent, looked), (2, 2));
    }

    #[tokio::test]
    async fn looking_up_first_finds_an_earlier_calls_order_and_never_sends() {
        let (result, sent, looked) = run_with(true, vec![], Some(vec![Ok(Some("earlier"))])).await;
        assert!(matches!(
            result,
            Ok(Resolved::Found {
                found: "earlier",
                attempts: 0,
                accepted: false
            })
        ));
        assert_eq!((sent, looked), (0, 1));
        // Not there: sent as usual, and a lost answer is still looked up.
        let (result, sent, looked) = run_with(
            true,
            vec![Err(lost())],
            Some(vec![Ok(None), Ok(Some("ours"))]),
        )
        .await;
        assert!(matches!(
            result,
            Ok(Resolved::Found {
                found: "ours",
                attempts: 1,
                ..
            })
        ));
        assert_eq!((sent, looked), (1, 2));
        // A lookup that cannot tell: nothing is sent, and the error says so (outcome known: nothing sent).
        let failing = || Err(Error::new(ErrorKind::Server));
        let (result, sent, looked) = run_with(true, vec![], Some(vec![failing(), failing()])).await;
        assert!(result.is_err_and(|e| e.kind() == ErrorKind::Server && !e.outcome_unknown()));
        assert_eq!((sent, looked), (0, LOOKUP_ROUNDS));
    }
}
