//! The ergonomic Bootic client against httpmock and a scripted server: the OAuth2 token (cached, single
//! flight, renewed on expiry and after a 401), the normalized error, at-most-once order creation, listing
//! through HAL `next` links, and secret redaction.
#![cfg(feature = "bootic")]

mod support;

use std::{
    net::TcpListener,
    sync::atomic::{AtomicUsize, Ordering::SeqCst},
    time::Duration,
};

use fulfillment_apis::{
    ErrorKind, Provider, RetryPolicy, Secret,
    bootic::{
        self, Credentials, OrderQuery,
        types::{self, OrderStatusFilter, OrdersUpdaterAdditionsStatus},
    },
};
use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::json;
use support::{CapturedLogs, Recorded, Reply, ScriptedServer};

const CLIENT_ID: &str = "app-7a1f";
/// Has characters that change when URL-encoded.
const CLIENT_SECRET: &str = "cs+Xq/9z=K2v";
/// base64("app-7a1f:cs+Xq/9z=K2v"): the HTTP Basic credentials of the token request.
const BASIC: &str = "YXBwLTdhMWY6Y3MrWHEvOXo9SzJ2";
const TOKEN: &str = "at-5f0c9b2e71d4";
const SHOP: i64 = 29;

fn credentials() -> Credentials {
    Credentials::client_credentials(CLIENT_ID, Secret::new(CLIENT_SECRET))
}

fn client_at(api: String, token_url: String) -> bootic::Client {
    bootic::Client::builder(credentials())
        .with_environment(bootic::Environment::Custom(api))
        .with_token_url(token_url)
        .with_retry(RetryPolicy::default().with_initial_backoff(Duration::from_millis(5)))
        .build()
        .unwrap()
}

/// A client whose API root is `/v1` and token endpoint `/oauth/token` on the scripted server.
fn client(server: &ScriptedServer) -> bootic::Client {
    client_at(server.url("/v1"), server.url("/oauth/token"))
}

fn order_json(code: &str, total: i64) -> serde_json::Value {
    json!({
        "id": 583085, "shop_id": SHOP, "code": code, "status": "checkout",
        "net_total": total, "total": total, "currency_code": "CLP",
        "created_on": "2013-10-19T11:06:18.000Z", "updated_on": "2013-10-19T11:20:14.000Z"
    })
}

fn new_order() -> types::OrderCreate {
    serde_json::from_value(json!({
        "line_items": [{"variant_id": 1234, "units": 3}],
        "contact": {"email": "joe@bloggs.com", "name": "Joe Bloggs", "phone_number": "12322222222"}
    }))
    .unwrap()
}

/// `/oauth/token` issues `tok-1-…`, `tok-2-…` (each living `expires_in` seconds); `api` answers every other
/// request, given the bearer token it carries.
fn fake_bootic(
    expires_in: u64,
    api: impl Fn(&Recorded, &str) -> Reply + Send + Sync + 'static,
) -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
    let issued = AtomicUsize::new(0);
    move |request| {
        if request.path() == "/oauth/token" {
            let n = issued.fetch_add(1, SeqCst) + 1;
            return Reply::json(
                200,
                json!({"access_token": token(n), "token_type": "bearer", "expires_in": expires_in}),
            );
        }
        let bearer = request
            .headers
            .get("authorization")
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default()
            .to_string();
        if request.path().trim_end_matches('/') == "/v1" && request.method == "GET" {
            return Reply::json(200, root_json());
        }
        api(request, &bearer)
    }
}

/// An API root whose shop 29 advertises the recorded `btc:orders` template (underscore filter names).
fn root_json() -> serde_json::Value {
    json!({
        "_class": ["root"],
        "_embedded": {"shops": [{
            "_class": ["shop"], "id": "29",
            "_links": {"btc:orders": {"templated": true,
                "href": "/v1/shops/29/orders{?page,per_page,q,status,code,product_id,payment_method,created_on_gte,created_on_lte,updated_on_gte,updated_on_lte,total_gte,total_lte,lat_long,distance,sort}"}}
        }]}
    })
}

fn token(n: usize) -> String {
    format!("tok-{n}-9f8e7d6c5b4a")
}

fn hits(server: &ScriptedServer, path: &str) -> usize {
    server
        .recorded()
        .iter()
        .filter(|r| r.path() == path)
        .count()
}

