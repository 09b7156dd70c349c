//! Gooten's print-ready catalog (listPrintReadyProducts, listPrintReadyVariants) as `Stream`s: against the
//! embedded sandbox (every page, the SKUs orderable) and against httpmock (the stream stops after the last page
//! without asking for another; `HadError: true` in a 200 answer ends it with a typed error).
#![cfg(all(feature = "gooten", feature = "sandbox"))]

use fulfillment_apis::{ErrorKind, Provider, Secret, gooten, sandbox::GootenSandbox};
use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::json;

fn client(base: String, recipe: &str) -> gooten::Client {
    gooten::Client::builder(recipe)
        .with_billing_key(Secret::new(GootenSandbox::PARTNER_BILLING_KEY))
        .with_environment(gooten::Environment::Custom(base))
        .build()
        .unwrap()
}

#[tokio::test]
async fn every_print_ready_product_and_variant_comes_across_pages() {
    let sandbox = GootenSandbox::start().await.unwrap();
    let client = client(sandbox.base_url(), GootenSandbox::RECIPE_ID);

    // The sandbox answers two products per page: more than one page is streamed.
    let first = client
        .api()
        .list_print_ready_products()
        .page(1)
        .await
        .unwrap();
    assert!(first.page_count.unwrap() >= 2, "{first:?}");
    let products: Vec<_> = client.print_ready_products().try_collect().await.unwrap();
    assert!(products.len() > first.products.len());
    let names: Vec<&str> = products
        .iter()
        .map(|p| p.product_name.as_deref().unwrap())
        .collect();
    let unique: std::collections::HashSet<_> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "no product twice: {names:?}");

    // All variants, and each product's own (three per page: several pages for all of them).
    let all: Vec<_> = client
        .print_ready_variants(None)
        .try_collect()
        .await
        .unwrap();
    let mut per_product = 0;
    for product in &products {
        let name = product.product_name.as_deref().unwrap();
        let variants: Vec<_> = client
            .print_ready_variants(Some(name))
            .try_collect()
            .await
            .unwrap();
        assert_eq!(
            variants.len() as i32,
            product.number_of_variants.unwrap(),
            "{name}"
        );
        assert!(
            variants
                .iter()
                .all(|v| v.product_name.as_deref() == Some(name))
        );
        per_product += variants.len();
    }
    assert_eq!(all.len(), per_product);
    assert!(all.len() > 3, "more than one page of variants");

    // An unknown product has no variants.
    let none: Vec<_> = client
        .print_ready_variants(Some("no such product"))
        .try_collect()
        .await
        .unwrap();
    assert!(none.is_empty());

    // A print-ready SKU can be ordered.
    let sku = all[0].sku.clone().unwrap();
    let order: gooten::types::Order = serde_json::from_value(json!({
        "ShipToAddress": {"FirstName": "John", "LastName": "Doe", "Line1": "350 5th Ave", "City": "New York",
            "State": "NY", "CountryCode": "US", "PostalCode": "10118", "Phone": "212-555-0142",
            "Email": "john.doe@example.com"},
        "BillingAddress": {"FirstName": "John", "LastName": "Doe", "PostalCode": "10118", "CountryCode": "US"},
        "Items": [{"SKU": sku, "Quantity": 1, "ShipType": "standard",
            "Images": [{"Url": "https://example.com/art.jpg"}]}],
        "IsInTestMode": true
    }))
    .unwrap();
    client.submit_order(order).await.unwrap();
}

#[tokio::test]
async fn a_page_below_one_or_a_wrong_recipe_is_a_typed_error() {
    let sandbox = GootenSandbox::start().await.unwrap();
    let client_ok = client(sandbox.base_url(), GootenSandbox::RECIPE_ID);
    let error = client_ok
        .api()
        .list_print_ready_variants()
        .page(0)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
    assert_eq!(error.field_errors()[0].path, "page");

    let wrong = client(sandbox.base_url(), "not-the-recipe");
    let error = wrong.print_ready_products().try_next().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Authentication, "{error}");
}

const RECIPE: &str = "f3c4d2b1-recipe";

#[tokio::test]
async fn the_stream_stops_after_the_last_page() {
    let server = MockServer::start_async().await;
    let mut mocks = Vec::new();
    for page in 1..=2 {
        mocks.push(
            server
                .mock_async(|when, then| {
                    when.method(GET)
                        .path("/api/v/5/source/api/prpproducts")
                        .query_param("recipeid", RECIPE)
                        .query_param("page", page.to_string());
                    then.status(200).json_body(json!({
                        "Products": [{"ProductName": format!("P{page}"), "NumberOfVariants": 1}],
                        "Page": page, "PageCount": 2, "HadError": false
                    }));
                })
                .await,
        );
    }
    let beyond = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v/5/source/api/prpproducts")
                .query_param("page", "3");
            then.status(200)
                .json_body(json!({"Products": [], "Page": 3, "PageCount": 2, "HadError": false}));
        })
        .await;
    let client = client(server.url("/api"), RECIPE);
    let names: Vec<_> = client
        .print_ready_products()
        .map_ok(|p| p.product_name.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["P1", "P2"]);
    for mock in &mocks {
        mock.assert_calls_async(1).await;
    }
    beyond.assert_calls_async(0).await;
}

#[tokio::test]
async fn had_error_in_a_200_page_ends_the_stream_with_a_typed_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v/5/source/api/prpvariants")
                .query_param("page", "1")
                .query_param("productName", "000-AKOO");
            then.status(200).json_body(json!({
                "Variants": [{"ProductName": "000-AKOO", "Sku": "000-AKOO-1", "Name": "One"}],
                "Page": 1, "PageCount": 5, "HadError": false
            }));
        })
        .await;
    let failing = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v/5/source/api/prpvariants")
                .query_param("page", "2");
            // The error answer of a third-party MCP server's test of this endpoint.
            then.status(200)
                .json_body(json!({"HadError": true, "Errors": [{"ErrorMessage": "bad page"}]}));
        })
        .await;
    let client = client(server.url("/api"), RECIPE);
    let mut variants = client.print_ready_variants(Some("000-AKOO"));
    let first = variants.try_next().await.unwrap().unwrap();
    assert_eq!(first.sku.as_deref(), Some("000-AKOO-1"));
    let error = variants.try_next().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
    assert_eq!(error.provider(), Some(Provider::Gooten));
    assert_eq!(error.operation(), Some("listPrintReadyVariants"));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(error.field_errors()[0].message, "bad page");
    failing.assert_calls_async(1).await;
}
