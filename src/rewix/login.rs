//! The Bdroppy login (`bdroppyLogin`, `POST /api/auth/login`) behind the runtime's token cache: the JSON body
//! `{"email": <api key>, "password": …}`, the answer `{"token": "<jwt>"}`.
//!
//! Source: IDT's PrestaShop plugin (idt-spa/bdroppy-prestashop-plugin@2db50fe, `classes/RewixApi.php`,
//! `loginUser`), a single third-party client. The token's lifetime is not known (the plugin does not read it),
//! so the cached token is renewed only after a 401, once per refused request.

use bytes::Bytes;
use http::{
    StatusCode,
    header::{ACCEPT, CONTENT_TYPE},
};
use tracing::field::Empty;
use url::Url;

use crate::{
    Provider, Secret,
    error::{Error, ErrorKind, Result},
    runtime::token_cache::{Issued, TokenEndpoint},
    secret::scrub,
};

/// The spec's operationId of the login, which labels its errors.
pub(super) const LOGIN_OPERATION: &str = "bdroppyLogin";
/// The spec's path of the login, below the base URL.
const LOGIN_PATH: &str = "/api/auth/login";

/// The Bdroppy login endpoint of one account.
pub(super) struct BdroppyLogin {
    url: Url,
    email: Secret,
    password: Secret,
    /// The JSON body, built once; it holds the password, so it is a secret too (scrubbed from errors).
    body: Secret,
}

impl BdroppyLogin {
    /// The login of `base` (the client's base URL, already checked: HTTPS or loopback).
    pub(super) fn new(base: &Url, email: Secret, password: Secret) -> Result<Self> {
        let mut url = base.clone();
        url.set_path(&format!(
            "{}{LOGIN_PATH}",
            base.path().trim_end_matches('/')
        ));
        url.set_query(None);
        let body = serde_json::json!({ "email": email.expose(), "password": password.expose() });
        let body = serde_json::to_string(&body).map_err(|e| {
            Error::configuration("cannot write the Bdroppy login body").with_source(e)
        })?;
        Ok(BdroppyLogin {
            url,
            email,
            password,
            body: Secret::new(body),
        })
    }
}

impl TokenEndpoint for BdroppyLogin {
    fn provider(&self) -> Provider {
        Provider::Rewix
    }

    fn operation(&self) -> &'static str {
        LOGIN_OPERATION
    }

    fn name(&self) -> &'static str {
        "the Bdroppy login"
    }

    fn span(&self, reason: &'static str) -> tracing::Span {
        tracing::info_span!(
            "fulfillment_apis.rewix.login",
            reason,
            attempt = Empty,
            status = Empty,
            expires_in_s = Empty,
        )
    }

    fn request(&self, http: &reqwest::Client) -> reqwest::RequestBuilder {
        http.post(self.url.clone())
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/json")
            .body(self.body.expose().to_string())
    }

    fn missing_token(&self) -> &'static str {
        "the Bdroppy login's answer has no token"
    }

    fn parse(&self, body: &[u8]) -> Option<Issued> {
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        let token = value.get("token")?.as_str()?.trim();
        if token.is_empty() {
            return None;
        }
        Some(Issued {
            token: Secret::new(token),
            lifetime: None,
        })
    }

    /// 401 and 403 mean the credentials were refused (Uncertain: the plugin only checks for a 200); any other
    /// status is read as usual (5xx and 429 retried).
    fn refusal(&self, status: StatusCode, body: &[u8], secrets: &[Secret]) -> Error {
        let kind = match status.as_u16() {
            401 | 403 => ErrorKind::Authentication,
            _ => ErrorKind::from_status(status),
        };
        let message = if kind == ErrorKind::Authentication {
            "the Bdroppy login refused the credentials"
        } else {
            "the Bdroppy login failed"
        };
        Error::new(kind)
            .with_provider(Provider::Rewix)
            .with_operation(LOGIN_OPERATION)
            .with_status(status)
            .with_message(message)
            .with_body(Bytes::from(scrub(body, secrets)))
    }

    /// The e-mail (API key), the password and the body that carries them.
    fn static_secrets(&self) -> Vec<Secret> {
        vec![self.email.clone(), self.password.clone(), self.body.clone()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login() -> BdroppyLogin {
        let base = Url::parse("https://prod.bdroppy.com").unwrap();
        BdroppyLogin::new(&base, Secret::new("key-1"), Secret::new("pa\"ss")).unwrap()
    }

    #[test]
    fn the_login_posts_json_to_the_spec_path() {
        let login = login();
        assert_eq!(
            login.url.as_str(),
            "https://prod.bdroppy.com/api/auth/login"
        );
        let body: serde_json::Value = serde_json::from_str(login.body.expose()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"email": "key-1", "password": "pa\"ss"})
        );
        let base = Url::parse("http://127.0.0.1:8080/prefix/").unwrap();
        let login = BdroppyLogin::new(&base, Secret::new("k"), Secret::new("p")).unwrap();
        assert_eq!(
            login.url.as_str(),
            "http://127.0.0.1:8080/prefix/api/auth/login"
        );
    }

    #[test]
    fn the_token_is_read_from_the_answer() {
        let login = login();
        let issued = login.parse(br#"{"token":" eyJ.a.b "}"#).unwrap();
        assert_eq!(issued.token.expose(), "eyJ.a.b");
        assert_eq!(issued.lifetime, None);
        assert!(login.parse(br#"{"token":""}"#).is_none());
        assert!(login.parse(br#"{"jwt":"x"}"#).is_none());
        assert!(login.parse(b"<html>").is_none());
    }

    #[test]
    fn refusals_are_scrubbed_authentication_errors() {
        let login = login();
        let secrets = login.static_secrets();
        let err = login.refusal(
            StatusCode::UNAUTHORIZED,
            b"bad password pa\"ss for key-1",
            &secrets,
        );
        assert_eq!(err.kind(), ErrorKind::Authentication);
        assert_eq!(err.operation(), Some(LOGIN_OPERATION));
        let text = format!(
            "{err:?} {err} {}",
            String::from_utf8_lossy(err.body().unwrap())
        );
        assert!(
            !text.contains("pa\"ss") && !text.contains("key-1"),
            "{text}"
        );
        let err = login.refusal(StatusCode::SERVICE_UNAVAILABLE, b"down", &secrets);
        assert_eq!(err.kind(), ErrorKind::Server);
        assert!(err.is_retryable());
    }
}
