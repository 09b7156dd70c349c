//! The ergonomic Rewix client against httpmock and a scripted fake Rewix: Basic auth, the typed date, the
//! 429-is-validation dialect, capped quantities, exactly-once sending, reserve-then-send, secret redaction.
#![cfg(feature = "rewix")]

mod support;

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, OnceLock},
    time::Duration,
};

use chrono::{FixedOffset, TimeZone, Utc};
use fulfillment_apis::{
    ErrorKind, Provider, RetryPolicy, Secret,
    rewix::{
        self, Address, AddressFields, DropshippingOrder, OrderDate, Phone, Recipient, SendOutcome,
        ShortItem,
    },
};
use httpmock::prelude::*;
use serde_json::json;
use support::{CapturedLogs, Recorded, Reply, ScriptedServer};

/// Has characters that change when URL-encoded, so a leak in any form is caught.
const API_KEY: &str = "ak-7Qz3+Lm9";
const PASSWORD: &str = "pw-S3cr3t/x=";
/// `base64("ak-7Qz3+Lm9:pw-S3cr3t/x=")`, computed outside the crate (`printf ... | base64`).
const BASIC: &str = "Basic YWstN1F6MytMbTk6cHctUzNjcjN0L3g9";

const SEND_PATH: &str = "/restful/ghost/orders/0/dropshipping";
const RESERVE_PATH: &str = "/restful/ghost/orders/sold";
const RESERVATION_PATH: &str = "/restful/ghost/orders/dropshipping/locked";
const BY_KEY_PATH: &str = "/restful/ghost/clientorders/clientkey/";

fn client(base: String) -> rewix::Client {
    rewix::Client::builder(Secret::new(API_KEY), Secret::new(PASSWORD))
        .with_environment(rewix::Environment::Custom(base))
        .with_retry(RetryPolicy::default().with_initial_backoff(Duration::from_millis(5)))
        .build()
        .unwrap()
}

fn recipient() -> Recipient {
    Recipient::new(
        "Mario Bianchi",
        Address::from(AddressFields {
            street_name: "Garibaldi",
            address_number: "42",
            zip: "10122",
            city: "TORINO",
            province: "TO",
            country_code: "IT",
        })
        .set_street_type("Via"),
        Phone::new("+39", "0115550199"),
    )
    .set_notes("Citofono Bianchi")
}

fn order(key: &str) -> DropshippingOrder {
    let date = FixedOffset::east_opt(3600)
        .unwrap()
        .with_ymd_and_hms(2024, 3, 15, 14, 30, 0)
        .unwrap();
    DropshippingOrder::new(key, date, 20, recipient())
        .add_item(148148, 10)
        .add_item(148367, 15)
}

fn text(status: u16, body: &str) -> Reply {
    Reply::Respond {
        status,
        headers: vec![("Content-Type".into(), "text/plain".into())],
        body: body.into(),
    }
}

/// A stateful fake Rewix: stock, a reservation, stored orders; it can lose answers after storing an order.
#[derive(Default)]
struct FakeRewix {
    /// Quantity still available per model (not locked by anyone).
    available: BTreeMap<i64, i64>,
    /// Quantity locked in this account's reservation per model.
    locked: BTreeMap<i64, i64>,
    /// Stored orders: (key, Rewix order id).
    orders: Vec<(String, i64)>,
    /// Answers to lose (connection dropped) after storing the order.
    drop_after_store: usize,
    /// Answers to give to the order POST instead of storing it.
    refuse_send: Vec<Reply>,
    /// Answers to give as XML (not the JSON asked for) after storing the order.
    xml_after_store: usize,
    /// Answers to give to the key lookup instead of the real one.
    refuse_lookup: Vec<Reply>,
}

impl FakeRewix {
    fn with_stock(stock: &[(i64, i64)]) -> Self {
        FakeRewix {
            available: stock.iter().copied().collect(),
            ..FakeRewix::default()
        }
    }

    fn serve(state: Arc<Mutex<FakeRewix>>) -> impl Fn(&Recorded) -> Reply + Send + Sync {
        move |request| state.lock().unwrap().handle(request)
    }

