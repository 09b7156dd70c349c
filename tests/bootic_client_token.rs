//! The Bootic client's OAuth2 token against a scripted server: cached, single flight, renewed on expiry and
//! after a 401, a static token, and the token endpoint's refusals and outages.
#![cfg(feature = "bootic")]

mod support;

use std::{net::TcpListener, time::Duration};

use fulfillment_apis::{
    ErrorKind, Secret,
    bootic::{self, Credentials},
};
use httpmock::prelude::*;
use serde_json::json;

use support::bootic_client::*;
use support::{Reply, ScriptedServer};

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
