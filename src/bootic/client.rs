//! The Bootic client: environment, credentials and options.

use std::{fmt, time::Duration};

use url::Url;

use crate::{
    Provider, RetryPolicy, Secret, base_url,
    error::{Error, Result},
    runtime::{Options, Runtime},
};

use super::{
    auth::{BooticAuth, TokenSource, bearer_header},
    dialect::BooticDialect,
    generated,
    token::{self, TokenConfig},
};

/// The OAuth2 token endpoint of the production API.
pub const DEFAULT_TOKEN_URL: &str = "https://auth.bootic.net/oauth/token";

/// How long before its expiry a fetched token is replaced, by default.
pub const DEFAULT_TOKEN_REFRESH_SKEW: Duration = Duration::from_secs(60);

/// Where the client sends requests.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Environment {
    /// `https://api.bootic.net/v1`, the only documented host.
    Production,
    /// Any other API root (the sandbox, a proxy). Plain `http://` is accepted for loopback hosts only.
    Custom(String),
}

base_url::environment_urls! {
    Production => "https://api.bootic.net/v1",
}

/// How the client authenticates.
///
/// ```
/// use fulfillment_apis::{Secret, bootic::Credentials};
///
/// let app = Credentials::client_credentials("my-client-id", Secret::new("my-client-secret"));
/// let fixed = Credentials::access_token(Secret::new("a-token-from-elsewhere"));
/// let shown = format!("{app:?} {fixed:?}");
/// assert!(!shown.contains("my-client-secret") && !shown.contains("a-token-from-elsewhere"));
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Credentials {
    /// An OAuth2 application's client id and secret: the client fetches a token with the client-credentials
    /// grant (scope `admin`), caches it, replaces it before it expires and once after a 401 answer.
    ClientCredentials {
        /// The application's client id.
        client_id: String,
        /// The application's client secret.
        client_secret: Secret,
    },
    /// An access token obtained elsewhere. It is sent as is and cannot be renewed: once it expires, calls fail
    /// with [`ErrorKind::Authentication`](crate::ErrorKind::Authentication).
    AccessToken(Secret),
}

impl Credentials {
    /// Client-credentials grant with this application's id and secret.
    pub fn client_credentials(
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        Credentials::ClientCredentials {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        }
    }
    /// A fixed bearer token.
    pub fn access_token(token: impl Into<Secret>) -> Self {
        Credentials::AccessToken(token.into())
    }
}

/// Builds a [`Client`]; see [`Client::builder`].
#[derive(Clone, Debug)]
#[must_use]
pub struct ClientBuilder {
    credentials: Credentials,
    environment: Environment,
    token_url: base_url::UrlText,
    token_refresh_skew: Duration,
    options: Options,
}

impl ClientBuilder {
    crate::runtime::client_options!("Production (the default) or a custom API root.");