    fn handle(&mut self, request: &Recorded) -> Reply {
        if request.headers.get("authorization").map(String::as_str) != Some(BASIC) {
            return text(401, "Unauthorized");
        }
        match (request.method.as_str(), request.path()) {
            ("POST", SEND_PATH) => {
                if !self.refuse_send.is_empty() {
                    return self.refuse_send.remove(0);
                }
                let body = request.json();
                let order = &body["order_list"][0];
                let mut models = Vec::new();
                for item in order["item_list"].as_array().unwrap() {
                    let stock_id: i64 = item["stock_id"].as_str().unwrap().parse().unwrap();
                    let wanted: i64 = item["quantity"].as_str().unwrap().parse().unwrap();
                    // Reserved quantities first, then what is available; never more (silently).
                    let locked = self.locked.entry(stock_id).or_default();
                    let from_lock = wanted.min(*locked);
                    *locked -= from_lock;
                    let available = self.available.entry(stock_id).or_default();
                    let from_stock = (wanted - from_lock).min(*available);
                    *available -= from_stock;
                    models.push(
                        json!({"stock_id": stock_id, "locked": from_lock + from_stock,
                        "available": *available}),
                    );
                }
                let id = 1000 + self.orders.len() as i64 + 1;
                self.orders
                    .push((order["key"].as_str().unwrap().to_string(), id));
                if self.drop_after_store > 0 {
                    self.drop_after_store -= 1;
                    return Reply::Drop;
                }
                if self.xml_after_store > 0 {
                    self.xml_after_store -= 1;
                    return Reply::Respond {
                        status: 200,
                        headers: vec![("Content-Type".into(), "application/xml".into())],
                        body: format!("<root order_id=\"{id}\"/>"),
                    };
                }
                Reply::json(200, json!({"models": models, "order_id": id}))
            }
            ("GET", path) if path.starts_with(BY_KEY_PATH) => {
                if !self.refuse_lookup.is_empty() {
                    return self.refuse_lookup.remove(0);
                }
                let key = &path[BY_KEY_PATH.len()..];
                let orders: Vec<_> = self
                    .orders
                    .iter()
                    .filter(|(k, _)| k == key)
                    .map(|(k, id)| {
                        json!({"order_id": id, "ext_ref": k, "status": 5,
                            "last_update": "2024/03/15 14:30:05 +0100", "parsedDate": 1710509405000_i64,
                            "tracking_code": null, "tracking_url": null, "carrier_name": null, "substatus": null})
                    })
                    .collect();
                if orders.is_empty() {
                    text(404, "Order not found")
                } else {
                    Reply::json(200, json!({ "orders": orders }))
                }
            }
            ("GET", RESERVATION_PATH) => Reply::json(200, self.reservation()),
            ("POST", RESERVE_PATH) => {
                let body = request.json();
                for operation in body["operations"].as_array().unwrap() {
                    for model in operation["models"].as_array().unwrap() {
                        let stock_id: i64 = model["stock_id"].as_str().unwrap().parse().unwrap();
                        let quantity: i64 = model["quantity"].as_str().unwrap().parse().unwrap();
                        let available = self.available.entry(stock_id).or_default();
                        let locked = self.locked.entry(stock_id).or_default();
                        match operation["type"].as_str().unwrap() {
                            "lock" => {
                                let moved = quantity.min(*available);
                                *available -= moved;
                                *locked += moved;
                            }
                            "unlock" => {
                                let moved = quantity.min(*locked);
                                *locked -= moved;
                                *available += moved;
                            }
                            other => panic!("unexpected operation {other}"),
                        }
                    }
                }
                Reply::json(200, self.reservation())
            }
            _ => text(404, "Not Found"),
        }
    }

    fn reservation(&self) -> serde_json::Value {
        let models: Vec<_> = self
            .locked
            .iter()
            .filter(|(_, locked)| **locked > 0)
            .map(|(stock_id, locked)| {
                json!({"stock_id": stock_id, "locked": locked,
                    "available": self.available.get(stock_id).copied().unwrap_or(0)})
            })
            .collect();
        json!({"models": models, "order_id": 1000})
    }
}

