//! The ergonomic Gooten client against httpmock: credentials in the query and body, the error dialect
//! (`HadError` on any status), search paging, secret redaction, redirects and case-insensitive decoding.
#![cfg(feature = "gooten")]

mod support;

use fulfillment_apis::{
    ErrorKind, Provider, Secret,
    gooten::{self, OrderQuery, SubmitOutcome, types},
};
use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::json;

use support::gooten_client::*;
use support::{Reply, ScriptedServer, all_traces};

#[tokio::test]
async fn recipe_id_and_url_encoded_billing_key_are_added_to_the_query() {
    let server = MockServer::start_async().await;
    let search = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/ordersearch")
                .query_param("recipeid", RECIPE)
                .query_param("partnerBillingKey", BILLING_KEY)
                .query_param("page", "1");
            then.status(200)
                .json_body(json!({"Orders": [], "Page": 1, "TotalPages": 1, "HadError": false}));
        })
        .await;
    let client = client(server.url("/api"));
    let orders: Vec<_> = client
        .search_orders(OrderQuery::new())
        .try_collect()
        .await
        .unwrap();
    assert!(orders.is_empty());
    search.assert_async().await;
}

#[tokio::test]
async fn submitted_order_gets_the_billing_key_in_its_body_and_no_key_in_the_query() {
    let server =
        ScriptedServer::start(|_| Reply::json(200, json!({"Id": "safe-1", "HadError": false})))
            .await;
    let submitted = client(server.url("/api"))
        .submit_order(order(Some("WEB-1")))
        .await
        .unwrap();
    assert_eq!(submitted.id, "safe-1");
    assert_eq!(submitted.outcome, SubmitOutcome::Created);
    let sent = &server.recorded()[0];
    assert_eq!(sent.path(), "/api/v/5/source/api/orders");
    assert_eq!(sent.query("recipeid").as_deref(), Some(RECIPE));
    assert_eq!(
        sent.query("partnerBillingKey"),
        None,
        "submitOrder takes the key in the body"
    );
    let body = sent.json();
    assert_eq!(body["Payment"]["PartnerBillingKey"], BILLING_KEY);
    assert_eq!(body["IsPartnerSourceIdUnique"], true);
    assert_eq!(body["SourceId"], "WEB-1");
    assert!(!sent.headers.contains_key("api-version"));
}

#[tokio::test]
async fn had_error_on_200_and_on_400_is_a_validation_error_with_every_field_error() {
    let envelope = json!({
        "HadError": true,
        "ErrorReferenceCode": "ref-7781",
        "Errors": [
            {"PropertyName": "Order.ShipToAddress.PostalCode", "ErrorMessage": "PostalCode is required", "AttemptedValue": ""},
            {"PropertyName": "Order.Items[0].SKU", "ErrorMessage": "Unknown SKU", "AttemptedValue": "NOPE"}
        ]
    });
    for status in [200, 400] {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(POST).path("/api/v/5/source/api/orders");
                then.status(status).json_body(envelope.clone());
            })
            .await;
        let err = client(server.url("/api"))
            .submit_order(order(None))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Validation, "status {status}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.provider(), Some(Provider::Gooten));
        assert_eq!(err.operation(), Some("submitOrder"));
        assert_eq!(err.reference_code(), Some("ref-7781"));
        let fields: Vec<_> = err
            .field_errors()
            .iter()
            .map(|f| (f.path.as_str(), f.message.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("Order.ShipToAddress.PostalCode", "PostalCode is required"),
                ("Order.Items[0].SKU", "Unknown SKU")
            ]
        );
        assert_eq!(err.field_errors()[1].attempted_value, Some(json!("NOPE")));
        assert!(err.body().is_some_and(|b| b.starts_with(b"{")));
        assert!(!err.is_retryable());
        assert!(
            !err.outcome_unknown(),
            "a validation error means nothing was created"
        );
        mock.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn invalid_recipe_id_message_is_an_authentication_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v/5/source/api/products");
            then.status(200).json_body(json!({"Message": "Authorization has been denied for this request. Invalid recipeId."}));
        })
        .await;
    let err = client(server.url("/api"))
        .api()
        .get_products()
        .country_code("US")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert!(err.message().unwrap().contains("Invalid recipeId"));
}