fn unauthorized() -> Reply {
    Reply::json(
        401,
        json!({"_class": ["errors"], "message": "Unauthorized"}),
    )
}

#[tokio::test]
async fn the_token_is_fetched_once_and_reused_across_sequential_and_concurrent_calls() {
    let server = MockServer::start_async().await;
    let token_mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/oauth/token")
                .header("authorization", format!("Basic {BASIC}"))
                .form_urlencoded_tuple("grant_type", "client_credentials")
                .form_urlencoded_tuple("scope", "admin");
            // Slow, so that concurrent calls all find no token and must wait for the one request in flight.
            then.status(200)
                .delay(Duration::from_millis(200))
                .json_body(
                    json!({"access_token": TOKEN, "token_type": "bearer", "expires_in": 7200}),
                );
        })
        .await;
    let order = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/shops/29/orders/R1C3964")
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200).json_body(order_json("R1C3964", 33704));
        })
        .await;
    let client = client_at(server.url("/v1"), server.url("/oauth/token"));
    let calls = (0..8).map(|_| client.get_order(SHOP, "R1C3964"));
    for result in futures::future::join_all(calls).await {
        assert_eq!(result.unwrap().code, "R1C3964");
    }
    token_mock.assert_calls_async(1).await;
    for _ in 0..3 {
        client.get_order(SHOP, "R1C3964").await.unwrap();
    }
    token_mock.assert_calls_async(1).await;
    order.assert_calls_async(11).await;
}

#[tokio::test]
async fn a_401_renews_the_token_once_and_repeats_the_request_once() {
    let server = ScriptedServer::start(fake_bootic(7200, |_, bearer| {
        if bearer == token(1) {
            unauthorized()
        } else {
            Reply::json(200, order_json("R1C3964", 33704))
        }
    }))
    .await;
    let client = client(&server);
    client.get_order(SHOP, "R1C3964").await.unwrap();
    assert_eq!(hits(&server, "/oauth/token"), 2);
    assert_eq!(hits(&server, "/v1/shops/29/orders/R1C3964"), 2);
    let repeated = &server.recorded()[3];
    assert_eq!(
        repeated.headers["authorization"],
        format!("Bearer {}", token(2))
    );
    // The renewed token is cached: no more token requests.
    client.get_order(SHOP, "R1C3964").await.unwrap();
    assert_eq!(hits(&server, "/oauth/token"), 2);
}

#[tokio::test]
async fn a_401_after_renewal_is_returned_without_a_second_renewal() {
    let server = ScriptedServer::start(fake_bootic(7200, |_, _| unauthorized())).await;
    let err = client(&server)
        .get_order(SHOP, "R1C3964")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(err.message(), Some("Unauthorized"));
    assert_eq!(hits(&server, "/oauth/token"), 2, "one fetch, one renewal");
    assert_eq!(
        hits(&server, "/v1/shops/29/orders/R1C3964"),
        2,
        "sent, repeated once"
    );
}

#[tokio::test]
async fn a_create_refused_with_401_is_repeated_once_with_the_new_token() {
    // A 401 means Bootic refused the request, so repeating even a POST cannot create a second order.
    let server = ScriptedServer::start(fake_bootic(7200, |_, bearer| {
        if bearer == token(1) {
            unauthorized()
        } else {
            Reply::json(201, order_json("R1C3964", 33704))
        }
    }))
    .await;
    let created = client(&server)
        .create_order(SHOP, new_order())
        .await
        .unwrap();
    assert_eq!(created.code, "R1C3964");
    assert_eq!(hits(&server, "/v1/shops/29/orders"), 2);
}

#[tokio::test]
async fn a_token_near_its_expiry_is_replaced_before_the_call() {
    // expires_in 2 s: with the default 60 s skew the token is replaced half-way, after 1 s.
    let server = ScriptedServer::start(fake_bootic(2, |_, _| {
        Reply::json(200, order_json("R1C3964", 33704))
    }))
    .await;
    let client = client(&server);
    client.get_order(SHOP, "R1C3964").await.unwrap();
    client.get_order(SHOP, "R1C3964").await.unwrap();
    assert_eq!(hits(&server, "/oauth/token"), 1);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    client.get_order(SHOP, "R1C3964").await.unwrap();
    assert_eq!(hits(&server, "/oauth/token"), 2);
    let last = server.recorded().pop().unwrap();
    assert_eq!(
        last.headers["authorization"],
        format!("Bearer {}", token(2))
    );
}

