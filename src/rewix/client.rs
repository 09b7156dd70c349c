//! The Rewix client: environments, credentials and options.

use std::fmt;

use crate::{
    RetryPolicy, Secret, base_url,
    error::{Error, Result},
    runtime::{Options, Runtime},
};

use super::{WireFormat, auth::RewixAuth, dialect::RewixDialect, generated};

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
    /// Any other supplier's Rewix host, a proxy or a local fake. Plain `http://` is accepted for loopback hosts
    /// only.
    Custom(String),
}

base_url::environment_urls! {
    Production => "https://www.brandsdistribution.com",
    ProductionUs => "https://us.brandsdistribution.com",
    Sandbox => "https://idt2015.rewix.zero11.net",
}

/// Builds a [`Client`]; see [`Client::builder`].
#[derive(Clone, Debug)]
#[must_use]
pub struct ClientBuilder {
    api_key: Secret,
    password: Secret,
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

    /// Checks the configuration and builds the client.
    ///
    /// Fails with [`ErrorKind::Configuration`](crate::ErrorKind::Configuration) for an empty API key or
    /// password, an API key containing `:` (HTTP Basic cannot carry it), or a base URL that is not HTTPS
    /// (plain HTTP is allowed to loopback hosts only).
    pub fn build(self) -> Result<Client> {
        if self.api_key.expose().trim().is_empty() {
            return Err(Error::configuration("the Rewix API key is empty"));
        }
        if self.password.is_empty() {
            return Err(Error::configuration("the Rewix password is empty"));
        }
        // RFC 7617: the user-id of Basic credentials cannot contain a colon; the server would split there.
        if self.api_key.expose().contains(':') {
            return Err(Error::configuration(
                "the Rewix API key contains ':', which HTTP Basic authentication cannot carry",
            ));
        }
        let base = base_url::parse(self.environment.base_url())?;
        let auth = RewixAuth::new(&self.api_key, &self.password)?;
        // The encoded credentials are scrubbed too: a server echoing the Authorization header would leak them.
        let secrets = vec![
            self.api_key.clone(),
            self.password.clone(),
            auth.encoded_credentials(),
        ];
        let api = generated::connect(&base, self.options.clone(), auth, RewixDialect, secrets)?;
        Ok(Client {
            api,
            environment: self.environment,
            retry: self.options.retry,
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
    pub(super) retry: RetryPolicy,
    pub(super) wire: WireFormat,
}

impl Client {
    /// Starts building a client for an account: HTTP Basic with the API key as the user name and the account
    /// password, as the provider documents.
    pub fn builder(api_key: impl Into<Secret>, password: impl Into<Secret>) -> ClientBuilder {
        ClientBuilder {
            api_key: api_key.into(),
            password: password.into(),
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
            .field("api_key", &"[REDACTED]")
            .field("password", &"[REDACTED]")
            .field("runtime", self.runtime())
            .finish()
    }
}
