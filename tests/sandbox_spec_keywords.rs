//! What the specs' own schema keywords refuse, the sandbox refuses with the provider's error format (the contract
//! stage's `negative_data_rejection`): Gooten's code patterns (query and body) with its 400 envelope, Bootic's
//! `format: int32` page sizes with its 422.
#![cfg(feature = "sandbox")]

mod support;

use fulfillment_apis::{
    gooten::types as gt,
    sandbox::{BooticSandbox, GootenSandbox},
};
use reqwest::StatusCode;
use serde_json::{Value, json};

use support::sandbox_bootic::{first_field_error, http, token};

const RECIPE: &str = GootenSandbox::RECIPE_ID;

/// The property names of a Gooten 400 envelope.
async fn gooten_refusal(response: reqwest::Response) -> Vec<String> {
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error: gt::Error = response.json().await.unwrap();
    assert_eq!(error.had_error, Some(true));
    error
        .errors
        .into_iter()
        .map(|f| f.property_name.unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn gooten_address_validation_refuses_a_country_code_off_the_pattern() {
    let gooten = GootenSandbox::start().await.unwrap();
    let url = format!("{}/v/5/source/api/addressvalidation", gooten.base_url());
    let address = |country: &str| {
        vec![
            ("recipeid", RECIPE.to_string()),
            ("line1", "350 5th Ave".into()),
            ("city", "New York".into()),
            ("state", "NY".into()),
            ("postalCode", "10118".into()),
            ("countryCode", country.to_string()),
        ]
    };
    for bad in ["USA", "U1", "U", "US ", "ÜS"] {
        let response = http().get(&url).query(&address(bad)).send().await.unwrap();
        assert_eq!(
            gooten_refusal(response).await,
            ["countryCode"],
            "countryCode={bad:?}"
        );
    }
    let response = http().get(&url).query(&address("us")).send().await.unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the pattern allows lower case"
    );
}

#[tokio::test]
async fn gooten_estimates_refuse_currency_codes_off_the_pattern() {
    let gooten = GootenSandbox::start().await.unwrap();
    let base = format!("{}/v/5/source/api", gooten.base_url());
    let item = json!([{"SKU": "PremTee-Blk-M", "Quantity": 1, "ShipType": "standard"}]);
    for bad in ["", "US", "US1", "USDX", " USD"] {
        let estimate = json!({"ShipToAddress": {"CountryCode": "US"}, "Payment": {"CurrencyCode": bad},
            "Items": item});
        let prices = json!({"ShipToPostalCode": "10001", "ShipToCountry": "US", "ShipToState": "NY", "CurrencyCode": bad,
            "Items": [{"SKU": "PremTee-Blk-M", "Quantity": 1}]});
        for (op, body, property) in [
            ("priceestimate", &estimate, "Payment.CurrencyCode"),
            ("shippingprices", &prices, "CurrencyCode"),
        ] {
            let response = http()
                .post(format!("{base}/{op}"))
                .query(&[("recipeid", RECIPE)])
                .json(body)
                .send()
                .await
                .unwrap();
            assert_eq!(gooten_refusal(response).await, [property], "{op} {bad:?}");
        }
    }
    // Absent, the currency is USD; present and well-formed, it is used.
    let body: Value = json!({"ShipToAddress": {"CountryCode": "US"}, "Items": item});
    let response = http()
        .post(format!("{base}/priceestimate"))
        .query(&[("recipeid", RECIPE)])
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = http()
        .get(format!("{base}/products"))
        .query(&[
            ("recipeid", RECIPE),
            ("countryCode", "US"),
            ("currencyCode", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(gooten_refusal(response).await, ["currencyCode"]);
}

#[tokio::test]
async fn bootic_product_and_contact_page_sizes_are_int32() {
    let bootic = BooticSandbox::start().await.unwrap();
    let token = token(&bootic).await;
    let base = bootic.base_url();
    let products = format!("{base}/products");
    let contacts = format!("{base}/shops/{}/contacts", BooticSandbox::SHOP_ID);
    for url in [&products, &contacts] {
        for (name, value, message) in [
            ("per_page", "2147483648", "is out of range"),
            ("per_page", "99999999999999999999", "is out of range"),
            ("per_page", "0", "must be greater than 0"),
            ("page", "2147483648", "is out of range"),
            ("per_page", "ten", "is not a number"),
        ] {
            let response = http()
                .get(url.as_str())
                .bearer_auth(&token)
                .query(&[(name, value)])
                .send()
                .await
                .unwrap();
            let context = format!("{url} {name}={value}");
            let (field, messages) = first_field_error(response, &context).await;
            assert_eq!(field, name);
            assert_eq!(messages, [message], "{context}");
        }
        let response = http()
            .get(url.as_str())
            .bearer_auth(&token)
            .query(&[("per_page", "2147483647")])
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "{url}: the int32 maximum"
        );
    }
}
