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

/// Writes the value itself: a generated request body with a `format: password` property (a login) must carry
/// it. Nothing else in the crate serializes a `Secret`.
impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

/// Reads a string: a `format: password` property of an answer (a login token) is decoded as a `Secret`, so
/// the generated type's `Debug` never shows it.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret::from)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

/// Replaces every occurrence of each secret in `text` by `[REDACTED]`: raw, URL-encoded (either hex case), and
/// inside JSON strings however they are escaped (`\u002B` or `\u002b` for `+`, `\/` for `/`, any character
/// as `\uXXXX`): each JSON string literal that has an escape is decoded, checked and, when it holds a secret,
/// re-encoded scrubbed. So an error body, and every message decoded from it, is free of secrets.
pub(crate) fn scrub(text: &[u8], secrets: &[Secret]) -> Vec<u8> {
    let needles = needles(secrets);
    if needles.is_empty() {
        return text.to_vec();
    }
    let decoded = scrub_json_strings(text, &needles);
    replace_needles(&decoded, &needles)
}

/// [`scrub`] for a string already decoded (a provider's message, a field error).
pub(crate) fn scrub_str(text: &str, secrets: &[Secret]) -> String {
    let scrubbed = scrub(text.as_bytes(), secrets);
    String::from_utf8(scrubbed)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

const REDACTED: &[u8] = b"[REDACTED]";

/// Every form of every secret (of at least 4 characters) to look for, longest first.
fn needles(secrets: &[Secret]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    for secret in secrets.iter().filter(|s| s.expose().len() >= 4) {
        let raw = secret.expose();
        let form: String = url::form_urlencoded::byte_serialize(raw.as_bytes()).collect();
        let percent: String =
            percent_encoding::utf8_percent_encode(raw, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        let path = raw
            .replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D");
        for form in [raw.to_string(), form, percent, path] {
            let lower = lower_hex_escapes(&form);
            out.push(form.into_bytes());
            out.push(lower.into_bytes());
        }
    }
    out.sort_by_key(|n| std::cmp::Reverse(n.len()));
    out.dedup();
    out
}

/// `%2B` -> `%2b`: servers echo percent-encoding in either case.
fn lower_hex_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let escape = rest.get(at..at + 3).unwrap_or(&rest[at..]);
        out.push_str(&escape.to_ascii_lowercase());
        rest = &rest[at + escape.len()..];
    }
    out.push_str(rest);
    out
}

/// Decodes every JSON string literal of `text` that contains an escape; one whose decoded value holds a
/// needle is replaced by its scrubbed value, JSON-encoded again. Everything else stays byte for byte.
fn scrub_json_strings(text: &[u8], needles: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if text[i] != b'"' {
            out.push(text[i]);
            i += 1;
            continue;
        }
        // Find the closing quote, skipping escaped characters.
        let mut end = i + 1;
        let mut escaped = false;
        while end < text.len() && text[end] != b'"' {
            if text[end] == b'\\' {
                escaped = true;
                end += 1;
            }
            end += 1;
        }
        if end >= text.len() {
            out.extend_from_slice(&text[i..]);
            break;
        }
        let literal = &text[i..=end];
        let replaced = escaped
            .then(|| serde_json::from_slice::<String>(literal).ok())
            .flatten()
            .and_then(|value| {
                let scrubbed = replace_needles(value.as_bytes(), needles);
                (scrubbed != value.as_bytes()).then(|| {
                    serde_json::to_vec(&String::from_utf8_lossy(&scrubbed)).unwrap_or_default()
                })
            });
        out.extend_from_slice(replaced.as_deref().unwrap_or(literal));
        i = end + 1;
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

fn replace_needles(text: &[u8], needles: &[Vec<u8>]) -> Vec<u8> {
    let mut out = text.to_vec();
    for needle in needles {
        out = replace_all(&out, needle, REDACTED);
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

    /// The character as `serde_json` writes it inside a string (escaped only where it must be).
    fn plain(c: char) -> String {
        let quoted = serde_json::to_string(&c.to_string()).unwrap();
        quoted[1..quoted.len() - 1].to_string()
    }

    /// Every way JSON can spell a character inside a string.
    fn json_spellings(c: char) -> Vec<String> {
        let mut forms = vec![plain(c)];
        let mut units = [0u16; 2];
        let encoded: Vec<String> = c
            .encode_utf16(&mut units)
            .iter()
            .map(|u| format!("{u:04x}"))
            .collect();
        forms.push(encoded.iter().map(|u| format!("\\u{u}")).collect());
        forms.push(
            encoded
                .iter()
                .map(|u| format!("\\u{}", u.to_uppercase()))
                .collect(),
        );
        if c == '/' {
            forms.push("\\/".into());
        }
        forms
    }

    /// A property test: each character of each secret, escaped in every JSON way, in a key, a message and a
    /// nested value, is never found in the scrubbed body nor in any string decoded from it.
    #[test]
    fn no_json_escape_of_any_character_lets_a_secret_through() {
        let secrets = [
            Secret::new("pbk+7f/3a=9c"),
            Secret::new("0a1b2c3d-4e5f-recipe"),
            Secret::new("tok\"en\\é€x"),
        ];
        let mut cases = 0;
        for secret in &secrets {
            let raw = secret.expose();
            let chars: Vec<char> = raw.chars().collect();
            for (at, &c) in chars.iter().enumerate() {
                for spelling in json_spellings(c) {
                    let escaped: String = chars
                        .iter()
                        .enumerate()
                        .map(|(i, &d)| if i == at { spelling.clone() } else { plain(d) })
                        .collect();
                    let body = format!(
                        r#"{{"Message":"key {escaped} refused","Errors":[{{"AttemptedValue":"{escaped}","PropertyName":"{escaped}"}}],"{escaped}":1}}"#
                    );
                    let value: serde_json::Value = serde_json::from_str(&body).expect("valid JSON");
                    assert!(
                        value
                            .to_string()
                            .contains(&serde_json::to_string(raw).unwrap()[1..3])
                    );
                    let scrubbed = scrub(body.as_bytes(), secrets.as_slice());
                    let text = String::from_utf8(scrubbed.clone()).unwrap();
                    assert!(!text.contains(raw), "{text}");
                    let decoded: serde_json::Value =
                        serde_json::from_slice(&scrubbed).expect("still JSON");
                    let all = decoded.to_string();
                    assert!(
                        !all.contains(&serde_json::to_string(raw).unwrap()[1..]),
                        "{all}"
                    );
                    let mut strings = Vec::new();
                    collect_strings(&decoded, &mut strings);
                    for s in strings {
                        assert!(!s.contains(raw), "{s} from {body}");
                    }
                    cases += 1;
                }
            }
        }
        assert!(cases > 100, "{cases}");
    }

    fn collect_strings(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    out.push(k.clone());
                    collect_strings(v, out);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn lower_case_percent_encoding_is_scrubbed() {
        let key = Secret::new("ab+c/d=e");
        let out = scrub(b"?k=ab%2bc%2fd%3de&x=ab%2Bc%2Fd%3De", &[key]);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "?k=[REDACTED]&x=[REDACTED]"
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
