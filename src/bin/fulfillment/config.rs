//! Where a command goes and with which credentials: `--sandbox`, else a profile of the config file, else
//! environment variables (which also override a profile's values). Secrets go straight into
//! [`Secret`] and are never printed.

use std::{collections::BTreeMap, path::PathBuf};

use fulfillment_apis::{Secret, bootic, gooten, rewix, sandbox::Sandbox};
use serde_json::Value;

use crate::{Global, output::CliError, spec::Provider};

/// The environment variables read for each provider, as `(key in a profile, variable)`.
pub const VARIABLES: &[(Provider, &str, &str)] = &[
    (Provider::Gooten, "recipe_id", "GOOTEN_RECIPE_ID"),
    (Provider::Gooten, "billing_key", "GOOTEN_BILLING_KEY"),
    (Provider::Gooten, "base_url", "GOOTEN_BASE_URL"),
    (Provider::Bootic, "client_id", "BOOTIC_CLIENT_ID"),
    (Provider::Bootic, "client_secret", "BOOTIC_CLIENT_SECRET"),
    (Provider::Bootic, "access_token", "BOOTIC_ACCESS_TOKEN"),
    (Provider::Bootic, "base_url", "BOOTIC_BASE_URL"),
    (Provider::Bootic, "token_url", "BOOTIC_TOKEN_URL"),
    (Provider::Rewix, "api_key", "REWIX_API_KEY"),
    (Provider::Rewix, "password", "REWIX_PASSWORD"),
    (Provider::Rewix, "base_url", "REWIX_BASE_URL"),
];

/// A client of one provider.
pub enum Client {
    Gooten(gooten::Client),
    Bootic(bootic::Client),
    Rewix(rewix::Client),
}

impl Client {
    pub async fn dispatch(
        &self,
        id: &str,
        args: &serde_json::Map<String, Value>,
    ) -> fulfillment_apis::Result<Value> {
        match self {
            Client::Gooten(c) => c.dispatch(id, args).await,
            Client::Bootic(c) => c.dispatch(id, args).await,
            Client::Rewix(c) => c.dispatch(id, args).await,
        }
    }
}

fn config_path(global: &Global) -> Option<PathBuf> {
    if let Some(path) = &global.config {
        return Some(path.clone());
    }
    if let Some(path) = std::env::var_os("FULFILLMENT_CONFIG") {
        return Some(path.into());
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("fulfillment").join("config.json"))
}

/// The settings of `provider` in the chosen profile (none unless `--profile` or `FULFILLMENT_PROFILE` names one).
fn profile(global: &Global, provider: Provider) -> Result<BTreeMap<String, String>, CliError> {
    let name = global
        .profile
        .clone()
        .or_else(|| std::env::var("FULFILLMENT_PROFILE").ok());
    let Some(name) = name else {
        return Ok(BTreeMap::new());
    };
    let path = config_path(global)
        .ok_or_else(|| CliError::config("no config file: pass --config FILE".into()))?;
    let text = std::fs::read_to_string(&path).map_err(|e| {
        CliError::config(format!(
            "cannot read the config file {}: {e}",
            path.display()
        ))
    })?;
    let config: Value = serde_json::from_str(&text).map_err(|e| {
        CliError::config(format!(
            "the config file {} is not JSON: {e}",
            path.display()
        ))
    })?;
    let profile = config
        .pointer(&format!("/profiles/{name}"))
        .ok_or_else(|| CliError::config(format!("no profile {name:?} in {}", path.display())))?;
    let settings = profile
        .get(provider.name())
        .and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                .collect()
        })
        .unwrap_or_default();
    Ok(settings)
}

