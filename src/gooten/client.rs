//! The Gooten client: environments, credentials and options.

use std::fmt;

use crate::{
    RetryPolicy, Secret, base_url,
    error::Result,
    runtime::{Options, Runtime},
};

use super::{auth::GootenAuth, dialect::GootenDialect, generated};

/// Where the client sends requests.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Environment {
    /// `https://api.print.io/api`: live recipe ids and billing keys; orders are made and charged.
    Production,
    /// `https://staging-api.print.io/api`: test-mode keys; orders never reach the fulfillment network.
    Staging,
    /// Any other base URL (the sandbox, a proxy). Plain `http://` is accepted for loopback hosts only.
    Custom(String),
}

base_url::environment_urls! {
    Production => "https://api.print.io/api",
    Staging => "https://staging-api.print.io/api",
}

/// Builds a [`Client`]; see [`Client::builder`].
#[derive(Clone, Debug)]
#[must_use]
pub struct ClientBuilder {
    recipe_id: Secret,
    billing_key: Option<Secret>,
    environment: Environment,
    options: Options,
}

impl ClientBuilder {
    crate::runtime::client_options!("Production (the default), staging, or a custom base URL.");

    /// The partner billing key: needed to submit orders on credit, search orders and set order status.
    pub fn with_billing_key(mut self, key: impl Into<Secret>) -> Self {
        self.billing_key = Some(key.into());
        self
    }
    /// Checks the configuration and builds the client.
    ///
    /// Fails with [`ErrorKind::Configuration`](crate::ErrorKind::Configuration) for an empty recipe id, an
    /// empty billing key, or a base URL that is not HTTPS (plain HTTP is allowed to loopback hosts only).
    pub fn build(self) -> Result<Client> {
        if self.recipe_id.expose().trim().is_empty() {
            return Err(crate::Error::configuration("the Gooten recipe id is empty"));
        }
        if self.billing_key.as_ref().is_some_and(Secret::is_empty) {
            return Err(crate::Error::configuration(
                "the Gooten partner billing key is empty",
            ));
        }
        let base = base_url::parse(self.environment.base_url())?;
        // The recipe id authenticates every call, so it is scrubbed from error bodies like the billing key.
        let secrets = std::iter::once(self.recipe_id.clone())
            .chain(self.billing_key.iter().cloned())
            .collect();
        let auth = GootenAuth {
            recipe_id: self.recipe_id.clone(),
            billing_key: self.billing_key.clone(),
        };
        let api = generated::connect(&base, self.options.clone(), auth, GootenDialect, secrets)?;
        Ok(Client {
            api,
            environment: self.environment,
            has_billing_key: self.billing_key.is_some(),
            retry: self.options.retry,
        })
    }
}

/// A Gooten API client. Cheap to clone; clones share connections.
///
/// ```
/// use fulfillment_apis::{gooten, ErrorKind};
///
/// let err = gooten::Client::builder("recipe")
///     .with_environment(gooten::Environment::Custom("http://api.example.com".into()))
///     .build()
///     .unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Configuration); // plain HTTP only to loopback
/// ```
#[derive(Clone)]
pub struct Client {
    api: generated::Client,
    environment: Environment,
    has_billing_key: bool,
    pub(super) retry: RetryPolicy,
}

impl Client {
    /// Starts building a client for the recipe id shown in the Gooten Admin. The recipe id authenticates
    /// every call, so it is kept as a [`Secret`]: never in `Debug`, errors or logs.
    pub fn builder(recipe_id: impl Into<Secret>) -> ClientBuilder {
        ClientBuilder {
            recipe_id: recipe_id.into(),
            billing_key: None,
            environment: Environment::Production,
            options: Options::default(),
        }
    }

    /// Every operation of the spec, with this client's auth, retries and tracing: start a request, set its
    /// parameters, and `.await` it for the crate's [`Result`](crate::Result).
    ///
    /// ```no_run
    /// # async fn run(client: fulfillment_apis::gooten::Client) -> fulfillment_apis::Result<()> {
    /// let order = client.api().get_order().id("7-abc").await?;
    /// println!("{:?}", order.items);
    /// # Ok(()) }
    /// ```
    ///
    /// Awaiting is the only way to send a request; progenitor's `send()` is not reachable:
    ///
    /// ```compile_fail
    /// # async fn run(client: fulfillment_apis::gooten::Client) {
    /// let _ = client.api().get_order().id("7-abc").send().await;
    /// # }
    /// ```
    ///
    /// nor are progenitor's client and the runtime under it:
    ///
    /// ```compile_fail
    /// use fulfillment_apis::gooten::generated::Client;
    /// ```
    ///
    /// ```compile_fail
    /// use fulfillment_apis::Runtime;
    /// ```
    pub fn api(&self) -> generated::api::Api<'_> {
        generated::api::Api::new(&self.api)
    }

    /// The environment the client talks to.
    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    pub(super) fn has_billing_key(&self) -> bool {
        self.has_billing_key
    }

    pub(super) fn runtime(&self) -> &Runtime {
        &self.api.inner
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("gooten::Client")
            .field("environment", &self.environment)
            .field(
                "billing_key",
                &if self.has_billing_key {
                    "[REDACTED]"
                } else {
                    "none"
                },
            )
            .field("runtime", self.runtime())
            .finish()
    }
}