fn short(items: &[ShortItem]) -> Vec<(i64, u64, u64, i64)> {
    items
        .iter()
        .map(|s| (s.stock_id, s.requested, s.granted, s.available))
        .collect()
}

fn count(server: &ScriptedServer, method: &str, path_prefix: &str) -> usize {
    server
        .recorded()
        .iter()
        .filter(|r| r.method == method && r.path().starts_with(path_prefix))
        .count()
}

#[test]
fn order_date_round_trips_in_the_documented_format() {
    let cases = [
        (3600, (2024, 3, 15, 14, 30, 0), "2024/03/15 14:30:00 +0100"),
        (0, (2021, 2, 2, 23, 59, 59), "2021/02/02 23:59:59 +0000"),
        (
            -(4 * 3600),
            (2017, 1, 1, 0, 0, 1),
            "2017/01/01 00:00:01 -0400",
        ),
        (
            5 * 3600 + 45 * 60,
            (2030, 12, 31, 9, 5, 7),
            "2030/12/31 09:05:07 +0545",
        ),
    ];
    for (offset, (y, mo, d, h, mi, s), expected) in cases {
        let at = FixedOffset::east_opt(offset)
            .unwrap()
            .with_ymd_and_hms(y, mo, d, h, mi, s)
            .unwrap();
        let date = OrderDate::new(at);
        assert_eq!(date.to_string(), expected);
        assert_eq!(date.format(), expected);
        let parsed = OrderDate::parse(expected).unwrap();
        assert_eq!(parsed, date);
        assert_eq!(parsed.as_datetime(), at);
        assert_eq!(
            parsed.as_datetime().offset(),
            at.offset(),
            "the offset is kept"
        );
        // serde: a JSON string in the same format.
        let json = serde_json::to_string(&date).unwrap();
        assert_eq!(json, format!("\"{expected}\""));
        assert_eq!(serde_json::from_str::<OrderDate>(&json).unwrap(), date);
    }
    assert_eq!(
        OrderDate::parse("2024-03-15T14:30:00+01:00")
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidRequest
    );
    // A UTC instant is written with +0000.
    let utc = Utc.with_ymd_and_hms(2024, 3, 15, 13, 30, 0).unwrap();
    assert_eq!(
        OrderDate::from(utc).to_string(),
        "2024/03/15 13:30:00 +0000"
    );
}

#[tokio::test]
async fn basic_auth_header_carries_the_api_key_and_password() {
    let server = MockServer::start_async().await;
    let carriers = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/restful/export/carriers")
                .header("authorization", BASIC)
                .header("accept", "application/json")
                .header_missing("api-version");
            // Raw text: the cost's digits must reach the Decimal as written.
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"[{"id": 39, "name": "TNT", "cost": 9.80}, {"id": 10, "name": "DHL"}]"#);
        })
        .await;
    let list = client(server.base_url())
        .api()
        .list_carriers()
        .await
        .unwrap();
    carriers.assert_async().await;
    assert_eq!(
        list.iter()
            .map(|c| (c.id, c.name.as_str()))
            .collect::<Vec<_>>(),
        [(39, "TNT"), (10, "DHL")]
    );
    assert_eq!(list[0].cost.unwrap().to_string(), "9.80");
}