    /// The OAuth2 token endpoint (default [`DEFAULT_TOKEN_URL`]); HTTPS, or plain HTTP to a loopback host.
    /// Used with [`Credentials::ClientCredentials`] only.
    pub fn with_token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = base_url::UrlText(url.into());
        self
    }
    /// How long before its expiry a fetched token is replaced (default [`DEFAULT_TOKEN_REFRESH_SKEW`]), so a
    /// token never expires between being attached and reaching Bootic. A token living less than twice the
    /// skew is replaced half-way through its life.
    pub fn with_token_refresh_skew(mut self, skew: Duration) -> Self {
        self.token_refresh_skew = skew;
        self
    }

    /// Checks the configuration and builds the client. Nothing is sent: the first token is fetched by the
    /// first call.
    ///
    /// Fails with [`ErrorKind::Configuration`](crate::ErrorKind::Configuration) for an empty client id,
    /// secret or token, or an API root or token URL that is not HTTPS (plain HTTP is allowed to loopback
    /// hosts only).
    pub fn build(self) -> Result<Client> {
        let configuration =
            |message: &str| Error::configuration(message).with_provider(Provider::Bootic);
        let base = base_url::parse(self.environment.base_url())?;
        let mut options = self.options.clone();
        // One HTTP client for the API and the token endpoint (shared connection pool and TLS settings).
        let http = options.http_client()?;
        options.http = Some(http.clone());
        let (source, secrets, token_url) = match &self.credentials {
            Credentials::ClientCredentials {
                client_id,
                client_secret,
            } => {
                if client_id.trim().is_empty() {
                    return Err(configuration("the Bootic client id is empty"));
                }
                if client_secret.is_empty() {
                    return Err(configuration("the Bootic client secret is empty"));
                }
                let token_url = base_url::parse(&self.token_url.0)?;
                let manager = token::manager(TokenConfig {
                    http,
                    token_url: token_url.clone(),
                    client_id: client_id.clone(),
                    client_secret: client_secret.clone(),
                    refresh_skew: self.token_refresh_skew,
                    attempt_timeout: options.timeouts.attempt(),
                    retry: options.retry.clone(),
                    max_response_bytes: options.max_response_bytes,
                })?;
                let secrets = manager.static_secrets();
                (
                    TokenSource::ClientCredentials(Box::new(manager)),
                    secrets,
                    Some(token_url),
                )
            }
            Credentials::AccessToken(token) => {
                if token.is_empty() {
                    return Err(configuration("the Bootic access token is empty"));
                }
                bearer_header(token)?;
                (
                    TokenSource::Static(token.clone()),
                    vec![token.clone()],
                    None,
                )
            }
        };
        let auth = BooticAuth {
            origin: base.origin(),
            source,
        };
        let api = generated::connect(&base, options.clone(), auth, BooticDialect, secrets)?;
        Ok(Client {
            api,
            base,
            environment: self.environment,
            token_url,
            retry: options.retry,
        })
    }
}

/// A Bootic API client. Cheap to clone; clones share connections and the cached access token.
///
/// ```
/// use fulfillment_apis::{ErrorKind, Secret, bootic};
///
/// let err = bootic::Client::builder(bootic::Credentials::access_token(Secret::new("token")))
///     .with_environment(bootic::Environment::Custom("http://api.example.com/v1".into()))
///     .build()
///     .unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Configuration); // plain HTTP only to loopback
/// ```
#[derive(Clone)]
pub struct Client {
    api: generated::Client,
    pub(super) base: Url,
    environment: Environment,
    token_url: Option<Url>,
    pub(super) retry: RetryPolicy,
}

impl Client {
    /// Starts building a client with these credentials, for production, with the default token URL.
    pub fn builder(credentials: Credentials) -> ClientBuilder {
        ClientBuilder {
            credentials,
            environment: Environment::Production,
            token_url: base_url::UrlText(DEFAULT_TOKEN_URL.to_string()),
            token_refresh_skew: DEFAULT_TOKEN_REFRESH_SKEW,
            options: Options::default(),
        }
    }

    /// Every operation of the spec, with this client's token, retries and tracing: start a request, set its
    /// parameters, and `.await` it for the crate's [`Result`](crate::Result).
    ///
    /// ```no_run
    /// # async fn run(client: fulfillment_apis::bootic::Client) -> fulfillment_apis::Result<()> {
    /// let shop = client.api().get_shop().shop_id(1234).await?;
    /// println!("{:?}", shop.name);
    /// # Ok(()) }
    /// ```
    pub fn api(&self) -> generated::api::Api<'_> {
        generated::api::Api::new(&self.api)
    }

    /// The environment the client talks to.
    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    pub(super) fn runtime(&self) -> &Runtime {
        &self.api.inner
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let credentials = if self.token_url.is_some() {
            "client_credentials [REDACTED]"
        } else {
            "access_token [REDACTED]"
        };
        f.debug_struct("bootic::Client")
            .field("environment", &self.environment)
            .field("credentials", &credentials)
            .field("token_url", &self.token_url.as_ref().map(Url::as_str))
            .field("runtime", self.runtime())
            .finish()
    }
}
