//! The Rewix client: environments, credentials and options.

use std::fmt;

use crate::{
    RetryPolicy, Secret, base_url,
    error::{Error, Result},
    runtime::{
        Options, Runtime,
        token_cache::{TokenCache, TokenSettings},
    },
};

use super::{WireFormat, auth::RewixAuth, dialect::RewixDialect, generated, login::BdroppyLogin};

/// Where the client sends requests. Every Rewix supplier runs its own host with the same paths; the named
/// variants are Brandsdistribution's (the `servers` of `spec/rewix.yaml`).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Environment {
    /// `https://www.brandsdistribution.com`: Brandsdistribution production; orders are real.
    Production,
    /// `https://us.brandsdistribution.com`: Brandsdistribution's US production host.
    ProductionUs,
    /// `https://idt2015.rewix.zero11.net`: the Brandsdistribution sandbox named on its developer page (last
    /// updated 2019, so check with the supplier that it is still up).
    Sandbox,
    /// `https://prod.bdroppy.com`: Bdroppy (IDT S.p.A.) production, with [`Credentials::BdroppyLogin`].
    /// Known from one third-party source, IDT's PrestaShop plugin.
    Bdroppy,
    /// `https://dev.bdroppy.com`: the Bdroppy host of that plugin's sandbox mode, with
    /// [`Credentials::BdroppyLogin`] (check with the supplier that it is still up).
    BdroppySandbox,
    /// Any other supplier's Rewix host, a proxy or a local fake. Plain `http://` is accepted for loopback hosts
    /// only.
    Custom(String),
}

base_url::environment_urls! {
    Production => "https://www.brandsdistribution.com",
    ProductionUs => "https://us.brandsdistribution.com",
    Sandbox => "https://idt2015.rewix.zero11.net",
    Bdroppy => "https://prod.bdroppy.com",
    BdroppySandbox => "https://dev.bdroppy.com",
}

/// How the client authenticates.
///
/// ```
/// use fulfillment_apis::{Secret, rewix::Credentials};
///
/// let basic = Credentials::basic(Secret::new("my-api-key"), Secret::new("my-password"));
/// let bdroppy = Credentials::bdroppy_login(Secret::new("my-api-key"), Secret::new("my-password"));
/// let shown = format!("{basic:?} {bdroppy:?}");
/// assert!(!shown.contains("my-api-key") && !shown.contains("my-password"));
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Credentials {
    /// HTTP Basic on every call, the API key as the user name and the account password: what the provider
    /// documents, and what [`Client::builder`] uses.
    Basic {
        /// The API key.
        api_key: Secret,
        /// The account password.
        password: Secret,
    },
    /// The Bdroppy deployment's bearer token: the client logs in (`POST /api/auth/login` with the e-mail and
    /// password as JSON) on the first call, sends `Authorization: Bearer <token>`, shares one login among
    /// concurrent calls, and after a 401 logs in again once and repeats the request once. Known from one
    /// third-party source (IDT's PrestaShop plugin), which sends its API key as the e-mail.
    BdroppyLogin {
        /// The login e-mail (the plugin sends the account's API key here).
        email: Secret,
        /// The account password.
        password: Secret,
    },
}

impl Credentials {
    /// HTTP Basic with this API key and password.
    pub fn basic(api_key: impl Into<Secret>, password: impl Into<Secret>) -> Self {
        Credentials::Basic {
            api_key: api_key.into(),
            password: password.into(),
        }
    }

    /// The Bdroppy login with this e-mail (or API key) and password.
    pub fn bdroppy_login(email: impl Into<Secret>, password: impl Into<Secret>) -> Self {
        Credentials::BdroppyLogin {
            email: email.into(),
            password: password.into(),
        }
    }
}

/// Builds a [`Client`]; see [`Client::builder`].
#[derive(Clone, Debug)]
#[must_use]
pub struct ClientBuilder {
    credentials: Credentials,
    environment: Environment,
    options: Options,
    wire: WireFormat,
}

impl ClientBuilder {
    crate::runtime::client_options!(
        "Brandsdistribution production (the default), US, the sandbox, or another supplier's host."
    );

    /// The format of the ghost calls' bodies: JSON (the default) or XML, the format every public integration
    /// uses. Orders, reservations, order lookups, returns and the catalog export ([`Client::products`],
    /// [`Client::sync`], [`Client::export_products`]: `products.xml` instead of `products.json`) are then sent
    /// and read in that format, with the same auth, retries, size limits and errors; [`Client::api`] stays JSON.
    pub fn with_wire_format(mut self, wire: WireFormat) -> Self {
        self.wire = wire;
        self
    }

