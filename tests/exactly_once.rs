//! Gooten and Rewix submissions run through one exactly-once engine: the same fault script, played by a fake of
//! each provider, must end the same way (outcome, sends, lookups, orders stored).
#![cfg(all(feature = "gooten", feature = "rewix"))]

mod support;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::{FixedOffset, TimeZone};
use fulfillment_apis::{Outcome, RetryPolicy, Secret, gooten, rewix};
use serde_json::json;
use support::{Reply, ScriptedServer};

/// What the fake does with one request.
#[derive(Clone, Copy, Debug)]
enum Step {
    /// Send: store the order and answer. Lookup: answer from the stored orders.
    Answer,
    /// Send: store the order, then drop the connection (the answer is lost). Lookup: drop the connection.
    Lost,
    /// Answer 503 without storing anything.
    Unavailable,
}

struct Script {
    name: &'static str,
    sends: &'static [Step],
    lookups: &'static [Step],
}

const SCRIPTS: &[Script] = &[
    Script {
        name: "answer lost, lookup finds it",
        sends: &[Step::Lost],
        lookups: &[Step::Answer],
    },
    Script {
        name: "503, then created",
        sends: &[Step::Unavailable, Step::Answer],
        lookups: &[Step::Answer],
    },
    Script {
        name: "answer lost, lookup fails once, then finds it",
        sends: &[Step::Lost],
        lookups: &[Step::Unavailable, Step::Answer],
    },
    Script {
        name: "answer lost, the lookup keeps failing",
        sends: &[Step::Lost],
        lookups: &[Step::Unavailable; 12],
    },
];

/// What happened: the outcome (or "outcome unknown"), sends, lookups, orders stored.
type Ending = (String, usize, usize, usize);

#[derive(Default)]
struct Fake {
    sends: Vec<Step>,
    lookups: Vec<Step>,
    sent: usize,
    looked: usize,
    stored: usize,
}

impl Fake {
    fn new(script: &Script) -> Arc<Mutex<Fake>> {
        Arc::new(Mutex::new(Fake {
            sends: script.sends.to_vec(),
            lookups: script.lookups.to_vec(),
            ..Fake::default()
        }))
    }

    /// Plays the next send step; `answer` is the provider's created-order body.
    fn send(&mut self, answer: serde_json::Value) -> Reply {
        self.sent += 1;
        let step = if self.sends.is_empty() {
            Step::Answer
        } else {
            self.sends.remove(0)
        };
        match step {
            Step::Unavailable => Reply::json(503, json!({"HadError": true})),
            Step::Lost => {
                self.stored += 1;
                Reply::Drop
            }
            Step::Answer => {
                self.stored += 1;
                Reply::json(200, answer)
            }
        }
    }

    /// Plays the next lookup step; `found` is the provider's answer when an order is stored.
    fn look_up(&mut self, found: serde_json::Value, missing: Reply) -> Reply {
        self.looked += 1;
        let step = if self.lookups.is_empty() {
            Step::Answer
        } else {
            self.lookups.remove(0)
        };
        match step {
            Step::Unavailable => Reply::json(503, json!({"HadError": true})),
            Step::Lost => Reply::Drop,
            Step::Answer if self.stored > 0 => Reply::json(200, found),
            Step::Answer => missing,
        }
    }

    fn ending(&self, outcome: String) -> Ending {
        (outcome, self.sent, self.looked, self.stored)
    }
}

fn policy() -> RetryPolicy {
    RetryPolicy::default().with_initial_backoff(Duration::from_millis(2))
}

fn outcome(result: Result<Outcome, fulfillment_apis::Error>) -> String {
    match result {
        Ok(outcome) => format!("{outcome:?}"),
        Err(err) if err.outcome_unknown() => "outcome unknown".into(),
        Err(err) => format!("error {}", err.kind()),
    }
}

