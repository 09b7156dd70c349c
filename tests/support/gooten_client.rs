//! Setup shared by the Gooten client tests (gooten_client*.rs): the client, orders and a lossy fake.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use fulfillment_apis::{
    RetryPolicy, Secret,
    gooten::{self, types},
};
use serde_json::json;

use super::Reply;

pub const RECIPE: &str = "f3c4d2b1-recipe";

/// Has characters that must be URL-encoded in the query.
pub const BILLING_KEY: &str = "pbk+7f/3a=9c";

pub fn client(base: String) -> gooten::Client {
    gooten::Client::builder(RECIPE)
        .with_billing_key(Secret::new(BILLING_KEY))
        .with_environment(gooten::Environment::Custom(base))
        .with_retry(RetryPolicy::default().with_initial_backoff(Duration::from_millis(5)))
        .build()
        .unwrap()
}

pub fn order(source_id: Option<&str>) -> types::Order {
    let mut value = json!({
        "ShipToAddress": {"FirstName": "John", "LastName": "Doe", "Line1": "350 5th Ave", "City": "New York",
            "State": "NY", "CountryCode": "US", "PostalCode": "10118", "Phone": "212-555-0142",
            "Email": "john.doe@example.com"},
        "BillingAddress": {"FirstName": "John", "LastName": "Doe", "PostalCode": "10118", "CountryCode": "US"},
        "Items": [{"SKU": "CanvsWrp-BlkWrp-12x12", "Quantity": 1, "ShipType": "standard",
            "Images": [{"Url": "https://example.com/art.jpg", "Index": 0}]}],
        "IsInTestMode": true
    });
    if let Some(id) = source_id {
        value["SourceId"] = json!(id);
    }
    serde_json::from_value(value).unwrap()
}

pub fn order_details(id: &str, source_id: &str) -> serde_json::Value {
    json!({"Id": id, "SourceId": source_id, "Items": [], "HadError": false})
}

/// A fake Gooten that stores orders, refuses duplicate SourceIds, and loses the answer to the first POST.
pub fn lossy_gooten(
    orders: Arc<Mutex<HashMap<String, String>>>,
    drops: usize,
) -> impl Fn(&super::Recorded) -> Reply {
    let posts = Mutex::new(0);
    move |request| match (request.method.as_str(), request.path()) {
        ("POST", "/api/v/5/source/api/orders") => {
            let body = request.json();
            let source_id = body["SourceId"].as_str().unwrap().to_string();
            let mut stored = orders.lock().unwrap();
            if body["IsPartnerSourceIdUnique"] == true && stored.contains_key(&source_id) {
                return Reply::json(
                    400,
                    json!({"HadError": true, "Errors": [{"PropertyName": "Order.SourceId",
                    "ErrorMessage": "An order with this SourceId already exists"}]}),
                );
            }
            let id = format!("safe-{}", stored.len() + 1);
            stored.insert(source_id, id.clone());
            let mut n = posts.lock().unwrap();
            *n += 1;
            if *n <= drops {
                Reply::Drop
            } else {
                Reply::json(200, json!({"Id": id, "HadError": false}))
            }
        }
        ("GET", "/api/v/5/source/api/orders") => {
            let key = request.query("id").unwrap();
            let stored = orders.lock().unwrap();
            match stored
                .iter()
                .find(|(source, id)| **source == key || **id == key)
            {
                Some((source, id)) => Reply::json(200, order_details(id, source)),
                None => Reply::json(
                    404,
                    json!({"HadError": true, "Errors": [{"PropertyName": "id", "ErrorMessage": "Order not found"}]}),
                ),
            }
        }
        _ => Reply::json(404, json!({"HadError": true})),
    }
}