    /// Checks the configuration and builds the client. Nothing is sent: with
    /// [`Credentials::BdroppyLogin`], the first call logs in.
    ///
    /// Fails with [`ErrorKind::Configuration`](crate::ErrorKind::Configuration) for an empty API key, e-mail
    /// or password, an API key containing `:` (HTTP Basic cannot carry it), or a base URL that is not HTTPS
    /// (plain HTTP is allowed to loopback hosts only).
    pub fn build(self) -> Result<Client> {
        let configuration = |message: &str| Error::configuration(message);
        let base = base_url::parse(self.environment.base_url())?;
        let mut options = self.options.clone();
        let (auth, mut secrets) = match &self.credentials {
            Credentials::Basic { api_key, password } => {
                if api_key.expose().trim().is_empty() {
                    return Err(configuration("the Rewix API key is empty"));
                }
                if password.is_empty() {
                    return Err(configuration("the Rewix password is empty"));
                }
                // RFC 7617: the user-id of Basic credentials cannot contain a colon; the server would split
                // there.
                if api_key.expose().contains(':') {
                    return Err(configuration(
                        "the Rewix API key contains ':', which HTTP Basic authentication cannot carry",
                    ));
                }
                let auth = RewixAuth::basic(api_key, password)?;
                (auth, vec![api_key.clone(), password.clone()])
            }
            Credentials::BdroppyLogin { email, password } => {
                if email.expose().trim().is_empty() {
                    return Err(configuration("the Bdroppy login e-mail is empty"));
                }
                if password.is_empty() {
                    return Err(configuration("the Bdroppy password is empty"));
                }
                // One HTTP client for the API and the login (shared connections and TLS settings; the crate's
                // client never follows redirects, and the login's answer is read like every other).
                let http = options.http_client()?;
                options.http = Some(http.clone());
                let login = BdroppyLogin::new(&base, email.clone(), password.clone())?;
                let tokens = TokenCache::new(
                    login,
                    TokenSettings {
                        http,
                        // The lifetime is not known, so nothing is renewed ahead of time.
                        refresh_skew: std::time::Duration::ZERO,
                        attempt_timeout: options.timeouts.attempt(),
                        retry: options.retry.clone(),
                        max_response_bytes: options.max_response_bytes,
                    },
                );
                let auth = RewixAuth::bearer(base.origin(), tokens);
                (auth, vec![email.clone(), password.clone()])
            }
        };
        secrets.extend(auth.derived_secrets());
        let api = generated::connect(&base, options.clone(), auth, RewixDialect, secrets)?;
        Ok(Client {
            api,
            environment: self.environment,
            bearer: matches!(self.credentials, Credentials::BdroppyLogin { .. }),
            retry: options.retry,
            wire: self.wire,
        })
    }
}

/// A Rewix API client. Cheap to clone; clones share connections.
///
/// ```
/// use fulfillment_apis::{ErrorKind, Secret, rewix};
///
/// let client = rewix::Client::builder(Secret::new("my-api-key"), Secret::new("my-password"))
///     .with_environment(rewix::Environment::Sandbox)
///     .build()?;
/// assert!(!format!("{client:?}").contains("my-password"));
///
/// let err = rewix::Client::builder("my-api-key", "my-password")
///     .with_environment(rewix::Environment::Custom("http://rewix.example.com".into()))
///     .build()
///     .unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Configuration); // plain HTTP only to loopback
/// # Ok::<(), fulfillment_apis::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    api: generated::Client,
    environment: Environment,
    /// Whether the client logs in for a Bdroppy bearer token (for `Debug`).
    bearer: bool,
    pub(super) retry: RetryPolicy,
    pub(super) wire: WireFormat,
}

impl Client {
    /// Starts building a client for an account: HTTP Basic with the API key as the user name and the account
    /// password, as the provider documents ([`Credentials::Basic`]).
    pub fn builder(api_key: impl Into<Secret>, password: impl Into<Secret>) -> ClientBuilder {
        Self::builder_with(Credentials::basic(api_key, password))
    }

    /// Starts building a client with these credentials, for Brandsdistribution production; pick the
    /// environment with [`ClientBuilder::with_environment`].
    ///
    /// ```no_run
    /// use fulfillment_apis::{Secret, rewix};
    ///
    /// # async fn run() -> fulfillment_apis::Result<()> {
    /// let client = rewix::Client::builder_with(rewix::Credentials::bdroppy_login(
    ///     Secret::new("my-api-key"),
    ///     Secret::new("my-password"),
    /// ))
    /// .with_environment(rewix::Environment::Bdroppy)
    /// .build()?;
    /// // The first call logs in; later ones reuse the token, and a refused token is renewed once.
    /// let carriers = client.api().list_carriers().await?;
    /// println!("{} carriers", carriers.len());
    /// # Ok(()) }
    /// ```
    pub fn builder_with(credentials: Credentials) -> ClientBuilder {
        ClientBuilder {
            credentials,
            environment: Environment::Production,
            options: Options::default(),
            wire: WireFormat::Json,
        }
    }

    /// Every operation of the spec, with this client's auth, retries and tracing: start a request, set its
    /// parameters, and `.await` it for the crate's [`Result`](crate::Result).
    ///
    /// ```no_run
    /// # async fn run(client: fulfillment_apis::rewix::Client) -> fulfillment_apis::Result<()> {
    /// let carriers = client.api().list_carriers().await?;
    /// println!("{} carriers", carriers.len());
    /// # Ok(()) }
    /// ```
    ///
    ///
    /// An order sent here is sent once, with no lookup after a lost answer; [`Client::send_order`] sends
    /// exactly once.
    pub fn api(&self) -> generated::api::Api<'_> {
        generated::api::Api::new(&self.api)
    }

    /// The environment the client talks to.
    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    /// The format of the ghost calls (see [`ClientBuilder::with_wire_format`]).
    pub fn wire_format(&self) -> WireFormat {
        self.wire
    }

    pub(super) fn runtime(&self) -> &Runtime {
        &self.api.inner
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("rewix::Client")
            .field("environment", &self.environment)
            .field("wire_format", &self.wire)
            .field(
                "credentials",
                &if self.bearer {
                    "bdroppy_login [REDACTED]"
                } else {
                    "basic [REDACTED]"
                },
            )
            .field("runtime", self.runtime())
            .finish()
    }
}
