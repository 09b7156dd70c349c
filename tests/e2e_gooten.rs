//! The ergonomic Gooten client against the embedded sandbox, including under faults.
#![cfg(feature = "sandbox")]

mod support;

use std::{collections::HashSet, time::Duration};

use fulfillment_apis::{
    ErrorKind, RetryPolicy, Secret,
    gooten::{self, OrderQuery, SubmitOutcome, types},
    sandbox::GootenSandbox,
};
use futures::{StreamExt, TryStreamExt, stream};
use support::gooten_sandbox::skus;

fn client(sandbox: &GootenSandbox) -> gooten::Client {
    gooten::Client::builder(GootenSandbox::RECIPE_ID)
        .with_billing_key(Secret::new(GootenSandbox::PARTNER_BILLING_KEY))
        .with_environment(gooten::Environment::Custom(sandbox.base_url()))
        .with_retry(
            RetryPolicy::default()
                .with_max_attempts(5)
                .with_initial_backoff(Duration::from_millis(2))
                .with_max_backoff(Duration::from_millis(20)),
        )
        .build()
        .unwrap()
}

fn order(source_id: &str, sku: &str) -> types::Order {
    serde_json::from_value(serde_json::json!({
        "SourceId": source_id,
        "ShipToAddress": {"FirstName": "Jane", "LastName": "Roe", "Line1": "1 Main St", "City": "Austin",
            "State": "TX", "CountryCode": "US", "PostalCode": "78701", "Phone": "512-555-0100",
            "Email": "jane.roe@example.com"},
        "BillingAddress": {"FirstName": "Jane", "LastName": "Roe", "PostalCode": "78701", "CountryCode": "US"},
        "Items": [{"SKU": sku, "Quantity": 1, "ShipType": "standard",
            "Images": [{"Url": "https://example.com/art.jpg", "Index": 0}]}],
        "IsInTestMode": true
    }))
    .unwrap()
}

async fn a_sku(client: &gooten::Client) -> String {
    skus(client, 1).await.swap_remove(0)
}

#[tokio::test]
async fn an_order_flow_against_the_sandbox() {
    let sandbox = GootenSandbox::start().await.unwrap();
    let client = client(&sandbox);
    let sku = a_sku(&client).await;
    let submitted = client.submit_order(order("E2E-1", &sku)).await.unwrap();
    assert_eq!(submitted.outcome, SubmitOutcome::Created);
    let fetched = client.get_order(&submitted.id).await.unwrap();
    assert_eq!(fetched.source_id.as_deref(), Some("E2E-1"));
    let by_source = client.get_order("E2E-1").await.unwrap();
    assert_eq!(by_source.id.as_deref(), Some(submitted.id.as_str()));
    let found: Vec<_> = client
        .search_orders(OrderQuery::new().set_last_name("Roe"))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(found.len(), 1);

    // The same SourceId from a later call is refused as a duplicate by the sandbox, as by Gooten.
    let again = client.submit_order(order("E2E-1", &sku)).await.unwrap_err();
    assert_eq!(again.kind(), ErrorKind::Duplicate);
    assert_eq!(sandbox.order_count(), 1);

    // A missing postal code comes back as a field error with Gooten's property path.
    let mut bad = order("E2E-2", &sku);
    bad.ship_to_address.postal_code = String::new();
    let err = client.submit_order(bad).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert!(
        err.field_errors()
            .iter()
            .any(|f| f.path == "Order.ShipToAddress.PostalCode"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_wrong_recipe_id_is_refused_as_authentication() {
    let sandbox = GootenSandbox::start().await.unwrap();
    let client = gooten::Client::builder("not-the-recipe")
        .with_environment(gooten::Environment::Custom(sandbox.base_url()))
        .build()
        .unwrap();
    let err = client.api().get_countries().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
}

/// 1,000 orders with SourceIds, while 20% of the answers are lost after the order was stored (and 5% of the
/// requests fail with a 5xx before reaching the store): exactly 1,000 orders end up stored, none twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_orders_under_dropped_answers_are_stored_exactly_once() {
    const ORDERS: usize = 1_000;
    let sandbox = GootenSandbox::start().await.unwrap();
    let client = client(&sandbox);
    let sku = a_sku(&client).await;
    sandbox.faults().reseed(20_26);
    sandbox.faults().set_drop_after_commit_rate(0.20);
    sandbox.faults().set_error_rate(0.05);

    let results: Vec<_> = stream::iter(0..ORDERS)
        .map(|i| {
            let client = client.clone();
            let order = order(&format!("LOAD-{i:04}"), &sku);
            async move { client.submit_order(order).await }
        })
        .buffer_unordered(16)
        .collect()
        .await;

    let failures: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(
        failures.is_empty(),
        "{} submissions failed, first: {:?}",
        failures.len(),
        failures.first()
    );
    let submitted: Vec<_> = results.into_iter().map(Result::unwrap).collect();
    let found_after_loss = submitted
        .iter()
        .filter(|s| s.outcome == SubmitOutcome::AlreadyExisted)
        .count();
    let unique_ids: HashSet<_> = submitted.iter().map(|s| s.id.clone()).collect();
    let duplicates = (0..ORDERS)
        .filter(|i| sandbox.orders_with_source_id(&format!("LOAD-{i:04}")) != 1)
        .count();
    let dropped = sandbox.faults().dropped_connections();
    let injected = sandbox.faults().injected_errors();
    println!(
        "gooten fault run: submitted {ORDERS}, stored {}, duplicates {duplicates}, answers dropped after commit {dropped}, \
         5xx injected {injected}, resolved by SourceId lookup {found_after_loss}",
        sandbox.order_count()
    );
    assert_eq!(
        sandbox.order_count(),
        ORDERS,
        "exactly one stored order per submission"
    );
    assert_eq!(duplicates, 0);
    assert_eq!(unique_ids.len(), ORDERS);
    assert!(dropped >= 100, "the fault really fired ({dropped} drops)");
    assert!(found_after_loss > 0);
}