#[tokio::test]
async fn a_422_yields_every_field_error_and_nothing_is_resent() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/oauth/token");
            then.status(200)
                .json_body(json!({"access_token": TOKEN, "expires_in": 7200}));
        })
        .await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/shops/29/orders")
                .json_body(json!({"line_items": [{"variant_id": 1234, "units": 3}],
                    "contact": {"email": "joe@bloggs.com", "name": "Joe Bloggs", "phone_number": "12322222222"}}));
            then.status(422).json_body(json!({
                "_class": ["errors"],
                "_embedded": {"errors": [
                    {"_class": ["error"], "field": "variant.id", "messages": ["Variant 1234 does not exist in this shop"]},
                    {"_class": ["error"], "field": "units", "messages": ["must be greater than 0", "is not a number"]}
                ]}
            }));
        })
        .await;
    let err = client_at(server.url("/v1"), server.url("/oauth/token"))
        .create_order(SHOP, new_order())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    assert_eq!(err.provider(), Some(Provider::Bootic));
    assert_eq!(err.operation(), Some("createOrder"));
    let fields: Vec<_> = err
        .field_errors()
        .iter()
        .map(|f| (f.path.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("variant.id", "Variant 1234 does not exist in this shop"),
            ("units", "must be greater than 0"),
            ("units", "is not a number"),
        ]
    );
    assert!(err.to_string().contains("units: is not a number"), "{err}");
    assert!(err.body().is_some_and(|b| b.starts_with(b"{")));
    assert!(!err.outcome_unknown(), "a refused body created nothing");
    create.assert_calls_async(1).await;
}

#[tokio::test]
async fn error_statuses_with_non_json_bodies_keep_their_kind_and_raw_body() {
    let server = MockServer::start_async().await;
    for (code, status, body) in [
        ("F403", 403, "<html>Forbidden</html>"),
        ("N404", 404, "Not Found"),
        ("S502", 502, "<html>Bad Gateway</html>"),
    ] {
        server
            .mock_async(|when, then| {
                when.method(GET).path(format!("/v1/shops/29/orders/{code}"));
                then.status(status)
                    .header("content-type", "text/html")
                    .body(body);
            })
            .await;
    }
    let client = bootic::Client::builder(Credentials::access_token(Secret::new(TOKEN)))
        .with_environment(bootic::Environment::Custom(server.url("/v1")))
        .with_retry(RetryPolicy::never())
        .build()
        .unwrap();
    for (code, kind, body) in [
        ("F403", ErrorKind::Permission, "<html>Forbidden</html>"),
        ("N404", ErrorKind::NotFound, "Not Found"),
        ("S502", ErrorKind::Server, "<html>Bad Gateway</html>"),
    ] {
        let err = client.get_order(SHOP, code).await.unwrap_err();
        assert_eq!(err.kind(), kind, "{code}");
        assert_eq!(
            err.body().map(|b| b.as_ref()),
            Some(body.as_bytes()),
            "{code}"
        );
        assert!(!err.outcome_unknown(), "a GET changes nothing");
    }
}

#[tokio::test]
async fn a_static_token_is_sent_as_is_and_a_401_is_not_repeated() {
    let server = MockServer::start_async().await;
    let refused = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/shops/29/orders/R1C3964")
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(401)
                .json_body(json!({"_class": ["errors"], "message": "Unauthorized"}));
        })
        .await;
    let client = bootic::Client::builder(Credentials::access_token(Secret::new(TOKEN)))
        .with_environment(bootic::Environment::Custom(server.url("/v1")))
        .build()
        .unwrap();
    let err = client.get_order(SHOP, "R1C3964").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    refused.assert_calls_async(1).await;
}

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

#[tokio::test]
async fn a_create_whose_connection_drops_is_not_resent_and_the_order_may_exist() {
    let server = ScriptedServer::start(fake_bootic(7200, |_, _| Reply::Drop)).await;
    let err = client(&server)
        .create_order(SHOP, new_order())
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Transport | ErrorKind::Timeout),
        "{err:?}"
    );
    assert!(err.outcome_unknown());
    assert!(err.to_string().contains("the order may exist"), "{err}");
    assert_eq!(err.attempts(), 1);
    assert_eq!(hits(&server, "/v1/shops/29/orders"), 1);
}