async fn gooten(script: &Script) -> Ending {
    let fake = Fake::new(script);
    let state = fake.clone();
    let server = ScriptedServer::start(move |request| {
        let mut fake = state.lock().unwrap();
        match request.method.as_str() {
            "POST" => fake.send(json!({"Id": "7-safe-1", "HadError": false})),
            _ => fake.look_up(
                json!({"Id": "7-safe-1", "SourceId": "WEB-1", "Items": [], "HadError": false}),
                Reply::json(
                    404,
                    json!({"HadError": true, "Errors": [{"ErrorMessage": "Order not found"}]}),
                ),
            ),
        }
    })
    .await;
    let client = gooten::Client::builder("recipe-0001")
        .with_billing_key(Secret::new("billing-0001"))
        .with_environment(gooten::Environment::Custom(server.url("/api")))
        .with_retry(policy())
        .build()
        .unwrap();
    let order: gooten::types::Order = serde_json::from_value(json!({
        "SourceId": "WEB-1",
        "ShipToAddress": {"FirstName": "J", "LastName": "D", "Line1": "1 A St", "City": "NY", "State": "NY",
            "CountryCode": "US", "PostalCode": "10118", "Phone": "1", "Email": "j@example.com"},
        "BillingAddress": {"FirstName": "J", "LastName": "D", "PostalCode": "10118", "CountryCode": "US"},
        "Items": [{"SKU": "S", "Quantity": 1, "ShipType": "standard"}]
    }))
    .unwrap();
    let result = client.submit_order(order).await.map(|s| s.outcome);
    fake.lock().unwrap().ending(outcome(result))
}

async fn rewix(script: &Script) -> Ending {
    let fake = Fake::new(script);
    let state = fake.clone();
    let server = ScriptedServer::start(move |request| {
        let mut fake = state.lock().unwrap();
        match request.method.as_str() {
            "POST" => fake.send(json!({"order_id": 77, "models": []})),
            _ => fake.look_up(
                json!({"orders": [{"order_id": 77, "ext_ref": "WEB-1", "status": 5,
                    "last_update": "2024/03/15 14:30:05 +0100", "parsedDate": 1710509405000_i64}]}),
                Reply::Respond {
                    status: 404,
                    headers: vec![("Content-Type".into(), "text/plain".into())],
                    body: "Order not found".into(),
                },
            ),
        }
    })
    .await;
    let client = rewix::Client::builder(Secret::new("key-0001"), Secret::new("password-0001"))
        .with_environment(rewix::Environment::Custom(server.url("")))
        .with_retry(policy())
        .build()
        .unwrap();
    let date = FixedOffset::east_opt(3600)
        .unwrap()
        .with_ymd_and_hms(2024, 3, 15, 14, 30, 0)
        .unwrap();
    let recipient = rewix::Recipient::new(
        "Mario Bianchi",
        rewix::Address::from(rewix::AddressFields {
            street_name: "Garibaldi",
            address_number: "42",
            zip: "10122",
            city: "TORINO",
            province: "TO",
            country_code: "IT",
        }),
        rewix::Phone::new("+39", "0115550199"),
    );
    let order = rewix::DropshippingOrder::new("WEB-1", date, 20, recipient).add_item(148148, 1);
    let result = client.send_order(&order).await.map(|s| s.outcome);
    fake.lock().unwrap().ending(outcome(result))
}

#[tokio::test]
async fn gooten_and_rewix_end_the_same_way_under_the_same_fault_script() {
    for script in SCRIPTS {
        let (g, r) = (gooten(script).await, rewix(script).await);
        assert_eq!(g, r, "{}: Gooten {g:?}, Rewix {r:?}", script.name);
        // Whatever happened, at most one order was stored.
        assert!(g.3 <= 1, "{}: {g:?}", script.name);
    }
    // And what each script must come to.
    let endings: Vec<Ending> = futures::future::join_all(SCRIPTS.iter().map(gooten)).await;
    assert_eq!(endings[0], ("AlreadyExisted".into(), 1, 1, 1));
    // A 503 to a POST may have been applied: looked up (not there), then sent again.
    assert_eq!(endings[1], ("Created".into(), 2, 1, 1));
    assert_eq!(endings[2], ("AlreadyExisted".into(), 1, 2, 1));
    // A bounded lookup budget: 2 rounds of a lookup the runtime tries 3 times; nothing sent again.
    assert_eq!(endings[3], ("outcome unknown".into(), 1, 6, 1));
}