#[tokio::test]
async fn a_body_that_is_not_the_documented_json_is_a_decode_error_keeping_bytes_and_status() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v/5/source/api/countries");
            then.status(200)
                .header("content-type", "text/html")
                .body("<html>maintenance</html>");
        })
        .await;
    let err = client(server.url("/api"))
        .api()
        .get_countries()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(
        err.body().map(|b| b.as_ref()),
        Some(&b"<html>maintenance</html>"[..])
    );
}

#[tokio::test]
async fn search_streams_across_pages_and_stops_at_total_pages() {
    let server = MockServer::start_async().await;
    let mut pages = Vec::new();
    for page in 1..=3 {
        let orders: Vec<_> = (0..2)
            .map(|i| order_details(&format!("safe-{page}-{i}"), &format!("WEB-{page}-{i}")))
            .collect();
        pages.push(
            server
                .mock_async(move |when, then| {
                    when.method(GET)
                        .path("/api/ordersearch")
                        .query_param("page", page.to_string())
                        .query_param("pageSize", "2");
                    then.status(200).json_body(
                        json!({"Orders": orders, "Page": page, "TotalPages": 3, "HadError": false}),
                    );
                })
                .await,
        );
    }
    // A fourth page exists on the server but is past TotalPages: it must not be fetched.
    let beyond = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/ordersearch")
                .query_param("page", "4");
            then.status(200).json_body(
                json!({"Orders": [order_details("x", "y")], "Page": 4, "TotalPages": 3}),
            );
        })
        .await;
    let client = client(server.url("/api"));
    let ids: Vec<_> = client
        .search_orders(OrderQuery::new().with_page_size(2))
        .map_ok(|o| o.id.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        ids,
        [
            "safe-1-0", "safe-1-1", "safe-2-0", "safe-2-1", "safe-3-0", "safe-3-1"
        ]
    );
    for page in &pages {
        page.assert_calls_async(1).await;
    }
    beyond.assert_calls_async(0).await;
}

#[tokio::test]
async fn search_without_a_billing_key_is_a_configuration_error_before_sending() {
    let server = MockServer::start_async().await;
    let client = gooten::Client::builder(RECIPE)
        .with_environment(gooten::Environment::Custom(server.url("/api")))
        .build()
        .unwrap();
    let err = client
        .search_orders(OrderQuery::new())
        .try_next()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration);
    assert_eq!(err.attempts(), 0);
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    let err = gooten::Client::builder(RECIPE)
        .with_environment(gooten::Environment::Custom(
            "http://api.print.io/api".into(),
        ))
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration);
}

#[tokio::test(flavor = "current_thread")]
async fn the_billing_key_never_appears_in_debug_output_or_traces() {
    let logs = all_traces();
    // The server echoes the key back in an error, as a careless API might.
    let server = ScriptedServer::start(|request| {
        let key = request.query("partnerBillingKey").unwrap_or_default();
        Reply::json(
            400,
            json!({"HadError": true, "Errors": [{"PropertyName": "partnerBillingKey",
            "ErrorMessage": format!("Invalid key {key}"), "AttemptedValue": key}]}),
        )
    })
    .await;
    let client = client(server.url("/api"));
    let err = client
        .search_orders(OrderQuery::new())
        .try_next()
        .await
        .unwrap_err();
    let mut order = order(Some("WEB-1"));
    order.payment = Some(
        types::Payment::builder()
            .partner_billing_key(Some(BILLING_KEY.to_string()))
            .try_into()
            .unwrap(),
    );
    let outputs = [
        format!("{client:?}"),
        format!("{err:?}"),
        err.to_string(),
        String::from_utf8_lossy(err.body().unwrap()).into_owned(),
        format!("{:?}", Secret::new(BILLING_KEY)),
        logs.text(),
    ];
    assert!(
        logs.text().contains("searchOrders"),
        "tracing captured the call: {}",
        logs.text()
    );
    let encoded: String = url::form_urlencoded::byte_serialize(BILLING_KEY.as_bytes()).collect();
    for output in outputs {
        assert!(
            !output.contains(BILLING_KEY) && !output.contains(&encoded),
            "leaked in: {output}"
        );
    }
    assert_eq!(
        err.field_errors()[0].attempted_value,
        Some(json!("[REDACTED]"))
    );
    // No personal data of the order in traces either.
    let _ = client.submit_order(order).await;
    for personal in [
        "John",
        "Doe",
        "350 5th Ave",
        "john.doe@example.com",
        "212-555-0142",
        BILLING_KEY,
    ] {
        assert!(!logs.text().contains(personal), "{personal} in traces");
    }
}

