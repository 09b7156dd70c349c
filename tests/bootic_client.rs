//! The ergonomic Bootic client against httpmock and a scripted server: the normalized error, at-most-once
//! order creation, amounts, bulk updates, configuration checks and secret redaction.
#![cfg(feature = "bootic")]

mod support;

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

use fulfillment_apis::{
    ErrorKind, Provider, RetryPolicy, Secret,
    bootic::{self, Credentials, types::OrdersUpdaterAdditionsStatus},
};
use httpmock::prelude::*;
use serde_json::json;

use support::bootic_client::*;
use support::{Recorded, Reply, ScriptedServer, all_traces};

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
    let logs = all_traces();
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
