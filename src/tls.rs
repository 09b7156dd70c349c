//! The TLS setup of the crate's own HTTP client, chosen by cargo feature, with no process-wide state.
//!
//! A library must not install a process-wide rustls `CryptoProvider`: the application may want another one
//! (aws-lc-rs, a FIPS build) and only the first installation wins. So the rustls backends build their own
//! `ClientConfig` with an explicit provider and hand it to reqwest, verifying certificates exactly as
//! reqwest's own rustls setup does (rustls-platform-verifier: the operating system's trust store and
//! revocation checks, TLS 1.2 and 1.3, ALPN `h2` then `http/1.1`).
//!
//! | feature | backend |
//! |---|---|
//! | `rustls-ring` (default) | rustls with the `ring` provider: no OpenSSL, quick to build |
//! | `rustls-aws-lc` | rustls with the `aws-lc-rs` provider (needs a C compiler to build) |
//! | `native-tls` | the platform's TLS library (OpenSSL on Linux, Secure Transport, SChannel) |
//!
//! When several are on, a non-default choice wins over the default (`native-tls`, then `rustls-aws-lc`,
//! then `rustls-ring`), so adding a feature takes effect even with the default features left on (turn them
//! off to leave `ring` out of the build). With none, the crate's own client speaks plain HTTP only (the
//! sandbox, loopback): give the client builders a `reqwest::Client` of your own with `with_http_client`.

use crate::error::Result;

/// The TLS backend the crate's own HTTP client uses, for diagnostics and tests.
#[allow(dead_code)]
pub(crate) const BACKEND: &str = if cfg!(feature = "native-tls") {
    "native-tls"
} else if cfg!(feature = "rustls-aws-lc") {
    "rustls-aws-lc"
} else if cfg!(feature = "rustls-ring") {
    "rustls-ring"
} else {
    "none"
};

/// Sets the TLS backend of the crate's own HTTP client.
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder> {
    #[cfg(feature = "native-tls")]
    {
        Ok(builder.tls_backend_native())
    }
    #[cfg(all(
        not(feature = "native-tls"),
        any(feature = "rustls-ring", feature = "rustls-aws-lc")
    ))]
    {
        Ok(builder.tls_backend_preconfigured(rustls_config()?))
    }
    #[cfg(not(any(
        feature = "native-tls",
        feature = "rustls-ring",
        feature = "rustls-aws-lc"
    )))]
    {
        Ok(builder)
    }
}

/// The crypto provider of the rustls backend: aws-lc-rs when `rustls-aws-lc` is on, else ring.
#[cfg(any(feature = "rustls-ring", feature = "rustls-aws-lc"))]
fn provider() -> rustls::crypto::CryptoProvider {
    #[cfg(feature = "rustls-aws-lc")]
    {
        rustls::crypto::aws_lc_rs::default_provider()
    }
    #[cfg(not(feature = "rustls-aws-lc"))]
    {
        rustls::crypto::ring::default_provider()
    }
}

/// A rustls client configuration with an explicit provider (never the process default) and the platform's
/// certificate verifier, as reqwest's `rustls` feature builds it.
#[cfg(any(feature = "rustls-ring", feature = "rustls-aws-lc"))]
#[cfg_attr(all(feature = "native-tls", not(test)), allow(dead_code))]
pub(crate) fn rustls_config() -> Result<rustls::ClientConfig> {
    use std::sync::Arc;

    use crate::error::Error;

    let failed =
        |e: rustls::Error| Error::configuration("cannot set up TLS (rustls)").with_source(e);
    let provider = Arc::new(provider());
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone()).map_err(failed)?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(failed)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(test)]
mod tests {
    /// Building the rustls configuration (and a client with it) leaves the process default unset.
    #[cfg(any(feature = "rustls-ring", feature = "rustls-aws-lc"))]
    #[test]
    fn the_rustls_setup_installs_no_process_wide_provider() {
        let config = super::rustls_config().unwrap();
        assert_eq!(
            config.alpn_protocols,
            [b"h2".to_vec(), b"http/1.1".to_vec()]
        );
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(config)
            .build()
            .unwrap();
        drop(client);
        assert!(rustls::crypto::CryptoProvider::get_default().is_none());
    }
}