#[tokio::test]
async fn the_order_is_sent_as_the_documented_json_with_string_scalars() {
    let state = Arc::new(Mutex::new(FakeRewix::with_stock(&[
        (148148, 50),
        (148367, 50),
    ])));
    let server = ScriptedServer::start(FakeRewix::serve(state.clone())).await;
    let sent = client(server.url(""))
        .send_order(&order("WEB-1").set_auto_confirm(false))
        .await
        .unwrap();
    assert_eq!(sent.outcome, SendOutcome::Created);
    assert_eq!(sent.order_id, Some(1001));
    assert_eq!(sent.attempts, 1);
    assert!(sent.is_complete(), "{sent:?}");
    let request = &server.recorded()[0];
    assert_eq!(request.path(), SEND_PATH);
    assert_eq!(
        request.headers.get("content-type").map(String::as_str),
        Some("application/json")
    );
    assert_eq!(
        request.headers.get("authorization").map(String::as_str),
        Some(BASIC)
    );
    let body = request.json();
    assert_eq!(body["order_list"].as_array().unwrap().len(), 1);
    let sent_order = &body["order_list"][0];
    assert_eq!(sent_order["key"], "WEB-1");
    assert_eq!(sent_order["date"], "2024/03/15 14:30:00 +0100");
    assert_eq!(sent_order["carrierId"], "20");
    assert_eq!(sent_order["autoConfirm"], "false");
    assert_eq!(
        sent_order["item_list"],
        json!([{"stock_id": "148148", "quantity": "10"}, {"stock_id": "148367", "quantity": "15"}])
    );
    assert_eq!(
        sent_order["recipient_details"]["address"]["countrycode"],
        "IT"
    );
    assert_eq!(sent_order["recipient_details"]["phone"]["prefix"], "+39");
}

#[tokio::test]
async fn a_429_text_body_is_a_validation_error_with_the_message_and_is_not_retried() {
    let server = MockServer::start_async().await;
    let send = server
        .mock_async(|when, then| {
            when.method(POST).path(SEND_PATH);
            then.status(429)
                .header("content-type", "text/plain")
                .body("Invalid date format");
        })
        .await;
    let lookup = server
        .mock_async(|when, then| {
            when.method(GET).path_prefix(BY_KEY_PATH);
            then.status(429)
                .header("content-type", "text/plain")
                .body("Invalid key");
        })
        .await;
    let client = client(server.base_url());
    let err = client.send_order(&order("WEB-2")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(err.message(), Some("Invalid date format"));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(err.provider(), Some(Provider::Rewix));
    assert_eq!(err.operation(), Some("sendDropshippingOrder"));
    assert_eq!(
        err.body().map(|b| b.as_ref()),
        Some(&b"Invalid date format"[..])
    );
    assert_eq!(err.attempts(), 1);
    assert!(!err.is_retryable());
    assert!(
        !err.outcome_unknown(),
        "a 429 aborts the order: nothing was created"
    );
    send.assert_calls_async(1).await;
    lookup.assert_calls_async(0).await;
    // Even an idempotent GET is not retried on Rewix's 429 without Retry-After.
    let err = client.orders_by_key("WEB-2").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(err.message(), Some("Invalid key"));
    lookup.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_429_with_retry_after_is_rate_limiting_and_a_get_is_retried() {
    let calls = Arc::new(Mutex::new(0));
    let seen = calls.clone();
    let server = ScriptedServer::start(move |_| {
        let mut n = seen.lock().unwrap();
        *n += 1;
        if *n == 1 {
            Reply::Respond {
                status: 429,
                headers: vec![("Retry-After".into(), "0".into())],
                body: "Too many requests".into(),
            }
        } else {
            Reply::json(200, json!({"models": [], "order_id": 1000}))
        }
    })
    .await;
    let reservation = client(server.url("")).reservation().await.unwrap();
    assert_eq!(reservation.order_id, Some(1000));
    assert_eq!(*calls.lock().unwrap(), 2);
}

#[tokio::test]
async fn statuses_map_to_error_kinds_with_the_text_message() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path(SEND_PATH);
            then.status(412)
                .header("content-type", "text/plain")
                .body("Carrier not valid for the order");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/restful/export/carriers");
            then.status(401).body("Unauthorized");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/restful/ghost/clientorders/serverkey/77");
            then.status(404).body("Order not found");
        })
        .await;
    let busy = server
        .mock_async(|when, then| {
            when.method(GET).path(RESERVATION_PATH);
            then.status(503)
                .body("<html><body>Service Unavailable</body></html>");
        })
        .await;
    let client = client(server.base_url());

    let err = client.send_order(&order("WEB-3")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(err.message(), Some("Carrier not valid for the order"));
    assert!(!err.outcome_unknown());

    let err = client.api().list_carriers().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.attempts(), 1);

    let err = client
        .api()
        .get_orders_by_server_key()
        .order_id(77)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.message(), Some("Order not found"));

    let err = client.reservation().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.message(), None, "an HTML page is not a message");
    assert!(err.body().unwrap().starts_with(b"<html>"));
    assert_eq!(err.attempts(), 3);
    busy.assert_calls_async(3).await;
}

