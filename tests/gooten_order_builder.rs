//! An order written with the typed Gooten builder is accepted by the sandbox, exactly once.
#![cfg(feature = "sandbox")]

use fulfillment_apis::{
    Outcome, Secret,
    gooten::{self, Address, AddressFields, Item, OrderBuilder, Shipping, types, types::ShipType},
    sandbox::GootenSandbox,
};

#[tokio::test]
async fn the_sandbox_accepts_a_typed_order() {
    let sandbox = GootenSandbox::start().await.unwrap();
    let client = gooten::Client::builder(GootenSandbox::RECIPE_ID)
        .with_billing_key(Secret::new(GootenSandbox::PARTNER_BILLING_KEY))
        .with_environment(gooten::Environment::Custom(sandbox.base_url()))
        .build()
        .unwrap();
    // A carrier method Gooten offers for the second item's SKU to this destination.
    let prices = client
        .api()
        .get_shipping_prices()
        .body(
            serde_json::from_value::<types::ShippingPricesRequest>(serde_json::json!({
                "ShipToPostalCode": "10118", "ShipToCountry": "US", "ShipToState": "NY",
                "Items": [{"SKU": "PremTee-Blk-M", "Quantity": 1}]
            }))
            .unwrap(),
        )
        .await
        .unwrap();
    let method = prices.result[0].ship_options[0].id.unwrap();
    let ship_to = Address::from(AddressFields {
        first_name: "John",
        last_name: "Doe",
        line1: "350 5th Ave",
        city: "New York",
        postal_code: "10118",
        country_code: "US",
        phone: "212-555-0142",
        email: "john.doe@example.com",
    })
    .set_state("NY");
    let order = OrderBuilder::new(
        ship_to,
        Item::new(
            "CanvsWrp-BlkWrp-12x12",
            2,
            Shipping::Type(ShipType::Standard),
        )
        .add_image("https://cdn.example.com/artwork/sunset.jpg"),
    )
    .add_item(
        Item::new("PremTee-Blk-M", 1, Shipping::CarrierMethod(method))
            .add_image("https://x.test/a.png"),
    )
    .set_source_id("WEB-TYPED-1")
    .set_test_mode(true);
    let submitted = client.submit_order(order).await.unwrap();
    assert_eq!(submitted.outcome, Outcome::Created);
    assert_eq!(sandbox.orders_with_source_id("WEB-TYPED-1"), 1);
    let stored = sandbox.order(&submitted.id).unwrap();
    assert_eq!(stored.items.len(), 2);
}