#[tokio::test]
async fn a_create_answered_5xx_is_not_resent_but_a_429_is() {
    let server = ScriptedServer::start(fake_bootic(7200, |_, _| Reply::Respond {
        status: 503,
        headers: vec![],
        body: "busy".into(),
    }))
    .await;
    let err = client(&server)
        .create_order(SHOP, new_order())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert!(err.outcome_unknown());
    assert_eq!(hits(&server, "/v1/shops/29/orders"), 1);

    // A 429 means Bootic did not take the request: sending it again cannot create a second order.
    let posts = AtomicUsize::new(0);
    let server = ScriptedServer::start(fake_bootic(7200, move |_, _| {
        if posts.fetch_add(1, SeqCst) == 0 {
            Reply::Respond {
                status: 429,
                headers: vec![("Retry-After".into(), "0".into())],
                body: String::new(),
            }
        } else {
            Reply::json(201, order_json("R1C3964", 33704))
        }
    }))
    .await;
    let created = client(&server)
        .create_order(SHOP, new_order())
        .await
        .unwrap();
    assert_eq!(created.code, "R1C3964");
    assert_eq!(hits(&server, "/v1/shops/29/orders"), 2);
}

#[tokio::test]
async fn amounts_are_exact_integer_minor_units() {
    // 2^53 + 1 has no exact f64: it survives only as an integer.
    let big = 9_007_199_254_740_993_i64;
    let server = ScriptedServer::start(fake_bootic(7200, move |_, _| {
        Reply::json(200, order_json("R1", big))
    }))
    .await;
    let order = client(&server).get_order(SHOP, "R1").await.unwrap();
    let total: i64 = order.total;
    assert_eq!(total, big);
    assert_eq!(order.net_total, big);
}

#[tokio::test]
async fn update_orders_sends_the_ids_and_status_once_and_returns_both_lists() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/oauth/token");
            then.status(200)
                .json_body(json!({"access_token": TOKEN, "expires_in": 7200}));
        })
        .await;
    let bulk = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/shops/29/orders/updaters.json")
                .json_body(json!({"ids": [583085, 583086], "additions": {"status": "closed"}}));
            then.status(200).json_body(json!({"_embedded": {
                "valid_items": [{"id": 583085, "code": "R1C3964", "status": "closed"}],
                "invalid_items": [{"id": 583086, "code": "R1C3965", "status": "checkout",
                    "_embedded": {"errors": [{"field": "status", "messages": ["cannot transition from checkout to closed"]}]}}]
            }}));
        })
        .await;
    let client = client_at(server.url("/v1"), server.url("/oauth/token"));
    let result = client
        .update_orders(SHOP, [583085, 583086], OrdersUpdaterAdditionsStatus::Closed)
        .await
        .unwrap();
    assert_eq!(
        result.embedded.valid_items[0].code.as_deref(),
        Some("R1C3964")
    );
    assert_eq!(
        result.embedded.invalid_items[0].code.as_deref(),
        Some("R1C3965")
    );
    bulk.assert_calls_async(1).await;
    let err = client
        .update_orders(SHOP, [], OrdersUpdaterAdditionsStatus::Closed)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    bulk.assert_calls_async(1).await;
}

#[tokio::test]
async fn token_endpoint_refusals_and_outages_become_the_crates_errors() {
    let server = MockServer::start_async().await;
    let refused = server
        .mock_async(|when, then| {
            when.method(POST).path("/refuse/token");
            then.status(400).json_body(
                json!({"error": "invalid_grant", "error_description": "The client is not allowed this grant"}),
            );
        })
        .await;
    let down = server
        .mock_async(|when, then| {
            when.method(POST).path("/down/token");
            then.status(503).body("maintenance");
        })
        .await;
    let api = server
        .mock_async(|when, then| {
            when.path_prefix("/v1");
            then.status(200).json_body(order_json("R1", 1));
        })
        .await;

    let err = client_at(server.url("/v1"), server.url("/refuse/token"))
        .get_order(SHOP, "R1")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert!(err.message().unwrap().contains("invalid_grant"), "{err}");
    assert!(err.body().is_some_and(|b| b.starts_with(b"{")));
    assert_eq!(err.attempts(), 0, "nothing was sent to the API");
    refused.assert_calls_async(1).await;

    let err = client_at(server.url("/v1"), server.url("/down/token"))
        .get_order(SHOP, "R1")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.body().map(|b| b.as_ref()), Some(&b"maintenance"[..]));
    down.assert_calls_async(3).await; // retried like any safe request, up to max_attempts

    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let nowhere = format!("http://{}/oauth/token", closed.local_addr().unwrap());
    drop(closed);
    let err = client_at(server.url("/v1"), nowhere)
        .get_order(SHOP, "R1")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    api.assert_calls_async(0).await;
}

