//! Rewix credentials on every request: HTTP Basic with the API key as the user name and the account password,
//! or, for the Bdroppy deployment, a bearer token from its login (the runtime's token cache: fetched by the
//! first call, shared by concurrent callers, renewed once after a 401), attached only to requests for the
//! client's own origin.

use http::header::AUTHORIZATION;
use url::Origin;

use super::login::BdroppyLogin;
use crate::{
    Provider, Secret,
    error::{Error, Result},
    runtime::{
        Auth, BoxFuture, OperationMeta,
        basic_auth::BasicCredentials,
        token_cache::{self, TokenCache, bearer_header, sent_bearer},
    },
};

/// The spec's security scheme names (`components/securitySchemes` of `spec/rewix.yaml`).
const BASIC_SCHEME: &str = "basicAuth";
const BEARER_SCHEME: &str = "bearerAuth";

pub(super) enum RewixAuth {
    /// `Basic <base64(key:password)>`, built once, its encoded part scrubbed from error bodies.
    Basic(BasicCredentials),
    Bearer(Box<BearerAuth>),
}

pub(super) struct BearerAuth {
    /// Scheme, host and port of the base URL: the token is never attached to a request elsewhere.
    origin: Origin,
    tokens: TokenCache<BdroppyLogin>,
}

impl RewixAuth {
    pub(super) fn basic(api_key: &Secret, password: &Secret) -> Result<Self> {
        BasicCredentials::new(api_key.expose(), password.expose())
            .map(RewixAuth::Basic)
            .ok_or_else(|| {
                Error::configuration("the Rewix credentials cannot be sent in an HTTP header")
            })
    }

    pub(super) fn bearer(origin: Origin, tokens: TokenCache<BdroppyLogin>) -> Self {
        RewixAuth::Bearer(Box::new(BearerAuth { origin, tokens }))
    }

    /// The secrets the client holds from the start, beyond those it was given: the encoded Basic credentials
    /// (a server echoing the Authorization header would leak them) or the login body.
    pub(super) fn derived_secrets(&self) -> Vec<Secret> {
        match self {
            RewixAuth::Basic(basic) => vec![basic.encoded.clone()],
            RewixAuth::Bearer(bearer) => bearer.tokens.static_secrets(),
        }
    }
}

impl Auth for RewixAuth {
    fn apply<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        op: &'a OperationMeta,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            match self {
                RewixAuth::Basic(basic) => {
                    if op.accepts.contains(&BASIC_SCHEME) {
                        request
                            .headers_mut()
                            .insert(AUTHORIZATION, basic.header.clone());
                    }
                }
                RewixAuth::Bearer(bearer) => {
                    if !op.accepts.contains(&BEARER_SCHEME) {
                        return Ok(());
                    }
                    token_cache::same_origin(request, &bearer.origin, "the Bdroppy token")?;
                    let token = bearer.tokens.token().await?;
                    request
                        .headers_mut()
                        .insert(AUTHORIZATION, bearer_header(&token, Provider::Rewix)?);
                }
            }
            Ok(())
        })
    }

    fn renews(&self) -> bool {
        matches!(self, RewixAuth::Bearer(_))
    }

    fn renew<'a>(&'a self, refused: &'a reqwest::Request) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            match self {
                RewixAuth::Basic(_) => false,
                RewixAuth::Bearer(bearer) => bearer.tokens.renew(sent_bearer(refused)).await,
            }
        })
    }

    fn issued_secrets(&self) -> Vec<Secret> {
        match self {
            RewixAuth::Basic(_) => Vec::new(),
            RewixAuth::Bearer(bearer) => bearer.tokens.issued(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_sensitive_and_never_debug_printed() {
        let Ok(RewixAuth::Basic(auth)) =
            RewixAuth::basic(&Secret::new("key-1234"), &Secret::new("pass-5678"))
        else {
            panic!("Basic credentials");
        };
        assert!(auth.header.is_sensitive());
        assert_eq!(format!("{:?}", auth.header), "Sensitive");
        assert_eq!(
            auth.header.to_str().unwrap(),
            "Basic a2V5LTEyMzQ6cGFzcy01Njc4"
        );
    }
}
