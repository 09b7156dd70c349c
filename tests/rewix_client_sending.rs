//! The Rewix client's order sending against a scripted fake Rewix: exactly-once sending (lost answers found
//! by key, lookups that cannot tell), bounded retries, and reserve-then-send.
#![cfg(feature = "rewix")]

mod support;

use std::sync::{Arc, Mutex};

use fulfillment_apis::{ErrorKind, rewix::SendOutcome};
use serde_json::json;

use support::rewix_client::*;
use support::{Reply, ScriptedServer};

#[tokio::test]
async fn a_lost_answer_after_the_order_was_stored_is_found_by_key_and_not_sent_again() {
    let state = Arc::new(Mutex::new(FakeRewix {
        drop_after_store: 1,
        ..FakeRewix::with_stock(&[(148148, 50), (148367, 50)])
    }));
    let server = ScriptedServer::start(FakeRewix::serve(state.clone())).await;
    let sent = client(server.url(""))
        .send_order(&order("WEB-5"))
        .await
        .unwrap();
    assert_eq!(sent.outcome, SendOutcome::AlreadyExisted);
    assert_eq!(sent.order_id, Some(1001));
    assert_eq!(sent.attempts, 1, "found by key, not sent again");
    let status = sent.status.expect("the order found by key");
    assert_eq!(status.ext_ref.as_deref(), Some("WEB-5"));
    assert_eq!(status.status.known().map(|s| **s), Some(5));
    assert_eq!(
        state.lock().unwrap().orders,
        [("WEB-5".to_string(), 1001)],
        "the server holds exactly one order"
    );
    assert_eq!(count(&server, "POST", SEND_PATH), 1);
    assert_eq!(count(&server, "GET", BY_KEY_PATH), 1);
}

#[tokio::test]
async fn an_accepted_order_with_an_unreadable_answer_is_found_by_key_and_not_sent_again() {
    let state = Arc::new(Mutex::new(FakeRewix {
        xml_after_store: 1,
        ..FakeRewix::with_stock(&[(148148, 50), (148367, 50)])
    }));
    let server = ScriptedServer::start(FakeRewix::serve(state.clone())).await;
    let sent = client(server.url(""))
        .send_order(&order("WEB-14"))
        .await
        .unwrap();
    assert_eq!(sent.outcome, SendOutcome::Created);
    assert_eq!(sent.order_id, Some(1001));
    assert_eq!(
        sent.unreported_items,
        [148148, 148367],
        "quantities unknown"
    );
    assert_eq!(state.lock().unwrap().orders.len(), 1);
    assert_eq!(count(&server, "POST", SEND_PATH), 1);
}

#[tokio::test]
async fn a_503_before_the_order_was_stored_is_looked_up_then_sent_again() {
    let state = Arc::new(Mutex::new(FakeRewix {
        refuse_send: vec![text(503, "Service Unavailable")],
        ..FakeRewix::with_stock(&[(148148, 50), (148367, 50)])
    }));
    let server = ScriptedServer::start(FakeRewix::serve(state.clone())).await;
    let sent = client(server.url(""))
        .send_order(&order("WEB-6"))
        .await
        .unwrap();
    assert_eq!(sent.outcome, SendOutcome::Created);
    assert_eq!(sent.attempts, 2);
    assert_eq!(state.lock().unwrap().orders.len(), 1);
    let calls: Vec<_> = server
        .recorded()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path()))
        .collect();
    assert_eq!(
        calls,
        [
            format!("POST {SEND_PATH}"),
            format!("GET {BY_KEY_PATH}WEB-6"),
            format!("POST {SEND_PATH}"),
        ]
    );
}

#[tokio::test]
async fn when_the_lookup_cannot_tell_the_order_is_not_sent_again() {
    let state = Arc::new(Mutex::new(FakeRewix {
        drop_after_store: 1,
        // More refusals than the client makes attempts (rounds × retries): the lookup never answers.
        refuse_lookup: (0..50)
            .map(|_| text(500, "Internal Server Error"))
            .collect(),
        ..FakeRewix::with_stock(&[(148148, 50), (148367, 50)])
    }));
    let server = ScriptedServer::start(FakeRewix::serve(state.clone())).await;
    let err = client(server.url(""))
        .send_order(&order("WEB-7"))
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Transport | ErrorKind::Timeout),
        "{err:?}"
    );
    assert!(err.outcome_unknown());
    assert!(err.to_string().contains("the order may exist"), "{err}");
    assert_eq!(count(&server, "POST", SEND_PATH), 1);
    assert_eq!(
        count(&server, "GET", BY_KEY_PATH),
        6,
        "a bounded lookup budget: 2 rounds of a GET the runtime tries 3 times"
    );
    assert_eq!(state.lock().unwrap().orders.len(), 1);
}

