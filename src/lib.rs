//! Typed, async API bindings for the order APIs online shops use to get goods made and shipped:
//! **Gooten** (print-on-demand), **Bootic** (shop platform) and the **Rewix "ghost" API** run by
//! Brandsdistribution and other dropshipping wholesalers.
//!
//! Each provider module has a `generated` client (progenitor, from `spec/<provider>.yaml`) and a small
//! hand-written ergonomic client on top of it. Every provider shares one [`Error`] type, one retry and timeout
//! policy ([`RetryPolicy`], [`Timeouts`]) and one [`Secret`] wrapper for credentials.
//!
//! # Cargo features
//!
//! - `gooten`, `bootic`, `rewix` (all default): one module per provider.
//! - `rustls-ring` (default), `rustls-aws-lc`, `native-tls`: the TLS backend of the crate's own HTTP client.
//!   Nothing is installed process-wide: the rustls backends build their own configuration with an explicit
//!   crypto provider and the platform certificate verifier. When several are on, a non-default one wins
//!   (`native-tls`, then `rustls-aws-lc`); with none, give the builders your own `reqwest::Client`.
//! - `sandbox`: an embedded fake of all three APIs (the `sandbox` module).
//!
//! Amounts (`format: decimal` in the specs) are [`Amount`]s, exact without serde_json's
//! `arbitrary_precision`, which this crate leaves off so that your own JSON types decode as usual.
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod amount;
mod base_url;
mod dispatch;
mod error;
mod exactly_once;
mod open_enum;
mod runtime;
mod secret;
mod tls;

pub use amount::Amount;
pub use error::{Error, ErrorKind, FieldError, Provider, Result};
pub use exactly_once::Outcome;
pub use open_enum::OpenEnum;
pub use runtime::{DEFAULT_MAX_RESPONSE_BYTES, Execute, RetryPolicy, Runtime, Timeouts};
pub use secret::Secret;

#[cfg(feature = "gooten")]
#[cfg_attr(docsrs, doc(cfg(feature = "gooten")))]
pub mod gooten;

#[cfg(feature = "rewix")]
#[cfg_attr(docsrs, doc(cfg(feature = "rewix")))]
pub mod rewix;

#[cfg(feature = "bootic")]
#[cfg_attr(docsrs, doc(cfg(feature = "bootic")))]
pub mod bootic;

#[cfg(feature = "sandbox")]
#[cfg_attr(docsrs, doc(cfg(feature = "sandbox")))]
pub mod sandbox;

#[cfg(all(test, feature = "gooten", feature = "bootic", feature = "rewix"))]
mod fuzz_tests;

/// The README's examples compile as doctests, so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
