//! Rewix credentials: HTTP Basic with the API key as the user name and the account password.

use http::{HeaderValue, header::AUTHORIZATION};

use crate::{
    Secret,
    error::{Error, Result},
    runtime::{Auth, OperationMeta},
};

/// The spec's security scheme name (`components/securitySchemes` of `spec/rewix.yaml`).
const BASIC_SCHEME: &str = "basicAuth";

pub(super) struct RewixAuth {
    /// `Basic <base64(key:password)>`, built once; marked sensitive so `http`'s Debug never prints it.
    header: HeaderValue,
    /// The base64 part alone, so the runtime can scrub it from error bodies.
    encoded: Secret,
}

impl RewixAuth {
    pub(super) fn new(api_key: &Secret, password: &Secret) -> Result<Self> {
        let encoded = base64(format!("{}:{}", api_key.expose(), password.expose()).as_bytes());
        let mut header = HeaderValue::from_str(&format!("Basic {encoded}")).map_err(|_| {
            Error::configuration("the Rewix credentials cannot be sent in an HTTP header")
        })?;
        header.set_sensitive(true);
        Ok(RewixAuth {
            header,
            encoded: Secret::new(encoded),
        })
    }

    pub(super) fn encoded_credentials(&self) -> Secret {
        self.encoded.clone()
    }
}

impl Auth for RewixAuth {
    fn add(&self, request: &mut reqwest::Request, op: &OperationMeta) -> Result<()> {
        if op.accepts.contains(&BASIC_SCHEME) {
            request
                .headers_mut()
                .insert(AUTHORIZATION, self.header.clone());
        }
        Ok(())
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

    #[test]
    fn the_header_is_sensitive_and_never_debug_printed() {
        let auth = RewixAuth::new(&Secret::new("key-1234"), &Secret::new("pass-5678")).unwrap();
        assert!(auth.header.is_sensitive());
        assert_eq!(format!("{:?}", auth.header), "Sensitive");
        assert_eq!(
            auth.header.to_str().unwrap(),
            format!("Basic {}", base64(b"key-1234:pass-5678"))
        );
    }
}
