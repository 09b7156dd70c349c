//! A wrapper that keeps credentials out of `Debug`, `Display` and logs.

use std::{fmt, sync::Arc};

/// A credential (billing key, client secret, access token, password) that never shows itself.
///
/// `Debug` and `Display` print `[REDACTED]`; the value is only reachable through [`Secret::expose`], so
/// every place that reads it is easy to find.
///
/// ```
/// use fulfillment_apis::Secret;
///
/// let key = Secret::new("pbk-7f3a9c");
/// assert_eq!(format!("{key:?} {key}"), "Secret([REDACTED]) [REDACTED]");
/// assert_eq!(key.expose(), "pbk-7f3a9c");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Arc::from(value.into()))
    }

    /// The credential itself. Call it only where the value is sent to the provider.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the credential is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

/// Replaces every occurrence of each secret (raw and URL-encoded) in `text` by `[REDACTED]`.
pub(crate) fn scrub(text: &[u8], secrets: &[Secret]) -> Vec<u8> {
    let mut out = text.to_vec();
    for secret in secrets.iter().filter(|s| s.expose().len() >= 4) {
        let raw = secret.expose();
        let encoded: String = url::form_urlencoded::byte_serialize(raw.as_bytes()).collect();
        let percent = raw
            .replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D");
        // As it appears inside a JSON string (escaped quotes and backslashes, or `\/` for `/`).
        let json = serde_json::to_string(raw).unwrap_or_default();
        let json = json.trim_matches('"');
        let json_slash = json.replace('/', "\\/");
        for needle in [
            raw,
            encoded.as_str(),
            percent.as_str(),
            json,
            json_slash.as_str(),
        ] {
            out = replace_all(&out, needle.as_bytes(), b"[REDACTED]");
        }
    }
    out
}

fn replace_all(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return haystack.to_vec();
    }
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(needle) {
            out.extend_from_slice(with);
            i += needle.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_replaces_raw_and_encoded_forms() {
        let key = Secret::new("ab+c/d=e");
        let body = br#"{"AttemptedValue":"ab+c/d=e","url":"?k=ab%2Bc%2Fd%3De"}"#;
        let scrubbed = String::from_utf8(scrub(body, &[key])).unwrap();
        assert_eq!(
            scrubbed,
            r#"{"AttemptedValue":"[REDACTED]","url":"?k=[REDACTED]"}"#
        );
    }

    #[test]
    fn scrub_replaces_json_escaped_forms() {
        let body = br#"{"Message":"bad key ab+c\/d=e","Quote":"x\"y\\z"}"#;
        let secrets = [Secret::new("ab+c/d=e"), Secret::new(r#"x"y\z"#)];
        let scrubbed = String::from_utf8(scrub(body, &secrets)).unwrap();
        assert_eq!(
            scrubbed,
            r#"{"Message":"bad key [REDACTED]","Quote":"[REDACTED]"}"#
        );
    }
}
