//! Setup shared by the Rewix client tests (rewix_client*.rs): the client, orders and a scripted fake Rewix.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::{FixedOffset, TimeZone};
use fulfillment_apis::{
    RetryPolicy, Secret,
    rewix::{self, Address, AddressFields, DropshippingOrder, Phone, Recipient, ShortItem},
};
use serde_json::json;

use super::{Recorded, Reply, ScriptedServer};

/// Has characters that change when URL-encoded, so a leak in any form is caught.
pub const API_KEY: &str = "ak-7Qz3+Lm9";

pub const PASSWORD: &str = "pw-S3cr3t/x=";

/// `base64("ak-7Qz3+Lm9:pw-S3cr3t/x=")`, computed outside the crate (`printf ... | base64`).
pub const BASIC: &str = "Basic YWstN1F6MytMbTk6cHctUzNjcjN0L3g9";

pub const SEND_PATH: &str = "/restful/ghost/orders/0/dropshipping";

pub const RESERVE_PATH: &str = "/restful/ghost/orders/sold";

pub const RESERVATION_PATH: &str = "/restful/ghost/orders/dropshipping/locked";

pub const BY_KEY_PATH: &str = "/restful/ghost/clientorders/clientkey/";

pub fn client(base: String) -> rewix::Client {
    rewix::Client::builder(Secret::new(API_KEY), Secret::new(PASSWORD))
        .with_environment(rewix::Environment::Custom(base))
        .with_retry(RetryPolicy::default().with_initial_backoff(Duration::from_millis(5)))
        .build()
        .unwrap()
}

pub fn recipient() -> Recipient {
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

pub fn order(key: &str) -> DropshippingOrder {
    let date = FixedOffset::east_opt(3600)
        .unwrap()
        .with_ymd_and_hms(2024, 3, 15, 14, 30, 0)
        .unwrap();
    DropshippingOrder::new(key, date, 20, recipient())
        .add_item(148148, 10)
        .add_item(148367, 15)
}

pub fn text(status: u16, body: &str) -> Reply {
    Reply::Respond {
        status,
        headers: vec![("Content-Type".into(), "text/plain".into())],
        body: body.into(),
    }
}

/// A stateful fake Rewix: stock, a reservation, stored orders; it can lose answers after storing an order.
#[derive(Default)]
pub struct FakeRewix {
    /// Quantity still available per model (not locked by anyone).
    pub available: BTreeMap<i64, i64>,
    /// Quantity locked in this account's reservation per model.
    pub locked: BTreeMap<i64, i64>,
    /// Stored orders: (key, Rewix order id).
    pub orders: Vec<(String, i64)>,
    /// Answers to lose (connection dropped) after storing the order.
    pub drop_after_store: usize,
    /// Answers to give to the order POST instead of storing it.
    pub refuse_send: Vec<Reply>,
    /// Answers to give as XML (not the JSON asked for) after storing the order.
    pub xml_after_store: usize,
    /// Answers to give to the key lookup instead of the real one.
    pub refuse_lookup: Vec<Reply>,
}

impl FakeRewix {
    pub fn with_stock(stock: &[(i64, i64)]) -> Self {
        FakeRewix {
            available: stock.iter().copied().collect(),
            ..FakeRewix::default()
        }
    }

    pub fn serve(state: Arc<Mutex<FakeRewix>>) -> impl Fn(&Recorded) -> Reply + Send + Sync {
        move |request| state.lock().unwrap().handle(request)
    }

    pub fn handle(&mut self, request: &Recorded) -> Reply {
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

    pub fn reservation(&self) -> serde_json::Value {
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

pub fn short(items: &[ShortItem]) -> Vec<(i64, u64, u64, i64)> {
    items
        .iter()
        .map(|s| (s.stock_id, s.requested, s.granted, s.available))
        .collect()
}

pub fn count(server: &ScriptedServer, method: &str, path_prefix: &str) -> usize {
    server
        .recorded()
        .iter()
        .filter(|r| r.method == method && r.path().starts_with(path_prefix))
        .count()
}
