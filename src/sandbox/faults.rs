//! Fault injection: added latency, synthetic 5xx answers and connections dropped after the request was applied.

use std::{
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

/// The seed every [`Faults`] starts with, so that a test run is reproducible without calling [`Faults::reseed`].
pub const DEFAULT_SEED: u64 = 0x5EED_F417;

/// A handle on one sandbox server's fault injection, settable at runtime (cheap to clone; clones share the
/// settings). Everything is off until set.
///
/// For every request the server draws, in this order and from one seeded RNG (so a run with the same seed and the
/// same sequence of requests sees the same faults):
///
/// 1. the added latency (fixed, [`set_latency`](Self::set_latency)), slept before anything else;
/// 2. whether to answer with a synthetic 5xx in the provider's error shape
///    ([`set_error_rate`](Self::set_error_rate)): the request never reaches the provider, so **no state changes**;
/// 3. whether to drop the connection **after** the request was applied
///    ([`set_drop_after_commit_rate`](Self::set_drop_after_commit_rate)): the handler runs to completion (the
///    order is stored, the stock is moved), its answer is thrown away and the TCP connection is closed without
///    any HTTP response, so the client sees a connection error and cannot know whether the call took effect.
///
/// Both rates are probabilities in `0.0..=1.0` (clamped); `1.0` makes a fault certain, which is what most tests
/// want.
#[derive(Clone, Debug)]
pub struct Faults {
    inner: Arc<Mutex<FaultState>>,
}

#[derive(Debug)]
struct FaultState {
    latency: Duration,
    error_rate: f64,
    drop_rate: f64,
    rng: fastrand::Rng,
    injected_errors: u64,
    dropped_connections: u64,
}

/// What the server does to one request (drawn by [`Faults::plan`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Plan {
    pub latency: Duration,
    pub server_error: bool,
    pub drop_after_commit: bool,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            inner: Arc::new(Mutex::new(FaultState {
                latency: Duration::ZERO,
                error_rate: 0.0,
                drop_rate: 0.0,
                rng: fastrand::Rng::with_seed(DEFAULT_SEED),
                injected_errors: 0,
                dropped_connections: 0,
            })),
        }
    }
}

impl Faults {
    // A poisoned lock only means a test panicked while holding it; the settings are still usable.
    fn state(&self) -> MutexGuard<'_, FaultState> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Adds `latency` before every answer (including faulty ones). `Duration::ZERO` turns it off.
    pub fn set_latency(&self, latency: Duration) {
        self.state().latency = latency;
    }

    /// Answers this fraction of requests with a synthetic HTTP 500 in the provider's error shape, before any
    /// state change.
    pub fn set_error_rate(&self, rate: f64) {
        self.state().error_rate = clamp_rate(rate);
    }

    /// Drops the connection without an answer on this fraction of requests, after the request was applied.
    pub fn set_drop_after_commit_rate(&self, rate: f64) {
        self.state().drop_rate = clamp_rate(rate);
    }

    /// Restarts the fault RNG from `seed`.
    pub fn reseed(&self, seed: u64) {
        self.state().rng = fastrand::Rng::with_seed(seed);
    }

    /// Turns every fault off (latency, both rates) and restarts the RNG from [`DEFAULT_SEED`]. The counters are
    /// kept.
    pub fn clear(&self) {
        let mut state = self.state();
        state.latency = Duration::ZERO;
        state.error_rate = 0.0;
        state.drop_rate = 0.0;
        state.rng = fastrand::Rng::with_seed(DEFAULT_SEED);
    }

    /// How many synthetic 5xx answers were sent so far.
    pub fn injected_errors(&self) -> u64 {
        self.state().injected_errors
    }

    /// How many connections were dropped after commit so far.
    pub fn dropped_connections(&self) -> u64 {
        self.state().dropped_connections
    }

    /// Draws the faults for one request. Both draws are always made, whatever the rates, so that changing one
    /// rate does not shift the other's sequence.
    pub(crate) fn plan(&self) -> Plan {
        let mut state = self.state();
        let error_draw = state.rng.f64();
        let drop_draw = state.rng.f64();
        let server_error = error_draw < state.error_rate;
        let drop_after_commit = !server_error && drop_draw < state.drop_rate;
        if server_error {
            state.injected_errors += 1;
        }
        if drop_after_commit {
            state.dropped_connections += 1;
        }
        Plan {
            latency: state.latency,
            server_error,
            drop_after_commit,
        }
    }
}

fn clamp_rate(rate: f64) -> f64 {
    if rate.is_nan() {
        0.0
    } else {
        rate.clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_faults() {
        let run = |seed| {
            let faults = Faults::default();
            faults.reseed(seed);
            faults.set_error_rate(0.3);
            faults.set_drop_after_commit_rate(0.3);
            (0..50)
                .map(|_| faults.plan())
                .map(|p| (p.server_error, p.drop_after_commit))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }

    #[test]
    fn certain_and_impossible_rates() {
        let faults = Faults::default();
        assert!((0..20).all(|_| !faults.plan().server_error));
        faults.set_error_rate(1.0);
        assert!((0..20).all(|_| faults.plan().server_error));
        assert_eq!(faults.injected_errors(), 20);
        faults.set_error_rate(0.0);
        faults.set_drop_after_commit_rate(7.0); // clamped to 1.0
        assert!((0..5).all(|_| faults.plan().drop_after_commit));
        assert_eq!(faults.dropped_connections(), 5);
    }
}
