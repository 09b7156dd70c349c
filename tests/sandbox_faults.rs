//! Fault injection and server lifecycle: a dropped-after-commit connection closes without any answer while the
//! order is stored; a 5xx fault changes nothing and uses the provider's error shape; latency; reproducibility with
//! a seed; the single-port server; stopping on drop.
#![cfg(feature = "sandbox")]

use std::time::{Duration, Instant};

use fulfillment_apis::sandbox::{BooticSandbox, GootenSandbox, RewixSandbox, Sandbox};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

fn gooten_order(source_id: &str) -> Value {
    json!({
        "ShipToAddress": {"FirstName": "Ann", "LastName": "Lee", "Line1": "1 Main St", "City": "Austin", "State": "TX",
                          "CountryCode": "US", "PostalCode": "73301", "Phone": "5125550100", "Email": "ann@example.com"},
        "BillingAddress": {"FirstName": "Ann", "LastName": "Lee", "PostalCode": "73301", "CountryCode": "US"},
        "Items": [{"SKU": "Mug-11oz-Wht", "Quantity": 1, "ShipType": "standard", "Images": [{"Url": "https://x.test/m.png"}]}],
        "Payment": {"PartnerBillingKey": GootenSandbox::PARTNER_BILLING_KEY},
        "SourceId": source_id,
        "IsPartnerSourceIdUnique": true
    })
}

fn rewix_order(key: &str) -> Value {
    json!({"order_list": [{
        "key": key, "date": "2024/03/15 14:30:00 +0100",
        "recipient_details": {"recipient": "ACME srl",
            "address": {"street_name": "Roma", "address_number": "1", "zip": "10100", "city": "TORINO", "province": "TO", "countrycode": "IT"},
            "phone": {"prefix": "+39", "number": "0112838474"}},
        "item_list": [{"stock_id": "55", "quantity": "1"}]
    }]})
}

/// Sends one raw HTTP/1.1 request and returns every byte the server sent before closing.
async fn raw_exchange(addr: std::net::SocketAddr, request: String) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    // Read to EOF (or to a reset, which also means no answer); the timeout guards against a hang.
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut received))
        .await
        .expect("the server closes the connection");
    received
}

#[tokio::test]
async fn drop_after_commit_closes_the_connection_without_an_answer_but_keeps_the_order() {
    let gooten = GootenSandbox::start().await.unwrap();
    gooten.faults().set_drop_after_commit_rate(1.0);
    let body = gooten_order("DROP-1").to_string();
    let request = format!(
        "POST /api/v/5/source/api/orders?recipeid={} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        GootenSandbox::RECIPE_ID,
        gooten.addr(),
        body.len()
    );
    let received = raw_exchange(gooten.addr(), request).await;
    assert!(
        received.is_empty(),
        "no byte of an answer: {:?}",
        String::from_utf8_lossy(&received)
    );
    assert_eq!(
        gooten.orders_with_source_id("DROP-1"),
        1,
        "the order was stored before the connection was dropped"
    );
    assert_eq!(gooten.faults().dropped_connections(), 1);

    // A client sees a connection error, not an HTTP status; retrying blindly would duplicate the order, which
    // IsPartnerSourceIdUnique refuses.
    let error = http()
        .post(format!("{}/v/5/source/api/orders", gooten.base_url()))
        .query(&[("recipeid", GootenSandbox::RECIPE_ID)])
        .json(&gooten_order("DROP-2"))
        .send()
        .await
        .unwrap_err();
    assert!(error.status().is_none() && error.is_request(), "{error:?}");
    assert_eq!(gooten.orders_with_source_id("DROP-2"), 1);
    gooten.faults().clear();
    let retry = http()
        .post(format!("{}/v/5/source/api/orders", gooten.base_url()))
        .query(&[("recipeid", GootenSandbox::RECIPE_ID)])
        .json(&gooten_order("DROP-2"))
        .send()
        .await
        .unwrap();
    assert_eq!(retry.status(), StatusCode::BAD_REQUEST);
    assert_eq!(gooten.orders_with_source_id("DROP-2"), 1);
}

#[tokio::test]
async fn drop_after_commit_on_rewix_stores_the_order_and_moves_the_stock() {
    let rewix = RewixSandbox::start().await.unwrap();
    rewix.faults().set_drop_after_commit_rate(1.0);
    let error = http()
        .post(format!(
            "{}/restful/ghost/orders/0/dropshipping",
            rewix.base_url()
        ))
        .basic_auth(RewixSandbox::API_KEY, Some(RewixSandbox::PASSWORD))
        .json(&rewix_order("LOST-1"))
        .send()
        .await
        .unwrap_err();
    assert!(error.status().is_none(), "{error:?}");
    assert_eq!(rewix.orders_with_key("LOST-1"), 1);
    assert_eq!(rewix.stock(55).map(|s| s.available), Some(20));
}

