//! Money through the Gooten client, both ways, without serde_json's `arbitrary_precision`: prices like
//! `39.99` and totals like `12345678901234.56` (more digits than an `f64` keeps) reach the caller and the
//! server with exactly the digits that were written.
#![cfg(feature = "gooten")]

mod support;

use fulfillment_apis::{Amount, Secret, gooten, gooten::types};
use serde_json::json;
use support::{Reply, ScriptedServer};

const TOTAL: &str = "12345678901234.56";
/// 18 significant digits: an f64 would print it as 12345678901234.568 or similar.
const LONG: &str = "12345678901234.5678";

fn client(base: String) -> gooten::Client {
    gooten::Client::builder("recipe")
        .with_billing_key(Secret::new("pbk-1"))
        .with_environment(gooten::Environment::Custom(base))
        .build()
        .unwrap()
}

fn raw_json(status: u16, body: String) -> Reply {
    Reply::Respond {
        status,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body,
    }
}

#[tokio::test]
async fn answer_amounts_keep_every_digit() {
    // Written by hand (a serde_json::Value would hold f64s); property names in Gooten's varying case.
    let body = format!(
        r#"{{"Id": "7-1", "SourceId": "WEB-1", "HadError": false, "Items": [],
            "Total": {{"Price": {TOTAL}, "CurrencyCode": "USD", "FormattedPrice": "$", "CurrencyFormat": "${{1}}", "CurrencyDigits": 2}},
            "shippingTotal": {{"price": 39.99, "CurrencyCode": "USD", "FormattedPrice": "$39.99", "CurrencyFormat": "${{1}}", "CurrencyDigits": 2}},
            "DiscountAmount": {{"PRICE": "{LONG}", "CurrencyCode": "USD", "FormattedPrice": "$", "CurrencyFormat": "${{1}}", "CurrencyDigits": 2}}}}"#
    );
    let server = ScriptedServer::start(move |_| raw_json(200, body.clone())).await;
    let order = client(server.url("/api")).get_order("7-1").await.unwrap();
    let price = |p: Option<types::Price>| p.and_then(|p| p.price).map(|a| a.to_string());
    assert_eq!(price(order.total).as_deref(), Some(TOTAL));
    assert_eq!(price(order.shipping_total).as_deref(), Some("39.99"));
    assert_eq!(price(order.discount_amount).as_deref(), Some(LONG));
}

#[tokio::test]
async fn submitted_amounts_are_sent_with_the_same_digits() {
    let server =
        ScriptedServer::start(|_| Reply::json(200, json!({"Id": "safe-1", "HadError": false})))
            .await;
    let mut order: types::Order = serde_json::from_value(json!({
        "SourceId": "WEB-1",
        "ShipToAddress": {"FirstName": "John", "LastName": "Doe", "Line1": "350 5th Ave", "City": "New York",
            "State": "NY", "CountryCode": "US", "PostalCode": "10118", "Phone": "212-555-0142",
            "Email": "john.doe@example.com"},
        "BillingAddress": {"FirstName": "John", "LastName": "Doe", "PostalCode": "10118", "CountryCode": "US"},
        "Items": [{"SKU": "CanvsWrp-BlkWrp-12x12", "Quantity": 1, "ShipType": "standard"}],
        "Payment": {"CurrencyCode": "USD"}
    }))
    .unwrap();
    let total: Amount = LONG.parse().unwrap();
    order.payment.as_mut().unwrap().total = Some(total);
    client(server.url("/api"))
        .submit_order(order)
        .await
        .unwrap();
    let sent = &server.recorded()[0];
    let body = String::from_utf8(sent.body.clone()).unwrap();
    // The body was rewritten to add the billing key; the total's text survives that too.
    assert!(body.contains(&format!(r#""Total":{LONG}"#)), "{body}");
    assert!(body.contains(r#""PartnerBillingKey":"pbk-1""#), "{body}");
    let decoded: types::Order = serde_json::from_str(&body).unwrap();
    assert_eq!(decoded.payment.unwrap().total, Some(total));
}
