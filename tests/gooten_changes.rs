//! Gooten order changes (address, shipping method, item cancellation, status), billing and partner prices,
//! through the ergonomic client against the embedded sandbox.
#![cfg(feature = "sandbox")]

mod support;

use fulfillment_apis::{
    ErrorKind, Secret,
    gooten::{self, types},
    sandbox::GootenSandbox,
};
use support::gooten_sandbox::skus;

fn client(sandbox: &GootenSandbox) -> gooten::Client {
    gooten::Client::builder(GootenSandbox::RECIPE_ID)
        .with_billing_key(Secret::new(GootenSandbox::PARTNER_BILLING_KEY))
        .with_environment(gooten::Environment::Custom(sandbox.base_url()))
        .build()
        .unwrap()
}

async fn two_skus(client: &gooten::Client) -> (String, String) {
    let skus = skus(client, 2).await;
    (skus[0].clone(), skus[1].clone())
}

fn address(line1: &str, city: &str, postal_code: &str) -> types::ShipToAddress {
    serde_json::from_value(serde_json::json!({
        "FirstName": "Jane", "LastName": "Roe", "Line1": line1, "City": city, "State": "TX",
        "CountryCode": "US", "PostalCode": postal_code, "Phone": "512-555-0100", "Email": "jane.roe@example.com"
    }))
    .unwrap()
}

/// Places a live-mode order (test-mode orders are in the `Test` status, which allows no change) of two items.
async fn place(client: &gooten::Client, test_mode: bool) -> types::OrderDetails {
    let (a, b) = two_skus(client).await;
    let item = |sku: &str| {
        serde_json::json!({"SKU": sku, "Quantity": 1, "ShipType": "standard",
            "Images": [{"Url": "https://example.com/art.jpg", "Index": 0}]})
    };
    let order: types::Order = serde_json::from_value(serde_json::json!({
        "ShipToAddress": address("1 Main St", "Austin", "78701"),
        "BillingAddress": {"FirstName": "Jane", "LastName": "Roe", "PostalCode": "78701", "CountryCode": "US"},
        "Items": [item(&a), item(&b)],
        "IsInTestMode": test_mode
    }))
    .unwrap();
    let submitted = client.submit_order(order).await.unwrap();
    client.get_order(&submitted.id).await.unwrap()
}

fn ids(order: &types::OrderDetails) -> (i64, Vec<i64>) {
    (
        order.gooten_id.expect("GootenId"),
        order
            .items
            .iter()
            .map(|i| i.order_item_id.expect("OrderItemId"))
            .collect(),
    )
}

fn status(item: &types::OrderDetailsItem) -> String {
    serde_json::to_value(item.status.as_ref().unwrap())
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn place_change_address_cancel_an_item_and_read_the_billing() {
    let sandbox = GootenSandbox::start().await.unwrap();
    let client = client(&sandbox);
    let order = place(&client, false).await;
    let safe_id = order.id.clone().unwrap();
    let (gooten_id, items) = ids(&order);
    assert_eq!(items.len(), 2);

    client
        .update_shipping_address(gooten_id, address("9 Elm St", "Dallas", "75201"))
        .await
        .unwrap();
    let moved = client.get_order(&safe_id).await.unwrap();
    let shipping = moved.shipping_address.as_ref().unwrap();
    assert_eq!(shipping.line1.as_deref(), Some("9 Elm St"));
    assert_eq!(shipping.city.as_deref(), Some("Dallas"));

    client
        .update_shipping_method(gooten_id, [items[1]], types::ShipType::Expedited)
        .await
        .unwrap();

    client.cancel_items(gooten_id, [items[0]]).await.unwrap();
    // Cancelling again changes nothing (a retried PUT is harmless).
    client.cancel_items(gooten_id, [items[0]]).await.unwrap();
    let after = client.get_order(&safe_id).await.unwrap();
    assert_eq!(status(&after.items[0]), "Cancelled");
    assert_eq!(status(&after.items[1]), "New");
    let kept = after.items[1].price.as_ref().unwrap().price.unwrap();
    assert_eq!(after.total.as_ref().unwrap().price, Some(kept));

    let billing = client.order_billing(gooten_id, None).await.unwrap();
    assert_eq!(billing.items.len(), 1, "the cancelled item is not billed");
    assert_eq!(billing.items[0].order_item_id, Some(items[1]));
    assert_eq!(billing.order_subtotal.as_ref().unwrap().price, Some(kept));
    let shipping_total = billing.shipping_total.as_ref().unwrap().price.unwrap();
    assert_eq!(
        billing.order_total.as_ref().unwrap().price,
        Some((kept.get() + shipping_total.get()).into())
    );
    let in_eur = client.order_billing(gooten_id, Some("EUR")).await.unwrap();
    assert_eq!(
        in_eur.order_total.unwrap().currency_code.as_deref(),
        Some("EUR")
    );
}

#[tokio::test]
async fn partner_prices_are_below_customer_prices() {
    let sandbox = GootenSandbox::start().await.unwrap();
    let client = client(&sandbox);
    let (sku, _) = two_skus(&client).await;
    let request: types::PartnerPriceRequest = serde_json::from_value(serde_json::json!({
        "ShipToAddress": {"CountryCode": "US"},
        "Items": [{"SKU": sku, "Quantity": 2, "ShipType": "standard"}],
        // Left empty: the client fills in its billing key.
        "Payment": {"CurrencyCode": "USD", "PartnerBillingKey": ""}
    }))
    .unwrap();
    let prices = client.partner_prices(request.clone()).await.unwrap();
    let item = &prices.items_price.unwrap().items[0];
    let partner = item.partner_price.as_ref().unwrap().price.unwrap();
    let customer = item.customer_price.as_ref().unwrap().price.unwrap();
    assert!(partner < customer, "{partner} < {customer}");

    let keyless = gooten::Client::builder(GootenSandbox::RECIPE_ID)
        .with_environment(gooten::Environment::Custom(sandbox.base_url()))
        .build()
        .unwrap();
    let error = keyless.partner_prices(request).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Configuration);
}