#[test]
fn plain_http_to_remote_hosts_and_empty_credentials_are_refused() {
    let build = |api: &str, token_url: &str, credentials: Credentials| {
        bootic::Client::builder(credentials)
            .with_environment(bootic::Environment::Custom(api.into()))
            .with_token_url(token_url)
            .build()
            .map(|_| ())
            .unwrap_err()
            .kind()
    };
    let local = "http://127.0.0.1:9/v1";
    let local_token = "http://127.0.0.1:9/oauth/token";
    assert_eq!(
        build("http://api.bootic.net/v1", local_token, credentials()),
        ErrorKind::Configuration
    );
    assert_eq!(
        build(local, "http://auth.bootic.net/oauth/token", credentials()),
        ErrorKind::Configuration
    );
    assert_eq!(
        build(
            local,
            local_token,
            Credentials::client_credentials(CLIENT_ID, Secret::new(""))
        ),
        ErrorKind::Configuration
    );
    assert_eq!(
        build(
            local,
            local_token,
            Credentials::access_token(Secret::new(""))
        ),
        ErrorKind::Configuration
    );
    let production = bootic::Client::builder(credentials()).build().unwrap();
    assert_eq!(production.environment(), &bootic::Environment::Production);
    assert_eq!(
        bootic::Environment::Production.base_url(),
        "https://api.bootic.net/v1"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn secrets_tokens_and_personal_data_never_appear_in_debug_output_or_traces() {
    let logs = CapturedLogs::default();
    let _guard = tracing::subscriber::set_default(logs.subscriber());
    // A careless API that echoes the credentials it received in its error bodies.
    let server = ScriptedServer::start(fake_bootic(7200, |request, bearer| {
        Reply::json(
            422,
            json!({"_class": ["errors"], "message": format!("token {bearer} may not do this"),
                "_embedded": {"errors": [{"field": "token", "messages": [format!("{bearer} is invalid")]}]},
                "echo": request.headers.get("authorization")}),
        )
    }))
    .await;
    let client = client(&server);
    let err = client.create_order(SHOP, new_order()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert!(
        String::from_utf8_lossy(&server.recorded()[1].body).contains("joe@bloggs.com"),
        "the order was sent"
    );

    // A token endpoint that echoes the client's Basic credentials and secret in its refusal.
    let auth = ScriptedServer::start(|request: &Recorded| {
        Reply::json(
            401,
            json!({"error": "invalid_client",
                "error_description": format!("bad credentials {}", request.headers["authorization"]),
                "secret": CLIENT_SECRET}),
        )
    })
    .await;
    let refused_client = client_at(server.url("/v1"), auth.url("/oauth/token"));
    let refused = refused_client.get_order(SHOP, "R1C3964").await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Authentication);
    assert!(refused.message().unwrap().contains("invalid_client"));

    let encoded: String = url::form_urlencoded::byte_serialize(CLIENT_SECRET.as_bytes()).collect();
    let issued = token(1);
    let outputs = [
        format!("{client:?}"),
        format!("{refused_client:?}"),
        format!("{:?}", credentials()),
        format!("{err:?}"),
        err.to_string(),
        String::from_utf8_lossy(err.body().unwrap()).into_owned(),
        format!("{refused:?}"),
        refused.to_string(),
        String::from_utf8_lossy(refused.body().unwrap()).into_owned(),
        logs.text(),
    ];
    assert!(
        logs.text().contains("createOrder")
            && logs.text().contains("fulfillment_apis.bootic.token"),
        "tracing captured the calls: {}",
        logs.text()
    );
    for output in &outputs {
        for secret in [CLIENT_SECRET, encoded.as_str(), BASIC, issued.as_str()] {
            assert!(!output.contains(secret), "{secret} leaked in: {output}");
        }
    }
    assert!(
        err.field_errors()[0].message.contains("[REDACTED]"),
        "{:?}",
        err.field_errors()
    );
    for personal in ["joe@bloggs.com", "Joe Bloggs", "12322222222"] {
        assert!(!logs.text().contains(personal), "{personal} in traces");
    }
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
