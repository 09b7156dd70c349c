//! The ergonomic Rewix client against the embedded sandbox, including under faults.
#![cfg(feature = "sandbox")]

use std::{collections::HashSet, time::Duration};

use fulfillment_apis::{
    ErrorKind, RetryPolicy,
    rewix::{
        self, Address, AddressFields, DropshippingOrder, OrderDate, Phone, Recipient, SendOutcome,
    },
    sandbox::RewixSandbox,
};
use futures::{StreamExt, stream};

fn client(sandbox: &RewixSandbox) -> rewix::Client {
    rewix::Client::builder(RewixSandbox::API_KEY, RewixSandbox::PASSWORD)
        .with_environment(rewix::Environment::Custom(sandbox.base_url()))
        .with_retry(
            RetryPolicy::default()
                .with_max_attempts(5)
                .with_initial_backoff(Duration::from_millis(2))
                .with_max_backoff(Duration::from_millis(20)),
        )
        .build()
        .unwrap()
}

fn recipient() -> Recipient {
    Recipient::new(
        "ACME srl",
        Address::from(AddressFields {
            street_name: "Roma",
            address_number: "1",
            zip: "10100",
            city: "TORINO",
            province: "TO",
            country_code: "IT",
        })
        .set_street_type("Via"),
        Phone::new("+39", "0112838474"),
    )
}

#[tokio::test]
async fn reserve_then_send_reports_what_the_stock_could_not_cover() {
    let sandbox = RewixSandbox::start().await.unwrap();
    let client = client(&sandbox);
    let carriers = client.api().list_carriers().await.unwrap();
    let carrier = carriers.first().map(|c| c.id);
    sandbox.set_available(1567, 3);
    let order = DropshippingOrder::new("E2E-R1", OrderDate::now(), carrier, recipient())
        .add_item(1567, 5)
        .add_item(69, 2);
    let sent = client.reserve_and_send(&order).await.unwrap();
    assert_eq!(sent.outcome, SendOutcome::Created);
    let short: Vec<_> = sent
        .short_items
        .iter()
        .map(|s| (s.stock_id, s.requested, s.granted))
        .collect();
    assert_eq!(short, [(1567, 5, 3)], "only 3 of 5 were available");
    assert_eq!(sandbox.orders_with_key("E2E-R1"), 1);
    let found = client
        .find_order("E2E-R1")
        .await
        .unwrap()
        .expect("the order is found by its key");
    assert!(found.order_id > 0);
}

#[tokio::test]
async fn a_wrong_password_is_refused_as_authentication() {
    let sandbox = RewixSandbox::start().await.unwrap();
    let client = rewix::Client::builder(RewixSandbox::API_KEY, "wrong-password")
        .with_environment(rewix::Environment::Custom(sandbox.base_url()))
        .build()
        .unwrap();
    let err = client.api().list_carriers().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
}

/// 1,000 orders with client keys while 20% of the answers are lost after the order was stored (and 5% of the
/// requests fail with a 5xx first): exactly 1,000 orders end up stored, none twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_orders_under_dropped_answers_are_stored_exactly_once() {
    const ORDERS: usize = 1_000;
    let sandbox = RewixSandbox::start().await.unwrap();
    let client = client(&sandbox);
    sandbox.set_available(55, 100_000);
    sandbox.faults().reseed(20_26);
    sandbox.faults().set_drop_after_commit_rate(0.20);
    sandbox.faults().set_error_rate(0.05);

    let results: Vec<_> = stream::iter(0..ORDERS)
        .map(|i| {
            let client = client.clone();
            let order =
                DropshippingOrder::new(format!("LOAD-{i:04}"), OrderDate::now(), None, recipient())
                    .add_item(55, 1);
            async move { client.send_order(&order).await }
        })
        .buffer_unordered(16)
        .collect()
        .await;

    let failures: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(
        failures.is_empty(),
        "{} sends failed, first: {:?}",
        failures.len(),
        failures.first()
    );
    let sent: Vec<_> = results.into_iter().map(Result::unwrap).collect();
    let found_after_loss = sent
        .iter()
        .filter(|s| s.outcome == SendOutcome::AlreadyExisted)
        .count();
    let keys: HashSet<_> = sent.iter().map(|s| s.key.clone()).collect();
    let duplicates = (0..ORDERS)
        .filter(|i| sandbox.orders_with_key(&format!("LOAD-{i:04}")) != 1)
        .count();
    let dropped = sandbox.faults().dropped_connections();
    let injected = sandbox.faults().injected_errors();
    println!(
        "rewix fault run: sent {ORDERS}, stored {}, duplicates {duplicates}, answers dropped after commit {dropped}, \
         5xx injected {injected}, resolved by client-key lookup {found_after_loss}",
        sandbox.order_count()
    );
    assert_eq!(
        sandbox.order_count(),
        ORDERS,
        "exactly one stored order per send"
    );
    assert_eq!(duplicates, 0);
    assert_eq!(keys.len(), ORDERS);
    assert!(dropped >= 100, "the fault really fired ({dropped} drops)");
    assert!(found_after_loss > 0);
}

/// A second *call* with the same key: `send_order` sends it again (Rewix does not refuse the key, and the
/// sandbox stores a second order, as Rewix does), `send_order_if_new` finds the first and sends nothing.
#[tokio::test]
async fn a_second_call_with_the_same_key_is_found_by_send_order_if_new() {
    let sandbox = RewixSandbox::start().await.unwrap();
    let client = client(&sandbox);
    sandbox.set_available(55, 100);
    let order =
        DropshippingOrder::new("AGAIN-1", OrderDate::now(), None, recipient()).add_item(55, 1);

    let first = client.send_order_if_new(&order).await.unwrap();
    assert_eq!((first.outcome, first.attempts), (SendOutcome::Created, 1));
    let again = client.send_order_if_new(&order).await.unwrap();
    assert_eq!(
        (again.outcome, again.attempts),
        (SendOutcome::AlreadyExisted, 0)
    );
    assert_eq!(again.order_id, first.order_id);
    assert_eq!(sandbox.orders_with_key("AGAIN-1"), 1);

    // What `send_order_if_new` guards against: a plain second `send_order` makes a second order.
    client.send_order(&order).await.unwrap();
    assert_eq!(sandbox.orders_with_key("AGAIN-1"), 2);
}
