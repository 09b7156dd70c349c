//! The Rewix fake's XML forms as the spec describes them: reserveStock and requestReturn bodies without their
//! required lists are refused like the JSON bodies without the field (429, plain text), and products.xml is
//! answered in XML.
#![cfg(feature = "sandbox")]

use fulfillment_apis::sandbox::RewixSandbox;
use reqwest::{StatusCode, header::CONTENT_TYPE};

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

async fn post(
    rewix: &RewixSandbox,
    path: &str,
    content_type: &str,
    body: &str,
) -> reqwest::Response {
    http()
        .post(format!("{}{path}", rewix.base_url()))
        .basic_auth(RewixSandbox::API_KEY, Some(RewixSandbox::PASSWORD))
        .header(CONTENT_TYPE, content_type)
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

const XML: &str = "application/xml";
const JSON: &str = "application/json";
const RESERVE: &str = "/restful/ghost/orders/sold";
const RETURN: &str = "/restful/ghost/returnedgoods/request/new";

#[tokio::test]
async fn xml_bodies_without_their_required_lists_are_refused_like_json() {
    let rewix = RewixSandbox::start().await.unwrap();
    for (path, content_type, body) in [
        (RESERVE, JSON, "{}"),
        (RESERVE, XML, "<root/>"),
        (RESERVE, JSON, r#"{"operations": [{"type": "lock"}]}"#),
        (RETURN, JSON, r#"{"orderId": 1}"#),
        (RETURN, XML, r#"<returnedGoodRequest orderId="1"/>"#),
    ] {
        let response = post(&rewix, path, content_type, body).await;
        assert_eq!(
            response.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{path} {body}"
        );
        let message = response.text().await.unwrap();
        assert!(
            message.starts_with("Invalid request body: missing field"),
            "{path} {body}: {message}"
        );
    }
    // An open enum still has the spec's type: an int32.
    let response = post(
        &rewix,
        RETURN,
        JSON,
        r#"{"orderId": 1, "returnedGoodRequestItem": [{"stockModelId": 55, "quantity": 1, "reasonCode": 2147483648}]}"#,
    )
    .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.text().await.unwrap().contains("not an int32"));
    // With the lists, the XML documents are read.
    let response = post(
        &rewix,
        RESERVE,
        XML,
        r#"<root><operation type="lock"><model stock_id="55" quantity="1"/></operation></root>"#,
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn products_xml_is_answered_in_xml() {
    let rewix = RewixSandbox::start().await.unwrap();
    let response = http()
        .get(format!(
            "{}/restful/export/api/products.xml",
            rewix.base_url()
        ))
        .basic_auth(RewixSandbox::API_KEY, Some(RewixSandbox::PASSWORD))
        .query(&[("acceptedlocales", "en_US"), ("v", "TEAL")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/xml")
    );
    let body = response.text().await.unwrap();
    assert!(body.starts_with("<?xml"), "{body}");
    assert!(body.contains("<page ") && body.ends_with("</items></page>"));
    assert!(body.contains("totalNumberOfElements=\""));
    assert!(
        body.contains(
            r#"<item xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="product">"#
        ),
        "one item per product, as the real export writes it"
    );
    assert!(body.contains("<models><model>"), "a list wraps its entries");
    // The JSON export is unchanged.
    let response = http()
        .get(format!(
            "{}/restful/export/api/products.json",
            rewix.base_url()
        ))
        .basic_auth(RewixSandbox::API_KEY, Some(RewixSandbox::PASSWORD))
        .query(&[("acceptedlocales", "en_US")])
        .send()
        .await
        .unwrap();
    assert!(
        response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
}
