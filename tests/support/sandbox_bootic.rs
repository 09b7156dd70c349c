//! Setup shared by the Bootic sandbox tests (sandbox_bootic*.rs): a plain HTTP client, tokens and orders.

use fulfillment_apis::sandbox::BooticSandbox;
use reqwest::StatusCode;
use serde_json::Value;

pub fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

pub async fn token(bootic: &BooticSandbox) -> String {
    let response = http()
        .post(bootic.token_url())
        .basic_auth(BooticSandbox::CLIENT_ID, Some(BooticSandbox::CLIENT_SECRET))
        .form(&[("grant_type", "client_credentials"), ("scope", "admin")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["scope"], "admin");
    assert!(body["expires_in"].as_u64().unwrap() > 0);
    body["access_token"].as_str().unwrap().to_string()
}

pub fn orders_url(bootic: &BooticSandbox) -> String {
    format!(
        "{}/shops/{}/orders",
        bootic.base_url(),
        BooticSandbox::SHOP_ID
    )
}

pub async fn create(bootic: &BooticSandbox, token: &str, body: Value) -> reqwest::Response {
    http()
        .post(orders_url(bootic))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// How many of the shop's orders the listing with `query` counts (`total_items`).
pub async fn order_count(bootic: &BooticSandbox, token: &str, query: &[(&str, &str)]) -> i64 {
    let list: fulfillment_apis::bootic::types::OrderList = http()
        .get(orders_url(bootic))
        .bearer_auth(token)
        .query(query)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list.total_items
}

/// The first field error of a 422 answer (its field and messages), `context` naming the request in a failure.
pub async fn first_field_error(
    response: reqwest::Response,
    context: &str,
) -> (String, Vec<String>) {
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "{context}"
    );
    let errors = response
        .json::<fulfillment_apis::bootic::types::Error>()
        .await
        .unwrap()
        .embedded
        .unwrap()
        .errors;
    let first = errors.into_iter().next().expect("a field error");
    (first.field, first.messages)
}
