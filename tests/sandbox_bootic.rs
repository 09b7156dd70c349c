//! The Bootic fake over plain HTTP: the client-credentials token endpoint, token expiry and revocation, and
//! orders (create, 422, get, update, bulk status changes).
#![cfg(feature = "sandbox")]

mod support;

use std::time::Duration;

use fulfillment_apis::{bootic::types as t, sandbox::BooticSandbox};
use reqwest::StatusCode;
use serde_json::{Value, json};

use support::sandbox_bootic::*;

#[tokio::test]
async fn the_token_endpoint_authenticates_the_client_with_basic() {
    let bootic = BooticSandbox::start().await.unwrap();
    let wrong = http()
        .post(bootic.token_url())
        .basic_auth(BooticSandbox::CLIENT_ID, Some("not-the-secret"))
        .form(&[("grant_type", "client_credentials"), ("scope", "admin")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong.json::<Value>().await.unwrap()["error"],
        "invalid_client"
    );
    let grant = http()
        .post(bootic.token_url())
        .basic_auth(BooticSandbox::CLIENT_ID, Some(BooticSandbox::CLIENT_SECRET))
        .form(&[("grant_type", "password")])
        .send()
        .await
        .unwrap();
    assert_eq!(grant.status(), StatusCode::BAD_REQUEST);
    let token = token(&bootic).await;
    assert_eq!(bootic.tokens_issued(), 1);
    let root = http()
        .get(bootic.base_url())
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(root.status(), StatusCode::OK);
    let root: t::Root = root.json().await.unwrap();
    assert_eq!(
        root.embedded.unwrap().shops[0]
            .id
            .as_ref()
            .map(ToString::to_string),
        Some(BooticSandbox::SHOP_ID.to_string())
    );
}

#[tokio::test]
async fn a_missing_revoked_or_expired_token_answers_401() {
    let bootic = BooticSandbox::start().await.unwrap();
    let unauthorized = |response: reqwest::Response| async move {
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let error: t::Error = response.json().await.unwrap();
        assert_eq!(error.message.as_deref(), Some("Unauthorized"));
    };
    unauthorized(http().get(orders_url(&bootic)).send().await.unwrap()).await;

    let live = token(&bootic).await;
    assert_eq!(
        http()
            .get(orders_url(&bootic))
            .bearer_auth(&live)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    bootic.revoke_all_tokens();
    unauthorized(
        http()
            .get(orders_url(&bootic))
            .bearer_auth(&live)
            .send()
            .await
            .unwrap(),
    )
    .await;

    // Built before the token is issued, and long-lived enough, so a loaded CI machine still uses the token
    // before it expires.
    let client = http();
    bootic.set_token_lifetime(Duration::from_millis(1500));
    let short = token(&bootic).await;
    assert_eq!(
        client
            .get(orders_url(&bootic))
            .bearer_auth(&short)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(1600)).await;
    unauthorized(
        client
            .get(orders_url(&bootic))
            .bearer_auth(&short)
            .send()
            .await
            .unwrap(),
    )
    .await;
}

#[tokio::test]
async fn create_answers_201_with_the_order_in_checkout() {
    let bootic = BooticSandbox::start().await.unwrap();
    let token = token(&bootic).await;
    let response = create(
        &bootic,
        &token,
        json!({"line_items": [{"variant_id": 1234, "units": 3}, {"variant_id": 3222, "units": 9}],
               "contact": {"email": "joe@bloggs.com"}, "address": {"id": 35666}}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert!(response.headers().contains_key("etag"));
    assert_eq!(response.headers()["x-oauth-scopes"], "admin");
    let order: t::Order = response.json().await.unwrap();
    assert_eq!(order.status, t::OrderStatus::Checkout);
    assert_eq!(order.shop_id, BooticSandbox::SHOP_ID);
    let links = order.links.as_ref().unwrap();
    assert_eq!(
        links.self_.as_ref().unwrap().href,
        format!("{}/{}", orders_url(&bootic), order.code)
    );
    assert_eq!(
        links.btc_update_order.as_ref().unwrap().method.as_deref(),
        Some("put")
    );
    let embedded = order.embedded.as_ref().unwrap();
    assert_eq!(
        embedded.contact.as_ref().unwrap().name.as_deref(),
        Some("Joe Bloggs"),
        "existing contact by email"
    );
    assert_eq!(
        embedded.address.as_ref().unwrap().street.as_deref(),
        Some("Av. Brasil 20")
    );
    let short = &embedded.line_items[1];
    assert_eq!(
        (short.requested_units, short.units),
        (Some(9), Some(5)),
        "only 5 in stock"
    );
    assert_eq!(order.net_total, 3 * 29990 + 5 * 29000);

    let fetched = http()
        .get(format!("{}/{}", orders_url(&bootic), order.code))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(fetched.status(), StatusCode::OK);
    assert_eq!(fetched.json::<t::Order>().await.unwrap().id, order.id);
    assert_eq!(bootic.order_count(), 1);
}

#[tokio::test]
async fn refused_bodies_answer_422_with_embedded_errors() {
    let bootic = BooticSandbox::start().await.unwrap();
    let token = token(&bootic).await;
    let response = create(
        &bootic,
        &token,
        json!({"line_items": [{"variant_id": 32222, "units": 1}]}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: t::Error = response.json().await.unwrap();
    assert_eq!(error.class.unwrap().0, ["errors"]);
    let errors = error.embedded.unwrap().errors;
    assert_eq!(errors[0].field, "variant.id");
    assert_eq!(
        errors[0].messages,
        ["Variant 32222 does not exist in this shop"]
    );

    let new_contact = create(
        &bootic,
        &token,
        json!({"line_items": [{"variant_id": 1233, "units": 1}],
                                                      "contact": {"email": "new@example.com"}}),
    )
    .await;
    assert_eq!(new_contact.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = new_contact
        .json::<t::Error>()
        .await
        .unwrap()
        .embedded
        .unwrap()
        .errors
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, ["contact.name", "contact.phone_number"]);

    let no_lines = create(
        &bootic,
        &token,
        json!({"contact": {"email": "joe@bloggs.com"}}),
    )
    .await;
    assert_eq!(no_lines.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bootic.order_count(), 0);
}

#[tokio::test]
async fn updates_only_in_checkout_and_bulk_status_follows_the_transitions() {
    let bootic = BooticSandbox::start().await.unwrap();
    let token = token(&bootic).await;
    let order: t::Order = create(
        &bootic,
        &token,
        json!({"line_items": [{"variant_id": 1234, "units": 1}]}),
    )
    .await
    .json()
    .await
    .unwrap();
    let order_url = format!("{}/{}", orders_url(&bootic), order.code);
    let updated = http()
        .put(&order_url)
        .bearer_auth(&token)
        .json(&json!({"line_items": [{"variant_id": 1233, "units": 2}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), StatusCode::OK);
    assert_eq!(
        updated.json::<t::Order>().await.unwrap().net_total,
        2 * 29990
    );

    let bulk = |status: &'static str| {
        http()
            .post(format!("{}/updaters.json", orders_url(&bootic)))
            .bearer_auth(&token)
            .json(&json!({"ids": [order.id, 1], "additions": {"status": status}}))
            .send()
    };
    let refused: t::OrdersUpdaterResult = bulk("closed").await.unwrap().json().await.unwrap();
    assert!(refused.embedded.valid_items.is_empty());
    let messages = &refused.embedded.invalid_items[0]
        .embedded
        .as_ref()
        .unwrap()
        .errors[0]
        .messages;
    assert_eq!(messages, &["cannot transition from checkout to closed"]);
    let placed: t::OrdersUpdaterResult = bulk("pending").await.unwrap().json().await.unwrap();
    assert_eq!(
        placed.embedded.valid_items[0].status,
        Some(t::OrderStatus::Pending.into())
    );
    assert_eq!(
        placed.embedded.invalid_items[0].id,
        Some(1),
        "an unknown id is reported, not fatal"
    );
    assert_eq!(
        bootic.order_status(&order.code),
        Some(t::OrderStatus::Pending)
    );

    let late = http()
        .put(&order_url)
        .bearer_auth(&token)
        .json(&json!({"line_items": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(late.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn bodies_refuse_null_for_optional_fields_and_arrays_for_objects() {
    let bootic = BooticSandbox::start().await.unwrap();
    let token = token(&bootic).await;
    // No request schema is `nullable`: an optional field is left out, never sent as null.
    let null_address = create(
        &bootic,
        &token,
        json!({"line_items": [{"variant_id": 1233, "units": 1}], "address": null}),
    )
    .await;
    assert_eq!(null_address.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let message = null_address
        .json::<t::Error>()
        .await
        .unwrap()
        .embedded
        .unwrap()
        .errors[0]
        .messages[0]
        .clone();
    assert!(message.contains("`address` is null"), "{message}");
    // serde reads a struct from an array of its fields; a JSON body never means that.
    let created = create(
        &bootic,
        &token,
        json!({"line_items": [{"variant_id": 1233, "units": 1}]}),
    )
    .await;
    let code = created.json::<Value>().await.unwrap()["code"]
        .as_str()
        .unwrap()
        .to_string();
    let update = http()
        .put(format!("{}/{code}", orders_url(&bootic)))
        .bearer_auth(&token)
        .json(&json!([null, null]))
        .send()
        .await
        .unwrap();
    assert_eq!(update.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bootic.order_count(), 1);
}
