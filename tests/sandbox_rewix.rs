//! The Rewix fake over plain HTTP: Basic auth, reservations, the documented quantity capping, order status by
//! client key and server key, carriers, and 429 for malformed bodies.
#![cfg(feature = "sandbox")]

use fulfillment_apis::{rewix::types as t, sandbox::RewixSandbox};
use reqwest::{RequestBuilder, StatusCode};
use serde_json::{Value, json};

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

fn authed(request: RequestBuilder) -> RequestBuilder {
    request.basic_auth(RewixSandbox::API_KEY, Some(RewixSandbox::PASSWORD))
}

fn order(key: &str, items: Value) -> Value {
    json!({"order_list": [{
        "key": key,
        "date": "2024/03/15 14:30:00 +0100",
        "recipient_details": {
            "recipient": "ACME srl",
            "address": {"street_name": "Roma", "address_number": "1", "zip": "10100", "city": "TORINO",
                        "province": "TO", "countrycode": "IT"},
            "phone": {"prefix": "+39", "number": "0112838474"}
        },
        "item_list": items
    }]})
}

async fn send(rewix: &RewixSandbox, body: &Value) -> reqwest::Response {
    authed(http().post(format!(
        "{}/restful/ghost/orders/0/dropshipping",
        rewix.base_url()
    )))
    .json(body)
    .send()
    .await
    .unwrap()
}

async fn reserve(rewix: &RewixSandbox, body: Value) -> t::Reservation {
    let response = authed(http().post(format!("{}/restful/ghost/orders/sold/", rewix.base_url())))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test]
async fn wrong_credentials_answer_401_in_plain_text() {
    let rewix = RewixSandbox::start().await.unwrap();
    let response = http()
        .get(format!("{}/restful/export/carriers", rewix.base_url()))
        .basic_auth(RewixSandbox::API_KEY, Some("wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert_eq!(response.text().await.unwrap(), "Unauthorized");
    let carriers = authed(http().get(format!("{}/restful/export/carriers", rewix.base_url())))
        .send()
        .await
        .unwrap();
    let carriers: t::Carriers = carriers.json().await.unwrap();
    assert!(carriers.iter().any(|c| c.name == "DHL"));
}

#[tokio::test]
async fn lock_unlock_and_set_move_stock_into_the_reservation() {
    let rewix = RewixSandbox::start().await.unwrap();
    assert_eq!(
        rewix.stock(55).map(|s| (s.available, s.locked)),
        Some((21, 0))
    );
    let reservation = reserve(
        &rewix,
        json!({"operations": [
            {"type": "lock", "models": [{"stock_id": "55", "quantity": "5"}, {"stock_id": "1578", "quantity": "9"}]},
            {"type": "unlock", "models": [{"stock_id": "55", "quantity": "2"}]},
            {"type": "set", "models": [{"stock_id": "69", "quantity": "4"}]}
        ]}),
    )
    .await;
    let levels: Vec<(i64, i32, i32)> = reservation
        .models
        .iter()
        .map(|m| (m.stock_id, m.locked, m.available))
        .collect();
    // 1578 has only 2 units: the lock takes what is available.
    assert_eq!(levels, [(55, 3, 18), (69, 4, 4), (1578, 2, 0)]);
    let again = reserve(
        &rewix,
        json!({"operations": [{"type": "set", "models": [{"stock_id": "69", "quantity": "1"}]}]}),
    )
    .await;
    assert!(
        again
            .models
            .iter()
            .any(|m| m.stock_id == 69 && m.locked == 1 && m.available == 7)
    );

    let status = authed(http().get(format!(
        "{}/restful/ghost/orders/dropshipping/locked",
        rewix.base_url()
    )))
    .send()
    .await
    .unwrap()
    .json::<t::Reservation>()
    .await
    .unwrap();
    assert_eq!(status.models.len(), 3);
    assert_eq!(
        rewix.stock(1578).map(|s| (s.available, s.locked)),
        Some((0, 2))
    );
}

#[tokio::test]
async fn orders_silently_get_only_the_available_quantity() {
    let rewix = RewixSandbox::start().await.unwrap();
    // 148367 has 10 units; reserve 4 of them first, then order 12: the order gets the 4 plus the 6 still free.
    reserve(&rewix, json!({"operations": [{"type": "lock", "models": [{"stock_id": "148367", "quantity": "4"}]}]})).await;
    let response = send(
        &rewix,
        &order("2357", json!([{"stock_id": "148367", "quantity": "12"}, {"stock_id": "1567", "quantity": "1"}])),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let created: t::DropshippingOrderResponse = response.json().await.unwrap();
    let order_id = created.order_id.unwrap();
    assert_eq!(
        rewix.order_items(order_id),
        Some(vec![(148367, 10), (1567, 1)])
    );
    assert_eq!(
        rewix.stock(148367).map(|s| (s.available, s.locked)),
        Some((0, 0))
    );
    assert!(created.models.is_empty(), "nothing left in the reservation");
}

#[tokio::test]
async fn order_status_by_client_key_and_by_server_key() {
    let rewix = RewixSandbox::start().await.unwrap();
    let created: t::DropshippingOrderResponse = send(
        &rewix,
        &order("WEB-42", json!([{"stock_id": "55", "quantity": "2"}])),
    )
    .await
    .json()
    .await
    .unwrap();
    let order_id = created.order_id.unwrap();
    let by_key: t::OrderStatusList = authed(http().get(format!(
        "{}/restful/ghost/clientorders/clientkey/WEB-42",
        rewix.base_url()
    )))
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(by_key.orders.len(), 1);
    assert_eq!(by_key.orders[0].order_id, order_id);
    assert_eq!(by_key.orders[0].ext_ref.as_deref(), Some("WEB-42"));
    assert!(rewix.dispatch_order(order_id, "0123456789"));
    let by_id: t::OrderStatusList = authed(http().get(format!(
        "{}/restful/ghost/clientorders/serverkey/{order_id}",
        rewix.base_url()
    )))
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(
        by_id.orders[0].status.known().map(|s| **s),
        Some(3),
        "DISPATCHED"
    );
    assert_eq!(by_id.orders[0].tracking_code.as_deref(), Some("0123456789"));
    let unknown = authed(http().get(format!(
        "{}/restful/ghost/clientorders/clientkey/nope",
        rewix.base_url()
    )))
    .send()
    .await
    .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(rewix.orders_with_key("WEB-42"), 1);
}

#[tokio::test]
async fn malformed_bodies_answer_429_in_plain_text_and_create_nothing() {
    let rewix = RewixSandbox::start().await.unwrap();
    let mut bad_date = order("K1", json!([{"stock_id": "55", "quantity": "1"}]));
    bad_date["order_list"][0]["date"] = json!("2024-03-15T14:30:00Z");
    let bad_quantity = order("K2", json!([{"stock_id": "55", "quantity": "one"}]));
    for body in [bad_date, bad_quantity, json!({"orders": []})] {
        let response = send(&rewix, &body).await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "{body}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/plain")
        );
        assert!(!response.text().await.unwrap().is_empty());
    }
    let not_json = authed(http().post(format!(
        "{}/restful/ghost/orders/0/dropshipping",
        rewix.base_url()
    )))
    .header("content-type", "application/json")
    .body("{not json")
    .send()
    .await
    .unwrap();
    assert_eq!(not_json.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(rewix.order_count(), 0);
    assert_eq!(rewix.stock(55).map(|s| s.available), Some(21));
}
