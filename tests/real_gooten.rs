//! The real-payload corpus (`tests/fixtures/real/gooten/`, sources in its SOURCES.md) against the crate:
//!
//! - every recorded answer decodes into the generated type of its operation's success response (taken from
//!   `spec/gooten.yaml`), without a field of the answer being dropped;
//! - every request body a real client sends is accepted by the sandbox, sent as the client sends it (its path
//!   casing, version prefix, trailing slash and recipe-id spelling), and, where the generated request type can
//!   represent it exactly, also sent through the typed client.
//!
//! A payload that neither works nor is listed in [`REFUSED`] (and in SOURCES.md, "Deliberately refused") fails.
//! Values the sandbox cannot know are replaced before sending, keeping every key and JSON type: the SKU (by one of
//! the sandbox catalog), `ShipCarrierMethodId` (by a ship option of that SKU), the billing key (by the sandbox's;
//! the WooCommerce test sends `""`, which its settings fill in production).
#![cfg(feature = "sandbox")]

use std::{collections::BTreeMap, fs, path::Path};

use fulfillment_apis::{
    Secret,
    gooten::{self, types as t},
    sandbox::GootenSandbox,
};
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/real/gooten");
const SANDBOX_SKU: &str = "CanvsWrp-BlkWrp-12x12";

/// Payloads the crate refuses on purpose, with the reason; SOURCES.md lists the same under "Deliberately refused".
const REFUSED: &[(&str, &str)] = &[(
    "submitOrder.request.ios-core-paypal.json",
    "no BillingAddress: both documents require it; only the iOS core leaves it out (PayPal orders)",
)];

/// The success schema of each operation, and its request schema, from the spec.
struct Operation {
    path: String,
    request: Option<String>,
    response: String,
}

fn operations() -> BTreeMap<String, Operation> {
    let text =
        fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/gooten.yaml")).unwrap();
    let spec: Value = serde_norway::from_str(&text).unwrap();
    let schema_name = |media: &Value| {
        media["application/json"]["schema"]["$ref"]
            .as_str()
            .map(|r| r.rsplit('/').next().unwrap().to_string())
    };
    let mut out = BTreeMap::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for op in item.as_object().unwrap().values() {
            let Some(id) = op["operationId"].as_str() else {
                continue;
            };
            let response = ["200", "201"]
                .iter()
                .find_map(|s| schema_name(&op["responses"][*s]["content"]))
                .unwrap_or_default();
            out.insert(
                id.to_string(),
                Operation {
                    path: path.clone(),
                    request: schema_name(&op["requestBody"]["content"]),
                    response,
                },
            );
        }
    }
    out
}

/// Decodes `value` into the generated type named `schema` and returns it encoded again.
fn through(schema: &str, value: Value) -> Result<Value, String> {
    macro_rules! table {
        ($($name:ident),* $(,)?) => {
            match schema {
                $(stringify!($name) => serde_json::from_value::<t::$name>(value)
                    .map(|v| serde_json::to_value(v).unwrap())
                    .map_err(|e| e.to_string()),)*
                other => panic!("no decoder for {other}: add it to the table"),
            }
        };
    }
    table!(
        OrderDetails,
        Order,
        PriceEstimateRequest,
        PriceEstimateResponse,
        ProductPreviewRequest,
        ProductPreviewResponse,
        ProductTemplatesResponse,
        ProductVariantsResponse,
        ShippingPricesRequest,
        ShippingPricesResponse,
        OrderStatusUpdateResponse,
        SubmitOrderResponse,
    )
}

