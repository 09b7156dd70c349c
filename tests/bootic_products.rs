//! Bootic shop, products and contacts (`Stream`s following `next`), and order tracking, through the ergonomic client against
//! the embedded sandbox.
#![cfg(feature = "sandbox")]

use fulfillment_apis::{
    ErrorKind, Secret,
    bootic::{
        self, Credentials, ProductQuery,
        types::{
            ContactInput, LineItemInput, OrderCreate, OrderStatus, OrderTracking,
            OrdersUpdaterAdditionsStatus,
        },
    },
    sandbox::BooticSandbox,
};
use futures::TryStreamExt;

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

fn tracking(code: &str, status: Option<OrderStatus>) -> OrderTracking {
    OrderTracking {
        tracking_code: code.into(),
        courier_name: Some("Chilexpress".into()),
        status: status.map(Into::into),
    }
}

/// Creates an order of one unit of `variant_id` (it starts in `checkout`).
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

async fn move_to(client: &bootic::Client, order_id: i64, status: OrdersUpdaterAdditionsStatus) {
    let result = client
        .update_orders(SHOP, [order_id], status)
        .await
        .unwrap();
    assert!(result.embedded.invalid_items.is_empty(), "{result:?}");
}

/// The first variant id of the first product the stream yields whose title contains `title`.
async fn variant_of(client: &bootic::Client, title: &str) -> i64 {
    let product = client
        .products(SHOP)
        .try_filter(|p| std::future::ready(p.title.as_deref().is_some_and(|t| t.contains(title))))
        .try_next()
        .await
        .unwrap()
        .expect("the product is listed");
    product.embedded.unwrap().variants[0]
        .id
        .as_ref()
        .unwrap()
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn an_order_from_a_listed_product_is_shipped_with_a_tracking_code() {
    let sandbox = BooticSandbox::start().await.unwrap();
    let client = client(&sandbox);

    let shop = client.get_shop(SHOP).await.unwrap();
    assert_eq!(shop.currency_code.as_deref(), Some("CLP"));
    // Two products per page: the stream follows `next` across pages.
    let pages: Vec<_> = client
        .product_pages(SHOP, ProductQuery::new().with_page_size(2))
        .try_collect()
        .await
        .unwrap();
    assert!(pages.len() >= 2, "{} pages", pages.len());
    let listed: usize = pages
        .iter()
        .map(|p| p.embedded.as_ref().unwrap().items.len())
        .sum();
    assert_eq!(listed as i64, pages[0].total_items);

    let variant_id = variant_of(&client, "Game-ON").await;
    let product = client.product("55").await.unwrap();
    assert!(product.description.is_some());

    let created = order_of(&client, variant_id).await;
    assert_eq!(
        created.embedded.as_ref().unwrap().line_items[0].variant_id,
        Some(variant_id)
    );
    move_to(&client, created.id, OrdersUpdaterAdditionsStatus::Pending).await;
    move_to(&client, created.id, OrdersUpdaterAdditionsStatus::Closed).await;
    let shipped = client
        .set_tracking(
            SHOP,
            &created.code,
            tracking("99648750692", Some(OrderStatus::Shipped)),
        )
        .await
        .unwrap();
    assert_eq!(shipped.status.known(), Some(&OrderStatus::Shipped));

    let read = client.get_order(SHOP, &created.code).await.unwrap();
    assert_eq!(read.tracking_code.as_deref(), Some("99648750692"));
    assert_eq!(read.courier_name.as_deref(), Some("Chilexpress"));
    assert_eq!(read.status.known(), Some(&OrderStatus::Shipped));
    assert!(read.shipped_on.is_some());
    let fulfillment = read.fulfillment.unwrap();
    assert_eq!(fulfillment.tracking_code.as_deref(), Some("99648750692"));
}

#[tokio::test]
async fn tracking_is_refused_in_a_wrong_status_or_for_an_unknown_order() {
    let sandbox = BooticSandbox::start().await.unwrap();
    let client = client(&sandbox);
    let variant_id = variant_of(&client, "Tinto").await;
    let cart = order_of(&client, variant_id).await;

    // A cart in checkout takes no tracking code.
    let error = client
        .set_tracking(SHOP, &cart.code, tracking("1", None))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
    assert_eq!(error.field_errors()[0].path, "tracking_code");

    // pending -> shipped is not a transition Bootic allows (closed comes first).
    move_to(&client, cart.id, OrdersUpdaterAdditionsStatus::Pending).await;
    let error = client
        .set_tracking(SHOP, &cart.code, tracking("1", Some(OrderStatus::Shipped)))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
    assert_eq!(error.field_errors()[0].path, "status");
    let unchanged = client.get_order(SHOP, &cart.code).await.unwrap();
    assert_eq!(unchanged.tracking_code, None);
    assert_eq!(unchanged.status.known(), Some(&OrderStatus::Pending));

    // Tracking without a status change is stored on a pending order.
    let order = client
        .set_tracking(SHOP, &cart.code, tracking("ABC123", None))
        .await
        .unwrap();
    assert_eq!(order.tracking_code.as_deref(), Some("ABC123"));

    let error = client
        .set_tracking(SHOP, "NOPE000", tracking("1", None))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound, "{error}");
    let error = client
        .set_tracking(SHOP, &cart.code, tracking(" ", None))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error}");
}

#[tokio::test]
async fn unknown_shops_and_products_and_bad_filters_are_refused() {
    let sandbox = BooticSandbox::start().await.unwrap();
    let client = client(&sandbox);
    let error = client.get_shop(999).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound, "{error}");
    let error = client.product("no-such-product").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound, "{error}");
    // A sort order the server does not know: Bootic's 422.
    let error = client
        .product_pages(SHOP, ProductQuery::new().set_sort("colour.asc"))
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
    // A product found by slug and by SKU filter.
    let by_slug = client.product("game-on").await.unwrap();
    assert_eq!(by_slug.id.as_deref(), Some("55"));
    let by_sku: Vec<_> = client
        .product_pages(SHOP, ProductQuery::new().set_skus(["PINKA-1"]))
        .try_collect()
        .await
        .unwrap();
    let items = &by_sku[0].embedded.as_ref().unwrap().items;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].title.as_deref(), Some("Pin-KA"));
}

#[tokio::test]
async fn the_contacts_orders_create_are_listed() {
    let sandbox = BooticSandbox::start().await.unwrap();
    let client = client(&sandbox);
    let variant_id = variant_of(&client, "Pin-KA").await;
    order_of(&client, variant_id).await;
    let contacts: Vec<_> = client.contacts(SHOP).try_collect().await.unwrap();
    let ana = contacts
        .iter()
        .find(|c| c.email.as_deref() == Some("ana@example.com"))
        .expect("the order's contact is listed");
    assert_eq!(ana.available_orders_count, Some(1));
    let error = client
        .contacts(999)
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound, "{error}");
}
