//! Gooten's shipping price estimate of a product and currency conversion, through the generated operations
//! (with the client's auth and retries) against the embedded sandbox.
#![cfg(feature = "sandbox")]

mod support;

use fulfillment_apis::{ErrorKind, gooten, sandbox::GootenSandbox};
use rust_decimal::Decimal;
use support::gooten_sandbox::product_ids;

fn client(sandbox: &GootenSandbox) -> gooten::Client {
    gooten::Client::builder(GootenSandbox::RECIPE_ID)
        .with_environment(gooten::Environment::Custom(sandbox.base_url()))
        .build()
        .unwrap()
}

async fn a_product_id(client: &gooten::Client) -> i32 {
    product_ids(client).await[0]
}

#[tokio::test]
async fn a_product_has_a_shipping_price_range() {
    let sandbox = GootenSandbox::start().await.unwrap();
    let client = client(&sandbox);
    let product_id = a_product_id(&client).await;
    let estimate = client
        .api()
        .get_ship_price_estimate()
        .product_id(product_id)
        .country_code("US")
        .currency_code("EUR")
        .await
        .unwrap();
    let min = estimate.min_price.unwrap();
    let max = estimate.max_price.unwrap();
    assert_eq!(min.currency_code.as_deref(), Some("EUR"));
    assert!(min.price.unwrap() <= max.price.unwrap());
    assert!(estimate.est_ship_days.unwrap() > 0);
    assert_eq!(estimate.vendor_country_code.as_deref(), Some("US"));
}

#[tokio::test]
async fn an_unknown_product_or_country_is_refused() {
    let sandbox = GootenSandbox::start().await.unwrap();
    let client = client(&sandbox);
    let error = client
        .api()
        .get_ship_price_estimate()
        .product_id(987_654)
        .country_code("US")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound, "{error}");
    let product_id = a_product_id(&client).await;
    let error = client
        .api()
        .get_ship_price_estimate()
        .product_id(product_id)
        .country_code("USA")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
}

#[tokio::test]
async fn amounts_convert_between_currencies() {
    let sandbox = GootenSandbox::start().await.unwrap();
    let client = client(&sandbox);
    let same = client
        .api()
        .convert_currency()
        .from_currency_code("USD")
        .to_currency_code("USD")
        .amount("10.50")
        .await
        .unwrap();
    assert_eq!(same.price.map(|p| p.get()), Some(Decimal::new(1050, 2)));
    let euros = client
        .api()
        .convert_currency()
        .from_currency_code("USD")
        .to_currency_code("EUR")
        .amount("10")
        .await
        .unwrap();
    assert_eq!(euros.currency_code.as_deref(), Some("EUR"));
    assert!(euros.price.unwrap().get() > Decimal::ZERO);

    let error = client
        .api()
        .convert_currency()
        .from_currency_code("USD")
        .to_currency_code("XXX")
        .amount("1")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
}