#[tokio::test]
async fn capped_quantities_are_reported() {
    // 148367: 15 asked, only 6 available; Rewix adds the 6 without an error.
    let state = Arc::new(Mutex::new(FakeRewix::with_stock(&[
        (148148, 50),
        (148367, 6),
    ])));
    let server = ScriptedServer::start(FakeRewix::serve(state.clone())).await;
    let sent = client(server.url(""))
        .send_order(&order("WEB-4"))
        .await
        .unwrap();
    assert_eq!(sent.outcome, SendOutcome::Created);
    assert_eq!(short(&sent.short_items), [(148367, 15, 6, 0)]);
    assert!(sent.unreported_items.is_empty());
    assert!(!sent.is_complete());
    assert_eq!(sent.models.len(), 2);
}

#[tokio::test]
async fn a_lost_answer_after_the_order_was_stored_is_found_by_key_and_not_sent_again() {
    let state = Arc::new(Mutex::new(FakeRewix {
        drop_after_store: 1,
        ..FakeRewix::with_stock(&[(148148, 50), (148367, 50)])
    }));
    let server = ScriptedServer::start(FakeRewix::serve(state.clone())).await;
    let sent = client(server.url(""))
        .send_order(&order("WEB-5"))
        .await
        .unwrap();
    assert_eq!(sent.outcome, SendOutcome::AlreadyExisted);
    assert_eq!(sent.order_id, Some(1001));
    assert_eq!(sent.attempts, 1, "found by key, not sent again");
    let status = sent.status.expect("the order found by key");
    assert_eq!(status.ext_ref.as_deref(), Some("WEB-5"));
    assert_eq!(status.status.known().map(|s| **s), Some(5));
    assert_eq!(
        state.lock().unwrap().orders,
        [("WEB-5".to_string(), 1001)],
        "the server holds exactly one order"
    );
    assert_eq!(count(&server, "POST", SEND_PATH), 1);
    assert_eq!(count(&server, "GET", BY_KEY_PATH), 1);
}

#[tokio::test]
async fn an_accepted_order_with_an_unreadable_answer_is_found_by_key_and_not_sent_again() {
    let state = Arc::new(Mutex::new(FakeRewix {
        xml_after_store: 1,
        ..FakeRewix::with_stock(&[(148148, 50), (148367, 50)])
    }));
    let server = ScriptedServer::start(FakeRewix::serve(state.clone())).await;
    let sent = client(server.url(""))
        .send_order(&order("WEB-14"))
        .await
        .unwrap();
    assert_eq!(sent.outcome, SendOutcome::Created);
    assert_eq!(sent.order_id, Some(1001));
    assert_eq!(
        sent.unreported_items,
        [148148, 148367],
        "quantities unknown"
    );
    assert_eq!(state.lock().unwrap().orders.len(), 1);
    assert_eq!(count(&server, "POST", SEND_PATH), 1);
}

#[tokio::test]
async fn a_503_before_the_order_was_stored_is_looked_up_then_sent_again() {
    let state = Arc::new(Mutex::new(FakeRewix {
        refuse_send: vec![text(503, "Service Unavailable")],
        ..FakeRewix::with_stock(&[(148148, 50), (148367, 50)])
    }));
    let server = ScriptedServer::start(FakeRewix::serve(state.clone())).await;
    let sent = client(server.url(""))
        .send_order(&order("WEB-6"))
        .await
        .unwrap();
    assert_eq!(sent.outcome, SendOutcome::Created);
    assert_eq!(sent.attempts, 2);
    assert_eq!(state.lock().unwrap().orders.len(), 1);
    let calls: Vec<_> = server
        .recorded()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path()))
        .collect();
    assert_eq!(
        calls,
        [
            format!("POST {SEND_PATH}"),
            format!("GET {BY_KEY_PATH}WEB-6"),
            format!("POST {SEND_PATH}"),
        ]
    );
}

