//! The HAL links of Bootic entities followed in a typed way (`Client::follow` with the relations of
//! `bootic::rel`) against the embedded sandbox, and a hostile link to another origin refused with nothing sent.
#![cfg(feature = "sandbox")]

use fulfillment_apis::{
    ErrorKind, Secret,
    bootic::{
        self, Credentials, ProductQuery, rel,
        types::{ContactInput, HalLink, LineItemInput, OrderCreate},
    },
    sandbox::BooticSandbox,
};
use futures::TryStreamExt;
use httpmock::prelude::*;

const SHOP: i64 = BooticSandbox::SHOP_ID;

fn client(sandbox: &BooticSandbox) -> bootic::Client {
    bootic::Client::builder(Credentials::client_credentials(
        BooticSandbox::CLIENT_ID,
        Secret::new(BooticSandbox::CLIENT_SECRET),
    ))
    .with_environment(bootic::Environment::Custom(sandbox.base_url()))
    .with_token_url(sandbox.token_url())
    .build()
    .unwrap()
}

fn link(href: &str) -> HalLink {
    serde_json::from_value(serde_json::json!({ "href": href })).unwrap()
}

async fn first_variant(client: &bootic::Client) -> i64 {
    let product = client.products(SHOP).try_next().await.unwrap().unwrap();
    product.embedded.unwrap().variants[0]
        .id
        .as_ref()
        .unwrap()
        .as_i64()
        .unwrap()
}

async fn order_of(client: &bootic::Client, variant_id: i64) -> bootic::types::Order {
    let order = OrderCreate {
        line_items: vec![LineItemInput {
            variant_id,
            units: 1,
        }],
        contact: Some(ContactInput {
            email: "ana@example.com".into(),
            name: Some("Ana".into()),
            phone_number: Some("56911112222".into()),
        }),
        address: None,
    };
    client.create_order(SHOP, order).await.unwrap()
}

#[tokio::test]
async fn an_order_leads_to_its_product_and_variants_and_a_listing_to_its_shop_and_next_pages() {
    let sandbox = BooticSandbox::start().await.unwrap();
    let client = client(&sandbox);
    let variant_id = first_variant(&client).await;
    let order = order_of(&client, variant_id).await;

    // Order line -> product, whose variants hold the ordered variant.
    let item = &order.embedded.as_ref().unwrap().line_items[0];
    let product = client
        .follow(item, rel::LINE_ITEM_PRODUCT)
        .await
        .unwrap()
        .expect("a btc:product link");
    let variants = &product.embedded.as_ref().unwrap().variants;
    assert!(
        variants
            .iter()
            .any(|v| v.id.as_ref().and_then(|id| id.as_i64()) == Some(variant_id)),
        "{variants:?}"
    );
    // Product -> its own detail.
    let detail = client
        .follow(&product, rel::PRODUCT_SELF)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(detail.id, product.id);

    // Order listing -> shop.
    let orders = client.api().list_orders().shop_id(SHOP).await.unwrap();
    let shop = client
        .follow(&orders, rel::ORDERS_SHOP)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(shop.id.as_ref().and_then(|id| id.as_i64()), Some(SHOP));

    // Product listing -> next pages, until the last page, which has no `next`.
    let mut page = client
        .product_pages(SHOP, ProductQuery::new().with_page_size(2))
        .try_next()
        .await
        .unwrap()
        .unwrap();
    let mut pages = 1;
    while let Some(next) = client.follow(&page, rel::PRODUCTS_NEXT).await.unwrap() {
        assert_eq!(next.page, page.page + 1);
        page = next;
        pages += 1;
    }
    assert!(pages >= 2, "{pages} pages");
    assert!(page.links.as_ref().unwrap().next.is_none());
}

#[tokio::test]
async fn a_link_to_another_origin_is_refused_and_nothing_is_sent() {
    let sandbox = BooticSandbox::start().await.unwrap();
    let client = client(&sandbox);
    let evil = MockServer::start_async().await;
    let trap = evil
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body("{}");
        })
        .await;

    let variant_id = first_variant(&client).await;
    let order = order_of(&client, variant_id).await;
    let mut item = order.embedded.unwrap().line_items.remove(0);
    let links = item.links.as_mut().unwrap();
    links.btc_product = Some(link(&evil.url("/v1/products/55")));
    let error = client
        .follow(&item, rel::LINE_ITEM_PRODUCT)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
    assert_eq!(error.operation(), Some("getProduct"));
    assert!(error.to_string().contains("btc:product"), "{error}");

    // A scheme-relative `next` to another host is refused the same way.
    let mut page = client
        .product_pages(SHOP, ProductQuery::new().with_page_size(2))
        .try_next()
        .await
        .unwrap()
        .unwrap();
    let authority = evil.address().to_string();
    page.links.as_mut().unwrap().next = Some(link(&format!("//{authority}/v1/products?page=2")));
    let error = client.follow(&page, rel::PRODUCTS_NEXT).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
    trap.assert_calls_async(0).await;
}
