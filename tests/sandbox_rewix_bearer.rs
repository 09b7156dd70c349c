//! The Rewix client with the Bdroppy login (bearer token) against the embedded sandbox: orders placed and read
//! back, a token expiring mid-session renewed exactly once, one login for concurrent calls, wrong credentials,
//! and order creation still exactly once across a renewal.
#![cfg(feature = "sandbox")]

use std::time::Duration;

use fulfillment_apis::{
    ErrorKind, RetryPolicy, Secret,
    rewix::{
        self, Address, AddressFields, Credentials, DropshippingOrder, OrderDate, Phone, Recipient,
        SendOutcome,
    },
    sandbox::RewixSandbox,
};

fn client_with(sandbox: &RewixSandbox, email: &str, password: &str) -> rewix::Client {
    rewix::Client::builder_with(Credentials::bdroppy_login(
        Secret::new(email),
        Secret::new(password),
    ))
    .with_environment(rewix::Environment::Custom(sandbox.base_url()))
    .with_retry(
        RetryPolicy::default()
            .with_max_attempts(3)
            .with_initial_backoff(Duration::from_millis(2))
            .with_max_backoff(Duration::from_millis(20)),
    )
    .build()
    .unwrap()
}

fn client(sandbox: &RewixSandbox) -> rewix::Client {
    client_with(sandbox, RewixSandbox::API_KEY, RewixSandbox::PASSWORD)
}

fn order(key: &str) -> DropshippingOrder {
    let recipient = Recipient::new(
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
    );
    DropshippingOrder::new(key, OrderDate::now(), 39, recipient).add_item(69, 2)
}

#[tokio::test]
async fn the_bearer_client_places_an_order_and_reads_it_back_with_one_login() {
    let sandbox = RewixSandbox::start().await.unwrap();
    let client = client(&sandbox);
    assert_eq!(sandbox.logins(), 0, "building the client sends nothing");
    let sent = client.reserve_and_send(&order("BD-1")).await.unwrap();
    assert_eq!(sent.outcome, SendOutcome::Created);
    let found = client
        .find_order("BD-1")
        .await
        .unwrap()
        .expect("the order is found by its key");
    assert_eq!(Some(found.order_id), sent.order_id);
    assert_eq!(sandbox.orders_with_key("BD-1"), 1);
    assert_eq!(sandbox.logins(), 1, "every call reused the first token");
    let shown = format!("{client:?}");
    assert!(shown.contains("bdroppy_login"), "{shown}");
    assert!(!shown.contains(RewixSandbox::PASSWORD), "{shown}");
}

#[tokio::test]
async fn a_token_expiring_mid_session_is_renewed_exactly_once() {
    let sandbox = RewixSandbox::start().await.unwrap();
    let client = client(&sandbox);
    client.api().list_carriers().await.unwrap();
    assert_eq!(sandbox.logins(), 1);
    sandbox.expire_tokens();
    let carriers = client.api().list_carriers().await.unwrap();
    assert!(!carriers.is_empty());
    assert_eq!(sandbox.logins(), 2, "one new login after the 401");
    client.api().get_reservation_status().await.unwrap();
    assert_eq!(sandbox.logins(), 2, "the new token is kept");
}

#[tokio::test]
async fn a_token_refused_again_after_renewal_is_an_authentication_error_after_one_login() {
    let sandbox = RewixSandbox::start().await.unwrap();
    // Every token is born expired: the first call is refused, renewed once, refused again.
    sandbox.set_token_lifetime(Duration::ZERO);
    let client = client(&sandbox);
    let err = client.api().list_carriers().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication, "{err}");
    assert_eq!(
        sandbox.logins(),
        2,
        "the first login and exactly one renewal"
    );
}

#[tokio::test]
async fn concurrent_calls_share_one_login() {
    let sandbox = RewixSandbox::start().await.unwrap();
    let client = client(&sandbox);
    let calls = (0..12).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.api().list_carriers().await })
    });
    for call in futures::future::join_all(calls).await {
        call.unwrap().unwrap();
    }
    assert_eq!(sandbox.logins(), 1, "single flight");

    // Refused together after an expiry: one renewal for all of them.
    sandbox.expire_tokens();
    let calls = (0..12).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.api().get_reservation_status().await })
    });
    for call in futures::future::join_all(calls).await {
        call.unwrap().unwrap();
    }
    assert_eq!(sandbox.logins(), 2, "one renewal for every refused call");
}

#[tokio::test]
async fn wrong_credentials_are_a_typed_authentication_error_without_secrets() {
    let sandbox = RewixSandbox::start().await.unwrap();
    let password = "wr0ng-Passw0rd-4711";
    let client = client_with(&sandbox, RewixSandbox::API_KEY, password);
    let err = client.api().list_carriers().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication, "{err}");
    assert_eq!(err.operation(), Some("bdroppyLogin"));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert!(!err.is_retryable());
    let outputs = [
        format!("{err:?}"),
        err.to_string(),
        format!("{client:?}"),
        err.body()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default(),
    ];
    for output in &outputs {
        for secret in [password, RewixSandbox::API_KEY] {
            assert!(!output.contains(secret), "{secret} leaked in: {output}");
        }
    }
    assert_eq!(sandbox.logins(), 0);
    // An order is refused the same way, and nothing is stored.
    let err = client.send_order(&order("BD-WRONG")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert!(
        !err.outcome_unknown(),
        "refused at the login: nothing was sent"
    );
    assert_eq!(sandbox.orders_with_key("BD-WRONG"), 0);
}

#[tokio::test]
async fn a_renewal_during_order_creation_creates_exactly_one_order() {
    let sandbox = RewixSandbox::start().await.unwrap();
    let client = client(&sandbox);
    client.api().list_carriers().await.unwrap();
    // The order's POST is refused with 401 (not applied), the client logs in again and repeats it once.
    sandbox.expire_tokens();
    let sent = client.send_order(&order("BD-2")).await.unwrap();
    assert_eq!(sent.outcome, SendOutcome::Created);
    assert_eq!(sandbox.orders_with_key("BD-2"), 1);
    assert_eq!(sandbox.logins(), 2);

    // Under lost answers (the order stored, the connection dropped) and expiring tokens, every order is
    // stored once.
    sandbox.faults().reseed(4711);
    sandbox.faults().set_drop_after_commit_rate(0.3);
    for i in 0..6 {
        if i % 2 == 0 {
            sandbox.expire_tokens();
        }
        let key = format!("BD-F{i}");
        let sent = client.send_order(&order(&key)).await;
        assert!(
            sandbox.orders_with_key(&key) <= 1,
            "{key} stored twice: {sent:?}"
        );
        if sent.is_ok() {
            assert_eq!(sandbox.orders_with_key(&key), 1, "{key}");
        }
    }
    assert!(
        sandbox.faults().dropped_connections() > 0,
        "the faults were exercised"
    );
}