#[tokio::test]
async fn when_the_lookup_cannot_tell_the_order_is_not_sent_again() {
    let state = Arc::new(Mutex::new(FakeRewix {
        drop_after_store: 1,
        // More refusals than the client makes attempts (rounds × retries): the lookup never answers.
        refuse_lookup: (0..50)
            .map(|_| text(500, "Internal Server Error"))
            .collect(),
        ..FakeRewix::with_stock(&[(148148, 50), (148367, 50)])
    }));
    let server = ScriptedServer::start(FakeRewix::serve(state.clone())).await;
    let err = client(server.url(""))
        .send_order(&order("WEB-7"))
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Transport | ErrorKind::Timeout),
        "{err:?}"
    );
    assert!(err.outcome_unknown());
    assert!(err.to_string().contains("the order may exist"), "{err}");
    assert_eq!(count(&server, "POST", SEND_PATH), 1);
    assert_eq!(
        count(&server, "GET", BY_KEY_PATH),
        6,
        "a bounded lookup budget: 2 rounds of a GET the runtime tries 3 times"
    );
    assert_eq!(state.lock().unwrap().orders.len(), 1);
}

#[tokio::test]
async fn retries_stop_at_max_attempts_when_the_order_never_arrives() {
    let state = Arc::new(Mutex::new(FakeRewix {
        refuse_send: (0..5).map(|_| text(502, "Bad Gateway")).collect(),
        ..FakeRewix::with_stock(&[(148148, 50), (148367, 50)])
    }));
    let server = ScriptedServer::start(FakeRewix::serve(state.clone())).await;
    let err = client(server.url(""))
        .send_order(&order("WEB-8"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.attempts(), 3);
    assert_eq!(count(&server, "POST", SEND_PATH), 3);
    assert_eq!(
        count(&server, "GET", BY_KEY_PATH),
        3,
        "a lookup after each 5xx"
    );
    assert!(state.lock().unwrap().orders.is_empty());
}

#[tokio::test]
async fn reserve_and_send_locks_the_quantities_before_sending() {
    let state = Arc::new(Mutex::new(FakeRewix::with_stock(&[
        (148148, 50),
        (148367, 9),
    ])));
    let server = ScriptedServer::start(FakeRewix::serve(state.clone())).await;
    let sent = client(server.url(""))
        .reserve_and_send(&order("WEB-9"))
        .await
        .unwrap();
    assert_eq!(sent.outcome, SendOutcome::Created);
    // Only 9 of 15 could be locked: reported, and the order got those 9.
    assert_eq!(short(&sent.short_items), [(148367, 15, 9, 0)]);
    let recorded = server.recorded();
    let calls: Vec<_> = recorded
        .iter()
        .map(|r| format!("{} {}", r.method, r.path()))
        .collect();
    assert_eq!(
        calls,
        [
            format!("GET {RESERVATION_PATH}"),
            format!("POST {RESERVE_PATH}"),
            format!("POST {SEND_PATH}"),
        ]
    );
    assert_eq!(
        recorded[1].json(),
        json!({"operations": [{"type": "lock", "models": [
            {"stock_id": "148148", "quantity": "10"}, {"stock_id": "148367", "quantity": "15"}]}]})
    );
    let fake = state.lock().unwrap();
    assert_eq!(
        fake.locked.values().sum::<i64>(),
        0,
        "the order took the locked quantities"
    );
    assert_eq!(fake.orders.len(), 1);
}

#[tokio::test]
async fn reserve_and_send_unlocks_what_it_locked_when_the_order_is_refused() {
    let mut fake = FakeRewix {
        refuse_send: vec![text(412, "Carrier not valid for the order")],
        ..FakeRewix::with_stock(&[(148148, 50), (148367, 50)])
    };
    // Another order in progress already holds 4 pieces of 148148: they must stay locked.
    fake.locked.insert(148148, 4);
    let state = Arc::new(Mutex::new(fake));
    let server = ScriptedServer::start(FakeRewix::serve(state.clone())).await;
    let err = client(server.url(""))
        .reserve_and_send(&order("WEB-10"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(err.message(), Some("Carrier not valid for the order"));
    let recorded = server.recorded();
    let unlock = recorded.last().unwrap();
    assert_eq!(unlock.path(), RESERVE_PATH);
    assert_eq!(
        unlock.json(),
        json!({"operations": [{"type": "unlock", "models": [
            {"stock_id": "148148", "quantity": "10"}, {"stock_id": "148367", "quantity": "15"}]}]})
    );
    let fake = state.lock().unwrap();
    assert_eq!(fake.locked.get(&148148), Some(&4));
    assert_eq!(fake.locked.get(&148367), Some(&0));
    assert!(fake.orders.is_empty());
}

#[tokio::test]
async fn reserve_and_send_keeps_the_lock_when_the_order_may_exist() {
    let state = Arc::new(Mutex::new(FakeRewix {
        refuse_send: vec![Reply::Drop],
        refuse_lookup: (0..50).map(|_| Reply::Drop).collect(),
        ..FakeRewix::with_stock(&[(148148, 50), (148367, 50)])
    }));
    let server = ScriptedServer::start(FakeRewix::serve(state.clone())).await;
    let err = client(server.url(""))
        .reserve_and_send(&order("WEB-11"))
        .await
        .unwrap_err();
    assert!(err.outcome_unknown());
    assert_eq!(count(&server, "POST", RESERVE_PATH), 1, "no unlock");
    assert_eq!(state.lock().unwrap().locked.values().sum::<i64>(), 25);
}

#[test]
fn the_builder_refuses_bad_configuration() {
    let build = |key: &str, password: &str, environment: rewix::Environment| {
        rewix::Client::builder(key, password)
            .with_environment(environment)
            .build()
    };
    for (key, password, environment) in [
        ("", PASSWORD, rewix::Environment::Sandbox),
        (API_KEY, "", rewix::Environment::Sandbox),
        ("ak:1", PASSWORD, rewix::Environment::Sandbox),
        (
            API_KEY,
            PASSWORD,
            rewix::Environment::Custom("http://rewix.example.com".into()),
        ),
    ] {
        let err = build(key, password, environment).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Configuration);
        assert!(!err.to_string().contains(PASSWORD), "{err}");
    }
    assert!(
        build(
            API_KEY,
            PASSWORD,
            rewix::Environment::Custom("http://127.0.0.1:9".into())
        )
        .is_ok()
    );
    assert_eq!(
        rewix::Environment::Production.base_url(),
        "https://www.brandsdistribution.com"
    );
    assert_eq!(
        rewix::Environment::ProductionUs.base_url(),
        "https://us.brandsdistribution.com"
    );
    assert_eq!(
        rewix::Environment::Sandbox.base_url(),
        "https://idt2015.rewix.zero11.net"
    );
}

/// Everything every test of this binary traces, from the first call on.
///
/// A global subscriber rather than `set_default`: with a single scoped subscriber, tracing-core caches a
/// callsite's interest from whichever thread reaches it first, so a span first reached by a parallel test
/// (no subscriber) would stay disabled for this one too, and the test could not see it.
fn all_traces() -> &'static CapturedLogs {
    static LOGS: OnceLock<CapturedLogs> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = CapturedLogs::default();
        tracing::subscriber::set_global_default(logs.subscriber())
            .expect("no other test sets a global subscriber");
        tracing::callsite::rebuild_interest_cache();
        logs
    })
}

