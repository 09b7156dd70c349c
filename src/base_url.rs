//! Base URL checks shared by every provider: HTTPS everywhere but loopback.

use std::net::IpAddr;

use url::Url;

use crate::error::{Error, Result};

/// Parses a base URL and refuses plain `http://` unless the host is a loopback address (127.0.0.0/8, `::1`
/// or `localhost`), so credentials never cross a network in clear text. The result has no trailing slash, so
/// `base + "/path"` is always right.
///
/// A URL with user info (`https://user:pass@host`) is refused: credentials go in the client's own settings,
/// where they are kept as secrets, never in a URL that ends up in logs and `Debug` output. No error message
/// repeats the user info.
pub(crate) fn parse(given: &str) -> Result<Url> {
    let shown = without_userinfo(given);
    let base = shown.as_str();
    let url = Url::parse(given)
        .map_err(|e| Error::configuration(format!("base URL {base:?} is not a URL: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::configuration(format!(
            "base URL {base:?} has user info (user name or password): give credentials to the client builder, \
             never in the URL"
        )));
    }
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

/// `text` with anything between `scheme://` and an `@` before the host's end replaced, for messages and
/// `Debug` output (works on strings that do not even parse as URLs).
pub(crate) fn without_userinfo(text: &str) -> String {
    let Some(scheme_end) = text.find("://").map(|i| i + 3) else {
        return text.to_string();
    };
    let authority_end = text[scheme_end..]
        .find(['/', '?', '#'])
        .map_or(text.len(), |i| scheme_end + i);
    match text[scheme_end..authority_end].rfind('@') {
        Some(at) => format!(
            "{}[REDACTED]{}",
            &text[..scheme_end],
            &text[scheme_end + at..]
        ),
        None => text.to_string(),
    }
}

/// A URL given as text that `Debug` prints with its user info redacted (for settings kept before `build`).
#[cfg(feature = "bootic")]
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct UrlText(pub String);

#[cfg(feature = "bootic")]
impl std::fmt::Debug for UrlText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&without_userinfo(&self.0), f)
    }
}

/// `base_url()` and the redacting `Debug` of a provider's `Environment` enum, given its named hosts; the enum's
/// `Custom(String)` variant carries any other base URL.
macro_rules! environment_urls {
    ($($variant:ident => $url:literal),+ $(,)?) => {
        impl Environment {
            /// The base URL (the `servers` entry of the spec, or the custom one).
            pub fn base_url(&self) -> &str {
                match self {
                    $(Environment::$variant => $url,)+
                    Environment::Custom(url) => url,
                }
            }
        }

        impl std::fmt::Debug for Environment {
            /// The base URL, with any user info redacted.
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                $crate::base_url::fmt_environment(f, self.base_url())
            }
        }
    };
}
pub(crate) use environment_urls;

/// The `Debug` of a provider's `Environment`: its base URL, user info redacted.
pub(crate) fn fmt_environment(f: &mut std::fmt::Formatter<'_>, base_url: &str) -> std::fmt::Result {
    f.debug_tuple("Environment")
        .field(&without_userinfo(base_url))
        .finish()
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
    fn user_info_is_refused_and_never_repeated() {
        for bad in [
            "https://user:pa55word@api.example.com",
            "https://:pa55word@api.example.com/x",
            "http://user:pa55word@127.0.0.1:9",
            "https://pa55word@api.example.com",
            "https://u:pa55word@[bad",
        ] {
            let err = parse(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Configuration, "{bad}");
            let shown = format!("{err} {err:?}");
            assert!(!shown.contains("pa55word"), "{shown}");
        }
        assert_eq!(
            without_userinfo("https://u:p@h.example/a@b?c@d"),
            "https://[REDACTED]@h.example/a@b?c@d"
        );
        assert_eq!(
            without_userinfo("https://h.example/a@b"),
            "https://h.example/a@b"
        );
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
