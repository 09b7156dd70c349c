//! The Bootic client's listings against a scripted server: HAL `next` links followed to the last page, never
//! to another origin or back to a fetched page, and filters the template does not declare refused.
#![cfg(feature = "bootic")]

mod support;

use fulfillment_apis::{
    ErrorKind,
    bootic::{OrderQuery, types::OrderStatusFilter},
};
use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::json;

use support::bootic_client::*;
use support::{Reply, ScriptedServer};

#[tokio::test]
async fn listing_follows_next_links_across_pages_and_stops_at_the_last() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/oauth/token");
            then.status(200)
                .json_body(json!({"access_token": TOKEN, "expires_in": 7200}));
        })
        .await;
    let page = |n: i32, codes: &[&str], next: Option<String>| {
        let mut links = json!({
            "self": {"href": format!("/v1/shops/29/orders?page={n}&per_page=2")},
            "last": {"href": "/v1/shops/29/orders?page=3&per_page=2"}
        });
        if let Some(next) = next {
            links["next"] = json!({"href": next});
        }
        json!({
            "_class": ["results", "orders"], "_links": links,
            "total_items": 5, "per_page": 2, "page": n,
            "totals": {"total": 1233678, "mean": 24189.764705882353, "min": 0, "max": 168000},
            "_embedded": {"items": codes.iter().map(|c| order_json(c, 29000)).collect::<Vec<_>>()}
        })
    };
    // Page 2 is named by an absolute link, page 3 by a relative one; page 4 exists but no link names it.
    let bodies = [
        page(
            1,
            &["A1", "A2"],
            Some(server.url("/v1/shops/29/orders?page=2&per_page=2")),
        ),
        page(
            2,
            &["B1", "B2"],
            Some("/v1/shops/29/orders?page=3&per_page=2".into()),
        ),
        page(3, &["C1"], None),
        page(4, &["D1"], None),
    ];
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/");
            then.status(200).json_body(root_json());
        })
        .await;
    let mut mocks = Vec::new();
    for (n, body) in (1..).zip(bodies) {
        mocks.push(
            server
                .mock_async(move |when, then| {
                    when.method(GET)
                        .path("/v1/shops/29/orders")
                        .query_param("page", n.to_string())
                        .query_param("per_page", "2")
                        .query_param_exists("per_page")
                        .header("authorization", format!("Bearer {TOKEN}"));
                    then.status(200).json_body(body);
                })
                .await,
        );
    }
    let client = client_at(server.url("/v1"), server.url("/oauth/token"));
    let query = OrderQuery::new()
        .set_status(OrderStatusFilter::Pending)
        .with_page_size(2)
        .with_first_page(1);
    let pages: Vec<_> = client
        .list_order_pages(SHOP, query)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.iter().map(|p| p.page).collect::<Vec<_>>(), [1, 2, 3]);
    let codes: Vec<_> = pages
        .iter()
        .flat_map(|p| p.orders.iter().map(|o| o.code.as_str()))
        .collect();
    assert_eq!(codes, ["A1", "A2", "B1", "B2", "C1"]);
    assert_eq!(pages[0].total_items, 5);
    // The mean of minor-unit totals keeps its exact digits (never an f64).
    let mean = pages[0].totals.as_ref().unwrap().mean.unwrap();
    assert_eq!(mean.to_string(), "24189.764705882353");
    for mock in &mocks[..3] {
        mock.assert_calls_async(1).await;
    }
    mocks[3].assert_calls_async(0).await;
}

#[tokio::test]
async fn a_next_link_to_another_origin_is_refused_without_sending_the_token() {
    let foreign = MockServer::start_async().await;
    let stolen = foreign
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body("{}");
        })
        .await;
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/oauth/token");
            then.status(200)
                .json_body(json!({"access_token": TOKEN, "expires_in": 7200}));
        })
        .await;
    let next = foreign.url("/v1/shops/29/orders?page=2");
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/");
            then.status(200).json_body(root_json());
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/shops/29/orders");
            then.status(200).json_body(json!({
                "_links": {"self": {"href": "/v1/shops/29/orders?page=1"}, "next": {"href": next}},
                "total_items": 2, "per_page": 1, "page": 1,
                "_embedded": {"items": [order_json("A1", 100)]}
            }));
        })
        .await;
    let client = client_at(server.url("/v1"), server.url("/oauth/token"));
    let mut orders = client.list_orders(SHOP, OrderQuery::new());
    assert_eq!(orders.try_next().await.unwrap().unwrap().code, "A1");
    let err = orders.try_next().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.operation(), Some("listOrders"));
    assert!(err.message().unwrap().contains("not followed"), "{err}");
    assert!(
        orders.try_next().await.unwrap().is_none(),
        "the stream ends"
    );
    stolen.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_next_link_back_to_a_fetched_page_ends_the_listing_with_an_error() {
    let server = ScriptedServer::start(fake_bootic(7200, |request, _| {
        let page: i32 = request
            .query("page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        Reply::json(
            200,
            json!({
                "_links": {"self": {"href": format!("/v1/shops/29/orders?page={page}")},
                    "next": {"href": format!("/v1/shops/29/orders?page={}", if page == 1 { 2 } else { 1 })}},
                "total_items": 2, "per_page": 1, "page": page,
                "_embedded": {"items": [order_json(&format!("P{page}"), 100)]}
            }),
        )
    }))
    .await;
    let client = client(&server);
    let results: Vec<_> =
        futures::StreamExt::collect(client.list_orders(SHOP, OrderQuery::new())).await;
    assert_eq!(results.len(), 3, "two orders, then the error");
    assert_eq!(results[1].as_ref().unwrap().code, "P2");
    assert_eq!(results[2].as_ref().unwrap_err().kind(), ErrorKind::Decode);
    assert_eq!(hits(&server, "/v1/shops/29/orders"), 2);
}

/// Issue 10: a filter the server's `btc:orders` template does not declare is refused before anything is sent,
/// never dropped (a filter the server ignores would list every order).
#[tokio::test]
async fn a_filter_the_orders_template_does_not_declare_is_an_invalid_request() {
    let server = ScriptedServer::start(fake_bootic(7200, |_, _| {
        Reply::json(200, json!({"_links": {}, "total_items": 0, "per_page": 50, "page": 1, "_embedded": {"items": []}}))
    }))
    .await;
    let client = client(&server);
    let query = OrderQuery::new()
        .set_total_gte(100)
        .set_contact_email("ana@example.com");
    let err = client
        .list_orders(SHOP, query)
        .try_next()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(err.message().unwrap().contains("contact_email"), "{err}");
    assert_eq!(hits(&server, "/v1/shops/29/orders"), 0);

    // Declared filters go out under the server's own names.
    let query = OrderQuery::new()
        .set_statuses([OrderStatusFilter::Closed, OrderStatusFilter::Shipped])
        .set_total_gte(100);
    let orders: Vec<_> = client.list_orders(SHOP, query).try_collect().await.unwrap();
    assert!(orders.is_empty());
    let sent = server
        .recorded()
        .into_iter()
        .find(|r| r.path() == "/v1/shops/29/orders")
        .unwrap();
    assert_eq!(sent.query("status").as_deref(), Some("closed,shipped"));
    assert_eq!(sent.query("total_gte").as_deref(), Some("100"));
}
