//! HTTP Basic credentials (RFC 7617), written once for every provider that sends them: Rewix on every call,
//! Bootic to its OAuth2 token endpoint.

use http::HeaderValue;

use crate::secret::Secret;

/// `Basic <base64(user:password)>`, built once, as a header value marked sensitive (so `http`'s `Debug`
/// never prints it), with its encoded part kept as a [`Secret`] to scrub from error bodies (a server echoing
/// the `Authorization` header would otherwise leak it).
pub(crate) struct BasicCredentials {
    pub header: HeaderValue,
    pub encoded: Secret,
}

impl BasicCredentials {
    /// The credentials of `user` with `password`; `None` when they cannot be sent in a header (a control
    /// character such as a newline in either).
    pub(crate) fn new(user: &str, password: &str) -> Option<Self> {
        let encoded = base64(format!("{user}:{password}").as_bytes());
        let mut header = HeaderValue::from_str(&format!("Basic {encoded}")).ok()?;
        header.set_sensitive(true);
        Some(BasicCredentials {
            header,
            encoded: Secret::new(encoded),
        })
    }
}

/// Standard base64 with padding (RFC 4648 section 4), as HTTP Basic uses. Written out here because the
/// crate's `base64` dependency only exists with the `sandbox` feature, and this is all Basic auth needs.
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 0x3f) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_test_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain:?}");
        }
        // RFC 7617's own example.
        assert_eq!(
            base64(b"Aladdin:open sesame"),
            "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
    }

    /// The same header reqwest's own `basic_auth` builds, for any bytes (non-ASCII included), sensitive, and
    /// never printed by `Debug`.
    #[test]
    fn the_header_is_what_reqwest_sends_and_is_never_printed() {
        let http = reqwest::Client::new();
        let mut rng = fastrand::Rng::with_seed(0x7617);
        for _ in 0..500 {
            let text = |rng: &mut fastrand::Rng| -> String {
                (0..rng.usize(0..24))
                    .map(|_| {
                        rng.choice(['a', 'Z', '0', ':', ' ', 'é', '€', '~', '+', '/'])
                            .unwrap()
                    })
                    .collect()
            };
            let (user, password) = (text(&mut rng), text(&mut rng));
            let credentials = BasicCredentials::new(&user, &password).unwrap();
            let theirs = http
                .get("https://example.com/")
                .basic_auth(&user, Some(&password))
                .build()
                .unwrap();
            assert_eq!(
                Some(&credentials.header),
                theirs.headers().get(http::header::AUTHORIZATION),
                "{user:?} / {password:?}"
            );
            assert!(credentials.header.is_sensitive());
            assert_eq!(format!("{:?}", credentials.header), "Sensitive");
            assert_eq!(
                credentials.header.to_str().unwrap(),
                format!("Basic {}", credentials.encoded.expose())
            );
        }
        assert!(
            BasicCredentials::new("key\n", "pw").is_some(),
            "base64 hides the newline"
        );
    }
}
