//! Results are plain data and clients and streams are ordinary values: every client is `Clone + Send + Sync +
//! 'static`, every hand-written result type serializes and deserializes, and every stream owns what it needs,
//! so it can move into `tokio::spawn`.
#![cfg(feature = "sandbox")]

use fulfillment_apis::{
    Outcome, Secret, bootic, gooten, rewix,
    sandbox::{BooticSandbox, GootenSandbox, RewixSandbox},
};
use futures::{Stream, TryStreamExt};
use serde::{Serialize, de::DeserializeOwned};

fn client_like<T: Clone + Send + Sync + 'static>() {}
fn plain_data<T: Serialize + DeserializeOwned + Clone + std::fmt::Debug + Send + Sync + 'static>() {
}

#[test]
fn every_client_is_clone_send_sync_and_static() {
    client_like::<gooten::Client>();
    client_like::<bootic::Client>();
    client_like::<rewix::Client>();
}

#[test]
fn every_result_type_is_plain_data() {
    plain_data::<Outcome>();
    plain_data::<gooten::SubmittedOrder>();
    plain_data::<gooten::OrderPage>();
    plain_data::<bootic::OrderPage>();
    plain_data::<rewix::SentOrder>();
    plain_data::<rewix::ShortItem>();
    plain_data::<rewix::CatalogSync>();
    plain_data::<rewix::Watermark>();
}

/// A result written by one process (a queue, a cache) reads back unchanged in another.
#[test]
fn results_round_trip_through_json() {
    fn round_trip<T: Serialize + DeserializeOwned>(json: serde_json::Value) {
        let typed: T = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(serde_json::to_value(&typed).unwrap(), json);
    }
    round_trip::<gooten::SubmittedOrder>(serde_json::json!({
        "id": "7-abc", "source_id": "WEB-1", "outcome": "AlreadyExisted", "attempts": 2
    }));
    round_trip::<rewix::SentOrder>(serde_json::json!({
        "key": "2357", "order_id": 12, "outcome": "Created", "attempts": 1,
        "short_items": [{"stock_id": 148148, "requested": 10, "granted": 4, "available": 0}],
        "unreported_items": [], "models": [], "status": null
    }));
    round_trip::<rewix::Watermark>(serde_json::json!("2019-06-20T13:02:09.565+02:00"));
}

/// Collects `stream` on another task: it must be `Send + 'static` (it owns a clone of the client).
async fn on_another_task<S, T, E>(stream: S) -> Result<Vec<T>, E>
where
    S: Stream<Item = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    tokio::spawn(stream.try_collect()).await.unwrap()
}

#[tokio::test]
async fn every_stream_moves_into_tokio_spawn() {
    let _ = rustls::crypto::ring::default_provider().install_default();

    let sandbox = GootenSandbox::start().await.unwrap();
    let client = gooten::Client::builder(GootenSandbox::RECIPE_ID)
        .with_billing_key(Secret::new(GootenSandbox::PARTNER_BILLING_KEY))
        .with_environment(gooten::Environment::Custom(sandbox.base_url()))
        .build()
        .unwrap();
    let query = gooten::OrderQuery::new();
    on_another_task(client.search_order_pages(query.clone()))
        .await
        .unwrap();
    on_another_task(client.search_orders(query)).await.unwrap();

    let sandbox = BooticSandbox::start().await.unwrap();
    let client = bootic::Client::builder(bootic::Credentials::client_credentials(
        BooticSandbox::CLIENT_ID,
        Secret::new(BooticSandbox::CLIENT_SECRET),
    ))
    .with_environment(bootic::Environment::Custom(sandbox.base_url()))
    .with_token_url(sandbox.token_url())
    .build()
    .unwrap();
    let shop = BooticSandbox::SHOP_ID;
    let pages = on_another_task(client.list_order_pages(shop, bootic::OrderQuery::new()))
        .await
        .unwrap();
    let orders = on_another_task(client.list_orders(shop, bootic::OrderQuery::new()))
        .await
        .unwrap();
    assert_eq!(
        orders.len(),
        pages.iter().map(|page| page.orders.len()).sum::<usize>()
    );
    let products = on_another_task(client.products(shop)).await.unwrap();
    assert!(!products.is_empty());
    on_another_task(client.product_pages(shop, bootic::ProductQuery::new()))
        .await
        .unwrap();
    on_another_task(client.contacts(shop)).await.unwrap();

    let sandbox = RewixSandbox::start().await.unwrap();
    let client = rewix::Client::builder(
        Secret::new(RewixSandbox::API_KEY),
        Secret::new(RewixSandbox::PASSWORD),
    )
    .with_environment(rewix::Environment::Custom(sandbox.base_url()))
    .build()
    .unwrap();
    let products = on_another_task(client.products(&rewix::CatalogQuery::new("en_US")))
        .await
        .unwrap();
    assert!(!products.is_empty());
}