/// Paths (`Items[0].Layers`) of non-null values in `original` that are missing from `back`.
fn dropped(original: &Value, back: &Value, path: &str, out: &mut Vec<String>) {
    match (original, back) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                // Encoding leaves out None and empty lists/maps, which decode from null, [] and {}.
                let empty = v.is_null()
                    || v.as_array().is_some_and(Vec::is_empty)
                    || v.as_object().is_some_and(serde_json::Map::is_empty);
                match b.get(k) {
                    None if !empty => out.push(format!("{path}.{k}")),
                    None => {}
                    Some(w) => dropped(v, w, &format!("{path}.{k}"), out),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                dropped(v, w, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// `(file name, operationId, is_request, payload)` for every fixture.
fn corpus() -> Vec<(String, String, bool, Value)> {
    let mut files: Vec<_> = fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let mut parts = name.split('.');
            let op = parts.next().unwrap().to_string();
            let kind = parts.next().unwrap().to_string();
            assert!(kind == "request" || kind == "response", "{name}");
            let value = serde_json::from_str(&fs::read_to_string(Path::new(&p)).unwrap())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, op, kind == "request", value)
        })
        .collect()
}

#[test]
fn every_recorded_answer_decodes_into_its_operations_type() {
    let operations = operations();
    let mut decoded = 0;
    let mut failures = Vec::new();
    for (name, op, is_request, value) in corpus().into_iter().filter(|c| !c.2) {
        let _ = is_request;
        let schema = &operations
            .get(&op)
            .unwrap_or_else(|| panic!("{name}: no operation {op}"))
            .response;
        match through(schema, value.clone()) {
            Ok(back) => {
                let mut lost = Vec::new();
                dropped(&value, &back, "", &mut lost);
                if lost.is_empty() {
                    decoded += 1;
                } else {
                    failures.push(format!("{name}: {schema} drops {lost:?}"));
                }
            }
            Err(e) => failures.push(format!("{name}: not a {schema}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(decoded, 12, "every recorded answer decodes");
}

/// How the client that wrote a fixture calls the API: its version prefix, recipe-id spelling and path style.
fn as_sent_by(file: &str, endpoint: &str) -> (String, &'static str) {
    let (prefix, recipe, trailing) = match file.rsplit('.').nth(1).unwrap_or_default() {
        tag if tag.starts_with("gooten-js") => ("v/4/source/api", "recipeId", false),
        tag if tag.starts_with("ios-core") => ("v/34/source/ios", "recipeid", true),
        tag if tag.starts_with("woo-plugin") => ("v/5/source/api", "recipeId", true),
        _ => ("v/5/source/api", "recipeid", true),
    };
    // gooten-js spells some paths in camel case (gtn.api.js).
    let endpoint = match (prefix, endpoint) {
        ("v/4/source/api", "shippingprices") => "shippingPrices",
        (_, e) => e,
    };
    let slash = if trailing { "/" } else { "" };
    (format!("{prefix}/{endpoint}{slash}"), recipe)
}

/// Replaces the values the sandbox cannot know (see the module docs), keeping keys and JSON types.
fn substitute(value: &mut Value, method_id: i32) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match (k.to_ascii_lowercase().as_str(), &*v) {
                    ("sku", Value::String(_)) => *v = SANDBOX_SKU.into(),
                    ("shipcarriermethodid", Value::String(_)) => *v = method_id.to_string().into(),
                    ("shipcarriermethodid", Value::Number(_)) => *v = method_id.into(),
                    ("partnerbillingkey", Value::String(_)) => {
                        *v = GootenSandbox::PARTNER_BILLING_KEY.into();
                    }
                    _ => substitute(v, method_id),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| substitute(v, method_id)),
        _ => {}
    }
}

fn client(sandbox: &GootenSandbox) -> gooten::Client {
    gooten::Client::builder(GootenSandbox::RECIPE_ID)
        .with_billing_key(Secret::new(GootenSandbox::PARTNER_BILLING_KEY))
        .with_environment(gooten::Environment::Custom(sandbox.base_url()))
        .build()
        .unwrap()
}

async fn method_id(client: &gooten::Client) -> i32 {
    let request: t::ShippingPricesRequest = serde_json::from_value(serde_json::json!({
        "ShipToPostalCode": "10118", "ShipToCountry": "US", "ShipToState": "NY",
        "Items": [{"SKU": SANDBOX_SKU, "Quantity": 1}]
    }))
    .unwrap();
    let prices = client
        .api()
        .get_shipping_prices()
        .body(request)
        .await
        .unwrap();
    prices.result[0].ship_options[0].id.unwrap()
}

/// Sends `body` through the typed client; `Ok(false)` when the generated type cannot carry it exactly.
async fn send_typed(
    client: &gooten::Client,
    op: &str,
    schema: &str,
    body: &Value,
) -> Result<bool, String> {
    let Ok(back) = through(schema, body.clone()) else {
        return Ok(false);
    };
    if &back != body {
        return Ok(false);
    }
    let result = match op {
        "getPriceEstimate" => client
            .get_price_estimate(serde_json::from_value(back).unwrap())
            .await
            .map(drop),
        "getShippingPrices" => client
            .api()
            .get_shipping_prices()
            .body(serde_json::from_value::<t::ShippingPricesRequest>(back).unwrap())
            .await
            .map(drop),
        "getProductPreview" => client
            .api()
            .get_product_preview()
            .body(serde_json::from_value::<t::ProductPreviewRequest>(back).unwrap())
            .await
            .map(drop),
        "submitOrder" => client
            .submit_order(serde_json::from_value::<gooten::types::Order>(back).unwrap())
            .await
            .map(drop),
        other => panic!("no typed call for {other}"),
    };
    result.map(|()| true).map_err(|e| e.to_string())
}

#[tokio::test]
async fn every_real_request_is_accepted_by_the_sandbox() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let sandbox = GootenSandbox::start().await.unwrap();
    let client = client(&sandbox);
    let method_id = method_id(&client).await;
    let operations = operations();
    let http = reqwest::Client::new();
    let (mut raw_ok, mut typed, mut refused) = (0, Vec::new(), 0);
    let mut failures = Vec::new();
    for (name, op, _, mut body) in corpus().into_iter().filter(|c| c.2) {
        let operation = &operations[&op];
        let schema = operation.request.clone().expect("a request body");
        substitute(&mut body, method_id);
        let endpoint = operation.path.rsplit('/').next().unwrap();
        let (path, recipe) = as_sent_by(&name, endpoint);
        let response = http
            .post(format!("{}/{path}", sandbox.base_url()))
            .query(&[(recipe, GootenSandbox::RECIPE_ID)])
            .header("content-type", "application/json")
            .body(serde_json::to_vec(&body).unwrap())
            .send()
            .await
            .unwrap();
        let status = response.status();
        let answer: Value = response.json().await.unwrap();
        let reason = REFUSED.iter().find(|(f, _)| *f == name).map(|(_, r)| *r);
        match (status.is_success(), reason) {
            (true, None) => raw_ok += 1,
            (false, Some(_)) => {
                refused += 1;
                continue;
            }
            (true, Some(reason)) => {
                failures.push(format!("{name}: listed as refused ({reason}) but accepted"))
            }
            (false, None) => failures.push(format!("{name}: refused with {status}: {answer}")),
        }
        match send_typed(&client, &op, &schema, &body).await {
            Ok(true) => typed.push(name),
            Ok(false) => {}
            Err(e) => failures.push(format!("{name}: the typed client failed: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    println!(
        "requests accepted: {raw_ok}, refused on purpose: {refused}; also through the typed client: {typed:?}"
    );
    assert_eq!((raw_ok, refused), (16, 1));
    // The others use lower-camel keys, numbers or booleans as strings, or keys no document names (raw card data,
    // `IsPreSubmit` on an estimate): the generated types cannot carry them exactly, so they go over plain HTTP only.
    assert_eq!(typed.len(), 5, "typed sends: {typed:?}");
}

#[tokio::test]
async fn a_print_ready_order_without_images_and_a_partial_address_estimate_work_end_to_end() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let sandbox = GootenSandbox::start().await.unwrap();
    let client = client(&sandbox);
    let estimate: t::PriceEstimateRequest = serde_json::from_value(serde_json::json!({
        "ShipToAddress": {"CountryCode": "US"},
        "Items": [{"SKU": SANDBOX_SKU, "Quantity": 2, "ShipType": "standard"}],
        "CouponCodes": ["50OFF"]
    }))
    .unwrap();
    let answer = client.get_price_estimate(estimate).await.unwrap();
    assert!(answer.items.unwrap().price.unwrap() > fulfillment_apis::Amount::ZERO);
    assert_eq!(answer.had_coupon_apply, Some(true));
    assert_eq!(answer.coupons.len(), 1);

    let order: t::Order = serde_json::from_value(serde_json::json!({
        "ShipToAddress": {"FirstName": "Jane", "LastName": "Roe", "Line1": "1 Main St", "City": "Austin",
            "State": "TX", "CountryCode": "US", "PostalCode": "78701", "Phone": "512-555-0100",
            "Email": "jane.roe@example.com"},
        "BillingAddress": {"FirstName": "Jane", "LastName": "Roe", "PostalCode": "78701", "CountryCode": "US"},
        "Items": [{"SKU": SANDBOX_SKU, "Quantity": 1, "ShipCarrierMethodId": method_id(&client).await}],
        "IsInTestMode": true
    }))
    .unwrap();
    assert!(order.items[0].images.is_empty());
    let submitted = client.submit_order(order).await.unwrap();
    let fetched = client
        .api()
        .get_order()
        .id(&submitted.id)
        .with_images(true)
        .await
        .unwrap();
    assert!(fetched.gooten_id.is_some());
    assert!(fetched.items[0].order_item_id.is_some());
    assert!(fetched.items[0].images.is_empty());
}

#[tokio::test]
async fn an_item_with_neither_or_both_shipping_choices_is_refused_before_sending() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let sandbox = GootenSandbox::start().await.unwrap();
    let client = client(&sandbox);
    for item in [
        serde_json::json!({"SKU": SANDBOX_SKU, "Quantity": 1}),
        serde_json::json!({"SKU": SANDBOX_SKU, "Quantity": 1, "ShipType": "standard", "ShipCarrierMethodId": 1}),
    ] {
        let estimate: t::PriceEstimateRequest = serde_json::from_value(
            serde_json::json!({"ShipToAddress": {"CountryCode": "US"}, "Items": [item]}),
        )
        .unwrap();
        let error = client.get_price_estimate(estimate).await.unwrap_err();
        assert_eq!(error.kind(), fulfillment_apis::ErrorKind::InvalidRequest);
    }
    assert_eq!(sandbox.order_count(), 0);
}

#[tokio::test]
async fn the_sandbox_enforces_the_code_and_quantity_constraints_with_gootens_envelope() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let sandbox = GootenSandbox::start().await.unwrap();
    let http = reqwest::Client::new();
    for (body, property) in [
        (
            serde_json::json!({"ShipToAddress": {"CountryCode": "USA"},
                "Items": [{"SKU": SANDBOX_SKU, "Quantity": 1, "ShipType": "standard"}]}),
            "ShipToAddress.CountryCode",
        ),
        (
            serde_json::json!({"ShipToAddress": {"CountryCode": "US"}, "Payment": {"CurrencyCode": "US"},
                "Items": [{"SKU": SANDBOX_SKU, "Quantity": 1, "ShipType": "standard"}]}),
            "Payment.CurrencyCode",
        ),
        (
            serde_json::json!({"ShipToAddress": {"CountryCode": "US"},
                "Items": [{"SKU": SANDBOX_SKU, "Quantity": 0, "ShipType": "standard"}]}),
            "Items[0].Quantity",
        ),
    ] {
        let response = http
            .post(format!(
                "{}/v/5/source/api/priceestimate",
                sandbox.base_url()
            ))
            .query(&[("recipeid", GootenSandbox::RECIPE_ID)])
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::BAD_REQUEST);
        let error: t::Error = response.json().await.unwrap();
        assert_eq!(error.had_error, Some(true));
        let failure = &error.errors[0];
        assert_eq!(failure.property_name.as_deref(), Some(property));
        assert!(failure.error_message.is_some() && failure.attempted_value.is_some());
    }
}