#[tokio::test]
async fn retries_stop_at_max_attempts_when_the_order_never_arrives() {
    let state = Arc::new(Mutex::new(FakeRewix {
        refuse_send: (0..5).map(|_| text(502, "Bad Gateway")).collect(),
        ..FakeRewix::with_stock(&[(148148, 50), (148367, 50)])
    }));
    let server = ScriptedServer::start(FakeRewix::serve(state.clone())).await;
    let err = client(server.url(""))
        .send_order(&order("WEB-8"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.attempts(), 3);
    assert_eq!(count(&server, "POST", SEND_PATH), 3);
    assert_eq!(
        count(&server, "GET", BY_KEY_PATH),
        3,
        "a lookup after each 5xx"
    );
    assert!(state.lock().unwrap().orders.is_empty());
}

#[tokio::test]
async fn reserve_and_send_locks_the_quantities_before_sending() {
    let state = Arc::new(Mutex::new(FakeRewix::with_stock(&[
        (148148, 50),
        (148367, 9),
    ])));
    let server = ScriptedServer::start(FakeRewix::serve(state.clone())).await;
    let sent = client(server.url(""))
        .reserve_and_send(&order("WEB-9"))
        .await
        .unwrap();
    assert_eq!(sent.outcome, SendOutcome::Created);
    // Only 9 of 15 could be locked: reported, and the order got those 9.
    assert_eq!(short(&sent.short_items), [(148367, 15, 9, 0)]);
    let recorded = server.recorded();
    let calls: Vec<_> = recorded
        .iter()
        .map(|r| format!("{} {}", r.method, r.path()))
        .collect();
    assert_eq!(
        calls,
        [
            format!("GET {RESERVATION_PATH}"),
            format!("POST {RESERVE_PATH}"),
            format!("POST {SEND_PATH}"),
        ]
    );
    assert_eq!(
        recorded[1].json(),
        json!({"operations": [{"type": "lock", "models": [
            {"stock_id": "148148", "quantity": "10"}, {"stock_id": "148367", "quantity": "15"}]}]})
    );
    let fake = state.lock().unwrap();
    assert_eq!(
        fake.locked.values().sum::<i64>(),
        0,
        "the order took the locked quantities"
    );
    assert_eq!(fake.orders.len(), 1);
}

#[tokio::test]
async fn reserve_and_send_unlocks_what_it_locked_when_the_order_is_refused() {
    let mut fake = FakeRewix {
        refuse_send: vec![text(412, "Carrier not valid for the order")],
        ..FakeRewix::with_stock(&[(148148, 50), (148367, 50)])
    };
    // Another order in progress already holds 4 pieces of 148148: they must stay locked.
    fake.locked.insert(148148, 4);
    let state = Arc::new(Mutex::new(fake));
    let server = ScriptedServer::start(FakeRewix::serve(state.clone())).await;
    let err = client(server.url(""))
        .reserve_and_send(&order("WEB-10"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(err.message(), Some("Carrier not valid for the order"));
    let recorded = server.recorded();
    let unlock = recorded.last().unwrap();
    assert_eq!(unlock.path(), RESERVE_PATH);
    assert_eq!(
        unlock.json(),
        json!({"operations": [{"type": "unlock", "models": [
            {"stock_id": "148148", "quantity": "10"}, {"stock_id": "148367", "quantity": "15"}]}]})
    );
    let fake = state.lock().unwrap();
    assert_eq!(fake.locked.get(&148148), Some(&4));
    assert_eq!(fake.locked.get(&148367), Some(&0));
    assert!(fake.orders.is_empty());
}

#[tokio::test]
async fn reserve_and_send_keeps_the_lock_when_the_order_may_exist() {
    let state = Arc::new(Mutex::new(FakeRewix {
        refuse_send: vec![Reply::Drop],
        refuse_lookup: (0..50).map(|_| Reply::Drop).collect(),
        ..FakeRewix::with_stock(&[(148148, 50), (148367, 50)])
    }));
    let server = ScriptedServer::start(FakeRewix::serve(state.clone())).await;
    let err = client(server.url(""))
        .reserve_and_send(&order("WEB-11"))
        .await
        .unwrap_err();
    assert!(err.outcome_unknown());
    assert_eq!(count(&server, "POST", RESERVE_PATH), 1, "no unlock");
    assert_eq!(state.lock().unwrap().locked.values().sum::<i64>(), 25);
}

/// Against the crate's stateful Rewix fake with faults: whatever fails, no key ever gets a second order.
#[cfg(feature = "sandbox")]
#[tokio::test]
async fn under_dropped_connections_and_5xx_no_key_gets_two_orders() {
    use std::time::Duration;

    use fulfillment_apis::{
        RetryPolicy,
        rewix::{self, DropshippingOrder, OrderDate},
        sandbox::RewixSandbox,
    };

    let sandbox = RewixSandbox::start().await.unwrap();
    sandbox.faults().reseed(7);
    sandbox.faults().set_drop_after_commit_rate(0.3);
    sandbox.faults().set_error_rate(0.2);
    let client = rewix::Client::builder(RewixSandbox::API_KEY, RewixSandbox::PASSWORD)
        .with_environment(rewix::Environment::Custom(sandbox.base_url()))
        .with_retry(
            RetryPolicy::default()
                .with_max_attempts(5)
                .with_initial_backoff(Duration::from_millis(1)),
        )
        .build()
        .unwrap();
    let mut created = 0;
    for n in 0..30 {
        let key = format!("SBX-{n}");
        let order =
            DropshippingOrder::new(&key, OrderDate::now(), None, recipient()).add_item(55, 1);
        let result = client.send_order(&order).await;
        let stored = sandbox.orders_with_key(&key);
        assert!(stored <= 1, "{key}: {stored} orders");
        match result {
            Ok(sent) => {
                assert_eq!(stored, 1, "{key}: {sent:?}");
                created += 1;
            }
            Err(err) => assert!(err.outcome_unknown() || stored == 0, "{key}: {err:?}"),
        }
    }
    assert!(
        sandbox.faults().dropped_connections() > 0,
        "the faults were exercised"
    );
    assert!(created > 0);
}