#[tokio::test]
async fn an_unlisted_success_status_is_neither_a_refusal_nor_resent() {
    // Gooten answering 201 (the spec lists 200): the order exists, so it must not look refused.
    let server = ScriptedServer::start(|request| match request.method.as_str() {
        "POST" => Reply::json(201, json!({"Id": "safe-201", "HadError": false})),
        _ => Reply::json(200, order_details("safe-201", "WEB-201")),
    })
    .await;
    let client = client(server.url("/api"));
    let without_source = client.submit_order(order(None)).await.unwrap_err();
    assert_eq!(without_source.kind(), ErrorKind::Decode);
    assert!(without_source.outcome_unknown(), "the order may exist");
    assert_eq!(without_source.status().map(|s| s.as_u16()), Some(201));
    assert!(without_source.body().is_some_and(|b| b.starts_with(b"{")));
    // With a SourceId the order is found by it, and reported as created by this call: Gooten accepted the
    // send (the one exactly-once engine's rule for a 2xx that does not read as a created order).
    let with_source = client.submit_order(order(Some("WEB-201"))).await.unwrap();
    assert_eq!(
        (with_source.id.as_str(), with_source.outcome),
        ("safe-201", SubmitOutcome::Created)
    );
    let posts = server
        .recorded()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 2, "one POST per submission, none resent");
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server = ScriptedServer::start(|_| Reply::Respond {
        status: 307,
        headers: vec![(
            "Location".into(),
            "http://collector.example.com/steal".into(),
        )],
        body: String::new(),
    })
    .await;
    let err = client(server.url("/api"))
        .submit_order(order(None))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.outcome_unknown());
    assert_eq!(
        server.recorded().len(),
        1,
        "the body (and its billing key) went nowhere else"
    );
}

/// Gooten (ASP.NET) does not care about property-name case, and its own documents spell `PreConfiguredProducts`
/// and `SKU` where the spec says `PreconfiguredProducts` and `Sku`: such an answer decodes into every field,
/// nested ones included, instead of into an empty list with no error.
#[tokio::test]
async fn an_answer_spelled_in_another_case_decodes_into_every_field() {
    let body = json!({
        "PreConfiguredProducts": [{
            "SKU": "PRP-Sunset-Canvas-12x12",
            "name": "Sunset canvas 12x12",
            "PRICE": {"price": 59.99, "currencyCode": "USD"},
            "items": [{"productId": 43, "PRODUCTVARIANTSKU": "CanvsWrp-BlkWrp-12x12"}]
        }],
        "hadError": false
    });
    let server = ScriptedServer::start(move |_| Reply::json(200, body.clone())).await;
    let client = client(server.url("/api"));
    let page = client
        .api()
        .get_preconfigured_products()
        .country_code("US")
        .await
        .unwrap();
    assert_eq!(page.preconfigured_products.len(), 1, "{page:?}");
    let product = &page.preconfigured_products[0];
    assert_eq!(product.sku.as_deref(), Some("PRP-Sunset-Canvas-12x12"));
    assert_eq!(product.name.as_deref(), Some("Sunset canvas 12x12"));
    let price = product.price.as_ref().unwrap();
    assert_eq!(price.price.unwrap().to_string(), "59.99");
    assert_eq!(price.currency_code.as_deref(), Some("USD"));
    assert_eq!(
        product.items[0].product_variant_sku.as_deref(),
        Some("CanvsWrp-BlkWrp-12x12")
    );
}
