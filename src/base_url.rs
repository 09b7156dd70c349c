//! Base URL checks shared by every provider: HTTPS everywhere but loopback.

use std::net::IpAddr;

use url::Url;

use crate::error::{Error, Result};

/// Parses a base URL and refuses plain `http://` unless the host is a loopback address (127.0.0.0/8, `::1`
/// or `localhost`), so credentials never cross a network in clear text. The result has no trailing slash, so
/// `base + "/path"` is always right.
pub(crate) fn parse(base: &str) -> Result<Url> {
    let url = Url::parse(base)
        .map_err(|e| Error::configuration(format!("base URL {base:?} is not a URL: {e}")))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(Error::configuration(format!(
                "refusing plain http:// to non-loopback host {:?}: use https://",
                url.host_str().unwrap_or_default()
            )));
        }
        other => {
            return Err(Error::configuration(format!(
                "unsupported URL scheme {other:?}: use https://"
            )));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::configuration(format!(
            "base URL {base:?} has no host"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::configuration(format!(
            "base URL {base:?} must not have a query or fragment"
        )));
    }
    let mut url = url;
    let trimmed = url.path().trim_end_matches('/').to_string();
    url.set_path(&trimmed);
    Ok(url)
}

/// The base URL as the generated client wants it: no trailing slash.
pub(crate) fn as_base(url: &Url) -> String {
    url.as_str().trim_end_matches('/').to_string()
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn https_and_loopback_http_are_accepted() {
        assert_eq!(
            as_base(&parse("https://api.print.io/api/").unwrap()),
            "https://api.print.io/api"
        );
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://[::1]:9/x",
            "http://localhost:1",
        ] {
            assert!(parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn plain_http_elsewhere_is_refused() {
        for bad in [
            "http://api.print.io/api",
            "http://10.0.0.1",
            "http://localhost.evil.com",
            "ftp://x.org",
            "nope",
        ] {
            let err = parse(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Configuration, "{bad}");
        }
    }
}
