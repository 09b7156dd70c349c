//! Bootic credentials on every request: an OAuth2 bearer token, either fetched with the client-credentials
//! grant (the token cache, `token.rs`: cached, renewed before it expires and once after a 401) or given by the
//! caller, and attached only to requests for the client's own origin.

use http::{HeaderValue, header::AUTHORIZATION};
use url::Origin;

use super::token::TokenManager;
use crate::{
    Provider, Secret,
    error::Result,
    runtime::{
        Auth, BoxFuture, OperationMeta,
        token_cache::{self, sent_bearer},
    },
};

/// The spec's security scheme (`components/securitySchemes/oauth2` of `spec/bootic.yaml`).
const OAUTH2_SCHEME: &str = "oauth2";

/// The `Auth` of a Bootic client: the bearer token for every request to the client's own origin.
pub(super) struct BooticAuth {
    /// Scheme, host and port of the base URL: the token is never attached to a request elsewhere.
    pub origin: Origin,
    pub source: TokenSource,
}

/// Where the bearer token comes from.
pub(super) enum TokenSource {
    /// A token given by the caller; it cannot be renewed.
    Static(Secret),
    /// The client-credentials grant.
    ClientCredentials(Box<TokenManager>),
}

impl Auth for BooticAuth {
    fn apply<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        op: &'a OperationMeta,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            if !op.security.contains(&OAUTH2_SCHEME) {
                return Ok(());
            }
            token_cache::same_origin(request, &self.origin, "the Bootic access token")?;
            let token = match &self.source {
                TokenSource::Static(token) => token.clone(),
                TokenSource::ClientCredentials(manager) => manager.token().await?,
            };
            request
                .headers_mut()
                .insert(AUTHORIZATION, bearer_header(&token)?);
            Ok(())
        })
    }

    fn renews(&self) -> bool {
        matches!(self.source, TokenSource::ClientCredentials(_))
    }

    fn renew<'a>(&'a self, refused: &'a reqwest::Request) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            match &self.source {
                TokenSource::Static(_) => false,
                TokenSource::ClientCredentials(manager) => {
                    manager.renew(sent_bearer(refused)).await
                }
            }
        })
    }

    fn issued_secrets(&self) -> Vec<Secret> {
        match &self.source {
            TokenSource::Static(_) => Vec::new(),
            TokenSource::ClientCredentials(manager) => manager.issued(),
        }
    }
}

/// `Bearer <token>`, marked sensitive so that no `Debug` of the request shows it.
pub(super) fn bearer_header(token: &Secret) -> Result<HeaderValue> {
    token_cache::bearer_header(token, Provider::Bootic)
}