#[tokio::test]
async fn changes_in_a_status_that_forbids_them_are_refused() {
    let sandbox = GootenSandbox::start().await.unwrap();
    let client = client(&sandbox);
    let order = place(&client, false).await;
    let safe_id = order.id.clone().unwrap();
    let (gooten_id, items) = ids(&order);
    assert!(sandbox.ship_order(&safe_id, "9400111899223197428490"));

    let error = client
        .update_shipping_address(gooten_id, address("9 Elm St", "Dallas", "75201"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
    assert!(
        error.field_errors()[0].message.contains("Shipped"),
        "{error:?}"
    );
    let error = client
        .cancel_items(gooten_id, [items[0]])
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
    let unchanged = client.get_order(&safe_id).await.unwrap();
    assert_eq!(
        unchanged.shipping_address.unwrap().line1.as_deref(),
        Some("1 Main St")
    );
    assert_eq!(status(&unchanged.items[0]), "Shipped");

    // A test-mode order is in the Test status, which no change allows.
    let test_order = place(&client, true).await;
    let (test_id, _) = ids(&test_order);
    let error = client
        .update_shipping_address(test_id, address("9 Elm St", "Dallas", "75201"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");

    // A cancelled order: set_status, then no address change.
    let live = place(&client, false).await;
    let (live_id, _) = ids(&live);
    client
        .set_status(
            live.id.as_deref().unwrap(),
            types::SetOrderStatusOrderStatusName::Cancelled,
        )
        .await
        .unwrap();
    let error = client
        .update_shipping_address(live_id, address("9 Elm St", "Dallas", "75201"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
}

#[tokio::test]
async fn unknown_orders_are_not_found() {
    let sandbox = GootenSandbox::start().await.unwrap();
    let client = client(&sandbox);
    let unknown = 999_999;
    for error in [
        client
            .update_shipping_address(unknown, address("9 Elm St", "Dallas", "75201"))
            .await
            .unwrap_err(),
        client.cancel_items(unknown, [1]).await.unwrap_err(),
        client
            .update_shipping_method(unknown, [1], types::ShipType::Standard)
            .await
            .unwrap_err(),
        client.order_billing(unknown, None).await.unwrap_err(),
        client
            .set_status("1-nope", types::SetOrderStatusOrderStatusName::Hold)
            .await
            .unwrap_err(),
    ] {
        assert_eq!(error.kind(), ErrorKind::NotFound, "{error}");
    }
}

#[tokio::test]
async fn invalid_changes_are_refused_with_field_errors() {
    let sandbox = GootenSandbox::start().await.unwrap();
    let client = client(&sandbox);
    let order = place(&client, false).await;
    let (gooten_id, items) = ids(&order);

    // An item of another order.
    let error = client
        .cancel_items(gooten_id, [items[0] + 1000])
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
    assert_eq!(error.field_errors()[0].path, "CancelItems.Ids[0]");
    // Nothing was cancelled.
    let order = client
        .get_order(order.id.as_deref().unwrap())
        .await
        .unwrap();
    assert!(order.items.iter().all(|i| status(i) == "New"));

    // No id at all: refused before sending.
    let error = client.cancel_items(gooten_id, []).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    let error = client.cancel_items(gooten_id, 1..=101).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);

    // An empty postal code.
    let error = client
        .update_shipping_address(gooten_id, address("9 Elm St", "Dallas", ""))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
    assert_eq!(error.field_errors()[0].path, "ShippingAddress.PostalCode");

    // An unknown currency for the billing, an unknown SKU for partner prices.
    let error = client
        .order_billing(gooten_id, Some("XXX"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
    let request: types::PartnerPriceRequest = serde_json::from_value(serde_json::json!({
        "ShipToAddress": {"CountryCode": "US"},
        "Items": [{"SKU": "No-Such-SKU", "Quantity": 1, "ShipType": "standard"}],
        "Payment": {"PartnerBillingKey": ""}
    }))
    .unwrap();
    let error = client.partner_prices(request).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
    assert_eq!(
        error.field_errors()[0].path,
        "PartnerPriceRequest.Items[0].SKU"
    );
}
