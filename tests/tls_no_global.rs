//! The library sets nothing process-wide: building every provider's client and making calls through it
//! leaves rustls' process default crypto provider unset, so the application stays free to install its own.
//! (This file is its own test binary, and nothing in it installs a provider.)
#![cfg(all(feature = "gooten", feature = "bootic", feature = "rewix"))]

mod support;

use fulfillment_apis::{Secret, bootic, gooten, rewix};
use serde_json::json;
use support::{Reply, ScriptedServer};

#[tokio::test]
async fn clients_install_no_process_wide_crypto_provider() {
    assert!(rustls::crypto::CryptoProvider::get_default().is_none());
    let server = ScriptedServer::start(|_| {
        Reply::json(
            200,
            json!({"Id": "7-1", "SourceId": "WEB-1", "Items": [], "HadError": false}),
        )
    })
    .await;
    let gooten = gooten::Client::builder("recipe")
        .with_environment(gooten::Environment::Custom(server.url("/api")))
        .build()
        .unwrap();
    let order = gooten.get_order("7-1").await.unwrap();
    assert_eq!(order.id.as_deref(), Some("7-1"));
    // HTTPS clients too (built, not called: no network in tests).
    gooten::Client::builder("recipe").build().unwrap();
    rewix::Client::builder(Secret::new("key"), Secret::new("password"))
        .build()
        .unwrap();
    bootic::Client::builder(bootic::Credentials::access_token(Secret::new("token")))
        .build()
        .unwrap();
    assert!(
        rustls::crypto::CryptoProvider::get_default().is_none(),
        "the library installed a process-wide rustls provider"
    );
    // The application can still install the provider of its choice.
    assert!(
        rustls::crypto::ring::default_provider()
            .install_default()
            .is_ok()
    );
}