#[tokio::test]
async fn credentials_and_personal_data_never_appear_in_debug_output_or_traces() {
    let logs = all_traces();
    // A careless server that echoes the credentials, decoded and encoded, in its error.
    let server = ScriptedServer::start(|request| {
        let header = request
            .headers
            .get("authorization")
            .cloned()
            .unwrap_or_default();
        text(
            401,
            &format!("Unauthorized: user {API_KEY} with password {PASSWORD} ({header})"),
        )
    })
    .await;
    let client = client(server.url(""));
    let err = client.send_order(&order("WEB-12")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    let lookup_err = client.orders_by_key("WEB-12").await.unwrap_err();
    let outputs = [
        format!("{client:?}"),
        format!("{err:?}"),
        err.to_string(),
        format!("{lookup_err:?}"),
        String::from_utf8_lossy(err.body().unwrap()).into_owned(),
        err.message().unwrap_or_default().to_string(),
        logs.text(),
    ];
    assert!(
        logs.text().contains("sendDropshippingOrder"),
        "tracing captured the call: {}",
        logs.text()
    );
    assert!(err.message().unwrap().contains("[REDACTED]"));
    let encoded_key: String = url::form_urlencoded::byte_serialize(API_KEY.as_bytes()).collect();
    let encoded_password: String =
        url::form_urlencoded::byte_serialize(PASSWORD.as_bytes()).collect();
    let basic = BASIC.trim_start_matches("Basic ");
    for output in &outputs {
        for secret in [API_KEY, PASSWORD, &encoded_key, &encoded_password, basic] {
            assert!(!output.contains(secret), "{secret} leaked in: {output}");
        }
    }

    // A successful send, with a lost answer and a lookup, traces no personal data of the recipient.
    let state = Arc::new(Mutex::new(FakeRewix {
        drop_after_store: 1,
        ..FakeRewix::with_stock(&[(148148, 50), (148367, 50)])
    }));
    let fake = ScriptedServer::start(FakeRewix::serve(state)).await;
    let sent = self::client(fake.url(""))
        .reserve_and_send(&order("WEB-13"))
        .await
        .unwrap();
    assert_eq!(sent.outcome, SendOutcome::AlreadyExisted);
    let traces = logs.text();
    assert!(traces.contains("reserve_and_send"), "{traces}");
    for personal in [
        "Mario",
        "Bianchi",
        "Garibaldi",
        "10122",
        "0115550199",
        API_KEY,
        PASSWORD,
        basic,
    ] {
        assert!(!traces.contains(personal), "{personal} in traces");
    }
}

/// Against the crate's stateful Rewix fake with faults: whatever fails, no key ever gets a second order.
#[cfg(feature = "sandbox")]
#[tokio::test]
async fn under_dropped_connections_and_5xx_no_key_gets_two_orders() {
    use fulfillment_apis::sandbox::RewixSandbox;

    let sandbox = RewixSandbox::start().await.unwrap();
    sandbox.faults().reseed(7);
    sandbox.faults().set_drop_after_commit_rate(0.3);
    sandbox.faults().set_error_rate(0.2);
    let client = rewix::Client::builder(RewixSandbox::API_KEY, RewixSandbox::PASSWORD)
        .with_environment(rewix::Environment::Custom(sandbox.base_url()))
        .with_retry(
            RetryPolicy::default()
                .with_max_attempts(5)
                .with_initial_backoff(Duration::from_millis(1)),
        )
        .build()
        .unwrap();
    let mut created = 0;
    for n in 0..30 {
        let key = format!("SBX-{n}");
        let order =
            DropshippingOrder::new(&key, OrderDate::now(), None, recipient()).add_item(55, 1);
        let result = client.send_order(&order).await;
        let stored = sandbox.orders_with_key(&key);
        assert!(stored <= 1, "{key}: {stored} orders");
        match result {
            Ok(sent) => {
                assert_eq!(stored, 1, "{key}: {sent:?}");
                created += 1;
            }
            Err(err) => assert!(err.outcome_unknown() || stored == 0, "{key}: {err:?}"),
        }
    }
    assert!(
        sandbox.faults().dropped_connections() > 0,
        "the faults were exercised"
    );
    assert!(created > 0);
}