#[tokio::test]
async fn server_errors_come_before_any_state_change_in_each_providers_shape() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.gooten.faults().set_error_rate(1.0);
    sandbox.bootic.faults().set_error_rate(1.0);
    sandbox.rewix.faults().set_error_rate(1.0);

    let gooten = http()
        .post(format!(
            "{}/v/5/source/api/orders",
            sandbox.gooten.base_url()
        ))
        .query(&[("recipeid", GootenSandbox::RECIPE_ID)])
        .json(&gooten_order("ERR-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(gooten.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(gooten.json::<Value>().await.unwrap()["HadError"], true);
    assert_eq!(sandbox.gooten.order_count(), 0);

    let bootic = http()
        .post(sandbox.bootic.token_url())
        .basic_auth(BooticSandbox::CLIENT_ID, Some(BooticSandbox::CLIENT_SECRET))
        .form(&[("grant_type", "client_credentials"), ("scope", "admin")])
        .send()
        .await
        .unwrap();
    assert_eq!(bootic.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        bootic.json::<Value>().await.unwrap()["_class"],
        json!(["errors"])
    );
    assert_eq!(sandbox.bootic.tokens_issued(), 0);

    let rewix = http()
        .post(format!(
            "{}/restful/ghost/orders/0/dropshipping",
            sandbox.rewix.base_url()
        ))
        .basic_auth(RewixSandbox::API_KEY, Some(RewixSandbox::PASSWORD))
        .json(&rewix_order("ERR-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(rewix.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        rewix.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert_eq!(sandbox.rewix.order_count(), 0);
    assert_eq!(sandbox.rewix.faults().injected_errors(), 1);
}

#[tokio::test]
async fn latency_delays_every_answer() {
    let rewix = RewixSandbox::start().await.unwrap();
    rewix.faults().set_latency(Duration::from_millis(200));
    let started = Instant::now();
    let response = http()
        .get(format!("{}/restful/export/carriers", rewix.base_url()))
        .basic_auth(RewixSandbox::API_KEY, Some(RewixSandbox::PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[tokio::test]
async fn the_same_seed_gives_the_same_faults() {
    async fn statuses(seed: u64) -> Vec<u16> {
        let rewix = RewixSandbox::start().await.unwrap();
        rewix.faults().reseed(seed);
        rewix.faults().set_error_rate(0.5);
        let mut statuses = Vec::new();
        for _ in 0..24 {
            let response = http()
                .get(format!("{}/restful/export/carriers", rewix.base_url()))
                .basic_auth(RewixSandbox::API_KEY, Some(RewixSandbox::PASSWORD))
                .send()
                .await
                .unwrap();
            statuses.push(response.status().as_u16());
        }
        statuses
    }
    let first = statuses(42).await;
    assert_eq!(first, statuses(42).await);
    assert!(first.contains(&200) && first.contains(&500), "{first:?}");
}

#[tokio::test]
async fn one_port_serves_all_three_apis() {
    let sandbox = Sandbox::bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
    assert_eq!(sandbox.gooten.addr(), sandbox.rewix.addr());
    assert_eq!(
        sandbox.bootic.base_url(),
        format!("http://{}/v1", sandbox.rewix.addr())
    );
    let gooten = http()
        .get(format!(
            "{}/v/5/source/api/currencies",
            sandbox.gooten.base_url()
        ))
        .query(&[("recipeid", GootenSandbox::RECIPE_ID)])
        .send()
        .await
        .unwrap();
    assert_eq!(gooten.status(), StatusCode::OK);
    let token = http()
        .post(sandbox.bootic.token_url())
        .basic_auth(BooticSandbox::CLIENT_ID, Some(BooticSandbox::CLIENT_SECRET))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(token.status(), StatusCode::OK);
    let rewix = http()
        .get(format!(
            "{}/restful/export/carriers",
            sandbox.rewix.base_url()
        ))
        .basic_auth(RewixSandbox::API_KEY, Some(RewixSandbox::PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(rewix.status(), StatusCode::OK);
    // Unknown paths answer in the shape of the API that owns the prefix.
    let missing = http()
        .get(format!("{}/restful/nope", sandbox.rewix.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(
        missing.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let missing = http()
        .get(format!("{}/api/nope", sandbox.rewix.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.json::<Value>().await.unwrap()["HadError"], true);
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    let rewix = RewixSandbox::start().await.unwrap();
    let addr = rewix.addr();
    assert!(TcpStream::connect(addr).await.is_ok());
    drop(rewix);
    // The accept task is aborted; give the runtime a moment to drop the listener.
    let mut refused = false;
    for _ in 0..50 {
        if TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refused, "nothing listens on {addr} any more");
}
