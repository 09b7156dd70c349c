//! The Gooten client's retries and exactly-once submission against httpmock and a scripted server: 503 with
//! Retry-After, attempts that stop, lost answers found by SourceId, dropped connections and timeouts.
#![cfg(feature = "gooten")]

mod support;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use fulfillment_apis::{
    ErrorKind, RetryPolicy, Timeouts,
    gooten::{self, SubmitOutcome},
};
use httpmock::prelude::*;
use serde_json::json;

use support::gooten_client::*;
use support::{Reply, ScriptedServer};

#[tokio::test]
async fn get_answered_503_with_retry_after_is_retried_then_succeeds() {
    let calls = Arc::new(Mutex::new(0));
    let seen = calls.clone();
    let server = ScriptedServer::start(move |_| {
        let mut n = seen.lock().unwrap();
        *n += 1;
        if *n == 1 {
            Reply::Respond {
                status: 503,
                headers: vec![("Retry-After".into(), "1".into())],
                body: "busy".into(),
            }
        } else {
            Reply::json(
                200,
                json!({"Countries": [{"Name": "United States", "Code": "US"}], "HadError": false}),
            )
        }
    })
    .await;
    let started = std::time::Instant::now();
    let countries = client(server.url("/api"))
        .api()
        .get_countries()
        .await
        .unwrap();
    assert_eq!(*calls.lock().unwrap(), 2);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was honoured"
    );
    assert_eq!(
        serde_json::to_value(&countries).unwrap()["Countries"][0]["Code"],
        "US"
    );
}

#[tokio::test]
async fn a_400_is_never_retried_and_retries_stop_at_max_attempts() {
    let server = MockServer::start_async().await;
    let bad = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v/5/source/api/countries");
            then.status(400)
                .json_body(json!({"HadError": true, "Errors": []}));
        })
        .await;
    let busy = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v/5/source/api/currencies");
            then.status(503).body("busy");
        })
        .await;
    let client = client(server.url("/api"));
    assert_eq!(
        client.api().get_countries().await.unwrap_err().kind(),
        ErrorKind::Validation
    );
    bad.assert_calls_async(1).await;
    let err = client.api().get_currencies().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.attempts(), 3);
    assert!(err.is_retryable());
    busy.assert_calls_async(3).await;
}

#[tokio::test]
async fn a_post_answered_503_is_not_resent_without_a_source_id_and_says_the_order_may_exist() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v/5/source/api/orders");
            then.status(503).body("busy");
        })
        .await;
    let err = client(server.url("/api"))
        .submit_order(order(None))
        .await
        .unwrap_err();
    mock.assert_calls_async(1).await;
    assert!(err.outcome_unknown());
    assert!(err.to_string().contains("the order may exist"), "{err}");
}

#[tokio::test]
async fn a_submission_whose_answer_is_lost_after_the_order_was_stored_returns_that_one_order() {
    let orders = Arc::new(Mutex::new(HashMap::new()));
    let server = ScriptedServer::start(lossy_gooten(orders.clone(), 1)).await;
    let submitted = client(server.url("/api"))
        .submit_order(order(Some("WEB-42")))
        .await
        .unwrap();
    assert_eq!(submitted.outcome, SubmitOutcome::AlreadyExisted);
    assert_eq!(submitted.id, "safe-1");
    assert_eq!(submitted.attempts, 1, "found by SourceId, not sent again");
    assert_eq!(
        orders.lock().unwrap().len(),
        1,
        "the server holds exactly one order"
    );
    let posts = server
        .recorded()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 1);
}

#[tokio::test]
async fn without_a_source_id_a_lost_answer_is_not_resent() {
    let server = ScriptedServer::start(|_| Reply::Drop).await;
    let err = client(server.url("/api"))
        .submit_order(order(None))
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Transport | ErrorKind::Timeout),
        "{err:?}"
    );
    assert!(err.outcome_unknown());
    assert_eq!(server.recorded().len(), 1);
}

#[tokio::test]
async fn a_get_whose_connection_drops_is_retried() {
    let calls = Arc::new(Mutex::new(0));
    let seen = calls.clone();
    let server = ScriptedServer::start(move |_| {
        let mut n = seen.lock().unwrap();
        *n += 1;
        if *n < 3 {
            Reply::Drop
        } else {
            Reply::json(200, order_details("safe-9", "WEB-9"))
        }
    })
    .await;
    let found = client(server.url("/api")).get_order("WEB-9").await.unwrap();
    assert_eq!(found.id.as_deref(), Some("safe-9"));
    assert_eq!(*calls.lock().unwrap(), 3);
}

#[tokio::test]
async fn a_slow_answer_times_out_per_attempt() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v/5/source/api/countries");
            then.status(200)
                .delay(Duration::from_millis(800))
                .json_body(json!({"Countries": []}));
        })
        .await;
    let client = gooten::Client::builder(RECIPE)
        .with_environment(gooten::Environment::Custom(server.url("/api")))
        .with_timeouts(Timeouts::default().with_attempt(Duration::from_millis(100)))
        .with_retry(RetryPolicy::never())
        .build()
        .unwrap();
    let err = client.api().get_countries().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(!err.outcome_unknown(), "a GET changes nothing");
}