/// Builds the client of `provider`; with `--sandbox`, `sandbox` is the running sandbox.
pub fn client(
    global: &Global,
    provider: Provider,
    sandbox: Option<&Sandbox>,
) -> Result<Client, CliError> {
    let mut settings = BTreeMap::new();
    if let Some(sandbox) = sandbox {
        let pairs: Vec<(&str, String)> = match provider {
            Provider::Gooten => vec![
                (
                    "recipe_id",
                    fulfillment_apis::sandbox::GootenSandbox::RECIPE_ID.into(),
                ),
                (
                    "billing_key",
                    fulfillment_apis::sandbox::GootenSandbox::PARTNER_BILLING_KEY.into(),
                ),
                ("base_url", sandbox.gooten.base_url()),
            ],
            Provider::Bootic => vec![
                (
                    "client_id",
                    fulfillment_apis::sandbox::BooticSandbox::CLIENT_ID.into(),
                ),
                (
                    "client_secret",
                    fulfillment_apis::sandbox::BooticSandbox::CLIENT_SECRET.into(),
                ),
                ("base_url", sandbox.bootic.base_url()),
                ("token_url", sandbox.bootic.token_url()),
            ],
            Provider::Rewix => vec![
                (
                    "api_key",
                    fulfillment_apis::sandbox::RewixSandbox::API_KEY.into(),
                ),
                (
                    "password",
                    fulfillment_apis::sandbox::RewixSandbox::PASSWORD.into(),
                ),
                ("base_url", sandbox.rewix.base_url()),
            ],
        };
        settings.extend(pairs.into_iter().map(|(k, v)| (k.to_string(), v)));
    } else {
        settings = profile(global, provider)?;
        for (p, key, variable) in VARIABLES {
            if *p == provider
                && let Ok(value) = std::env::var(variable)
                && !value.is_empty()
            {
                settings.insert(key.to_string(), value);
            }
        }
    }
    if let Some(url) = &global.base_url {
        settings.insert("base_url".into(), url.clone());
    }
    let missing = |key: &str, variable: &str| {
        CliError::config(format!(
            "{}: no {key} (set {variable}, or `{key}` in a --profile, or use --sandbox)",
            provider.name()
        ))
    };
    let take = |key: &str, variable: &str| {
        settings
            .get(key)
            .cloned()
            .ok_or_else(|| missing(key, variable))
    };
    let build_error = |e: fulfillment_apis::Error| CliError::Api(Box::new(e));
    Ok(match provider {
        Provider::Gooten => {
            let mut builder =
                gooten::Client::builder(Secret::new(take("recipe_id", "GOOTEN_RECIPE_ID")?));
            if let Some(key) = settings.get("billing_key") {
                builder = builder.with_billing_key(Secret::new(key.clone()));
            }
            let environment = match settings.get("base_url").map(String::as_str) {
                None | Some("production") => gooten::Environment::Production,
                Some("staging") => gooten::Environment::Staging,
                Some(url) => gooten::Environment::Custom(url.into()),
            };
            Client::Gooten(
                builder
                    .with_environment(environment)
                    .build()
                    .map_err(build_error)?,
            )
        }
        Provider::Bootic => {
            let credentials = match settings.get("access_token") {
                Some(token) => bootic::Credentials::access_token(Secret::new(token.clone())),
                None => bootic::Credentials::client_credentials(
                    take("client_id", "BOOTIC_CLIENT_ID")?,
                    Secret::new(take("client_secret", "BOOTIC_CLIENT_SECRET")?),
                ),
            };
            let mut builder = bootic::Client::builder(credentials);
            if let Some(url) = settings.get("base_url") {
                builder = builder.with_environment(bootic::Environment::Custom(url.clone()));
            }
            if let Some(url) = settings.get("token_url") {
                builder = builder.with_token_url(url.clone());
            }
            Client::Bootic(builder.build().map_err(build_error)?)
        }
        Provider::Rewix => {
            let builder = rewix::Client::builder(
                Secret::new(take("api_key", "REWIX_API_KEY")?),
                Secret::new(take("password", "REWIX_PASSWORD")?),
            );
            let environment = match settings.get("base_url").map(String::as_str) {
                None | Some("production") => rewix::Environment::Production,
                Some("production-us") => rewix::Environment::ProductionUs,
                Some("sandbox") => rewix::Environment::Sandbox,
                Some(url) => rewix::Environment::Custom(url.into()),
            };
            Client::Rewix(
                builder
                    .with_environment(environment)
                    .build()
                    .map_err(build_error)?,
            )
        }
    })
}
