//! Issue 10: the Rewix payloads real clients send and receive (`tests/fixtures/real/rewix/`, sources in its
//! `SOURCES.md`). The JSON payloads of operations the spec has decode into their generated types; every other
//! payload (operations the spec lacks) is listed in `SOURCES.md` under "Refused for now"
//! with its reason, and the test checks that the list matches the directory, so nothing is skipped silently.
//! Since issue 12 the XML payloads of the ghost calls and of the catalog export decode through the client's XML
//! documents ([`XmlDocument`]), and the XML requests are sent to the sandbox, which accepts them.
#![cfg(feature = "rewix")]

mod support;

use std::{collections::BTreeMap, fs, path::PathBuf};

use fulfillment_apis::rewix::{XmlDocument, types};
use serde_json::Value;

const OPERATOR_SIDE: &str = "operator-side call, not a ghost call; not in the spec";
const NOT_IN_SPEC: &str = "not in the spec yet (issue 11)";

fn dir() -> PathBuf {
    support::fixtures::real_dir("rewix")
}

/// `| file | reason |` rows of the "Refused for now" section of SOURCES.md.
fn refused_in_sources() -> BTreeMap<String, String> {
    support::fixtures::refused_in_sources("rewix", &[".xml", ".json"])
        .into_iter()
        .collect()
}

fn files() -> Vec<String> {
    let mut out: Vec<String> = fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name != "SOURCES.md")
        .collect();
    out.sort();
    out
}

/// Decodes a JSON payload into the generated type of its operation; `None` when the spec has no such
/// operation.
fn decode(name: &str, value: Value) -> Option<Result<(), String>> {
    let op = name.split('.').next().unwrap();
    let kind = name.split('.').nth(1).unwrap();
    let result = match (op, kind) {
        ("getOrdersByClientKey" | "getOrdersByServerKey", "response") => {
            serde_json::from_value::<types::OrderStatusList>(value).map(drop)
        }
        ("reserveStock", "request") => {
            serde_json::from_value::<types::ReservationRequest>(value).map(drop)
        }
        ("reserveStock" | "getReservationStatus", "response") => {
            serde_json::from_value::<types::Reservation>(value).map(drop)
        }
        ("sendDropshippingOrder", "request") => {
            serde_json::from_value::<types::DropshippingOrderRequest>(value).map(drop)
        }
        ("sendDropshippingOrder", "response") => {
            serde_json::from_value::<types::DropshippingOrderResponse>(value).map(drop)
        }
        ("listCarriers", "response") => serde_json::from_value::<types::Carriers>(value).map(drop),
        ("exportProducts", "response") => {
            serde_json::from_value::<types::ProductPage>(value).map(drop)
        }
        _ => return None,
    };
    Some(result.map_err(|e| format!("{name}: {e}")))
}

/// Decodes an XML payload into the client's XML document of its operation; `None` when there is none.
fn decode_xml(name: &str, text: &str) -> Option<Result<(), String>> {
    let op = name.split('.').next().unwrap();
    let kind = name.split('.').nth(1).unwrap();
    let text = support::fixtures::fill(text, 148148, "FX-1");
    let result = match (op, kind) {
        ("sendDropshippingOrder", "request") => {
            types::DropshippingOrderRequest::from_xml(&text).map(drop)
        }
        ("sendDropshippingOrder", "response") => {
            types::DropshippingOrderResponse::from_xml(&text).map(drop)
        }
        ("reserveStock", "request") => types::ReservationRequest::from_xml(&text).map(drop),
        ("getReservationStatus", "response") => types::Reservation::from_xml(&text).map(drop),
        ("getOrdersByClientKey" | "getOrdersByServerKey", "response") => {
            types::OrderStatusList::from_xml(&text).map(drop)
        }
        ("listCarriers", "response") => types::Carriers::from_xml(&text).map(drop),
        ("exportLocales" | "exportTags", "response") => {
            types::ExportValues::from_xml(&text).map(drop)
        }
        ("requestReturn", "request") => types::ReturnRequest::from_xml(&text).map(drop),
        ("requestReturn", "response") => types::OperationResponse::from_xml(&text).map(drop),
        ("getReturnsByClientKey", "response") => types::ReturnedGoods::from_xml(&text).map(drop),
        ("exportProducts", "response") => types::ProductPage::from_xml(&text).map(drop),
        _ => return None,
    };
    Some(result.map_err(|e| format!("{name}: {e}")))
}

#[test]
fn every_json_payload_decodes_and_everything_else_is_listed_with_its_reason() {
    let refused = refused_in_sources();
    let mut decoded = Vec::new();
    let mut decoded_xml = Vec::new();
    let mut expected_refused = BTreeMap::new();
    for name in files() {
        if name.ends_with(".xml") {
            let text = fs::read_to_string(dir().join(&name)).unwrap();
            match decode_xml(&name, &text) {
                Some(result) => {
                    result.unwrap();
                    decoded_xml.push(name);
                }
                None => {
                    expected_refused.insert(name, OPERATOR_SIDE.to_string());
                }
            }
            continue;
        }
        assert!(name.ends_with(".json"), "{name}: unknown payload kind");
        let value: Value =
            serde_json::from_str(&fs::read_to_string(dir().join(&name)).unwrap()).unwrap();
        match decode(&name, value) {
            Some(result) => {
                result.unwrap();
                decoded.push(name);
            }
            None => {
                expected_refused.insert(name, NOT_IN_SPEC.to_string());
            }
        }
    }
    assert_eq!(
        decoded,
        [
            "exportProducts.response.bdroppy.json",
            "exportProducts.response.rewix-shopify-sync.json",
            "getOrdersByClientKey.response.rewixdocs.json",
            "reserveStock.request.rewixdocs.json"
        ]
    );
    assert_eq!(decoded_xml.len(), 24, "{decoded_xml:#?}");
    assert_eq!(refused, expected_refused);
}

/// The documented JSON answer keeps the epoch-millisecond `parsedDate` and a null `substatus`.
#[test]
fn the_documented_order_status_answer_keeps_its_values() {
    let value: Value = serde_json::from_str(
        &fs::read_to_string(dir().join("getOrdersByClientKey.response.rewixdocs.json")).unwrap(),
    )
    .unwrap();
    let list: types::OrderStatusList = serde_json::from_value(value.clone()).unwrap();
    let back = serde_json::to_value(&list).unwrap();
    assert_eq!(
        back.pointer("/orders/0/parsedDate"),
        value.pointer("/orders/0/parsedDate")
    );
}

/// Every XML request of the corpus, its placeholders filled, is sent as it is (the bytes of the document, with
/// `Content-Type: application/xml`) to the sandbox, which accepts it. The stock ids it names are made available
/// first; the return request's `orderId` is rewritten to an order the sandbox has.
#[cfg(feature = "sandbox")]
#[tokio::test]
async fn every_xml_request_is_accepted_by_the_sandbox() {
    use fulfillment_apis::sandbox::RewixSandbox;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let sandbox = RewixSandbox::start().await.unwrap();
    let http = reqwest::Client::new();
    let post = |path: &str, body: String| {
        http.post(format!("{}{path}", sandbox.base_url()))
            .basic_auth(RewixSandbox::API_KEY, Some(RewixSandbox::PASSWORD))
            .header("content-type", "application/xml")
            .header("accept", "application/xml")
            .body(body)
            .send()
    };
    let mut sent = Vec::new();
    for (n, name) in files().into_iter().enumerate() {
        let path = match name.split('.').next().unwrap() {
            _ if !name.contains(".request.") || !name.ends_with(".xml") => continue,
            "sendDropshippingOrder" => "/restful/ghost/orders/0/dropshipping",
            "reserveStock" => "/restful/ghost/orders/sold",
            "requestReturn" => "/restful/ghost/returnedgoods/request/new",
            _ => continue,
        };
        let mut text = support::fixtures::fill(
            &fs::read_to_string(dir().join(&name)).unwrap(),
            148148,
            &format!("FX-{n}"),
        );
        let ids: Vec<i64> = if name.starts_with("sendDropshippingOrder") {
            types::DropshippingOrderRequest::from_xml(&text)
                .unwrap()
                .order_list[0]
                .item_list
                .iter()
                .map(|i| i.stock_id.parse().unwrap())
                .collect()
        } else if name.starts_with("reserveStock") {
            types::ReservationRequest::from_xml(&text)
                .unwrap()
                .operations
                .iter()
                .flat_map(|o| &o.models)
                .map(|m| m.stock_id.parse().unwrap())
                .collect()
        } else {
            let request = types::ReturnRequest::from_xml(&text).unwrap();
            let ids: Vec<i64> = request
                .returned_good_request_item
                .iter()
                .map(|i| i.stock_model_id)
                .collect();
            for id in &ids {
                sandbox.set_available(*id, 100);
            }
            // An order holding enough units of each model, so the return can be accepted.
            let items: String = ids
                .iter()
                .map(|id| format!("<item><stock_id>{id}</stock_id><quantity>5</quantity></item>"))
                .collect();
            let order = support::fixtures::fill(
                &fs::read_to_string(dir().join("sendDropshippingOrder.request.brandssync.xml"))
                    .unwrap(),
                148148,
                "FX-return",
            )
            .replace(
                "<item><stock_id>148148</stock_id><quantity>1</quantity></item>",
                &items,
            );
            let answer = post("/restful/ghost/orders/0/dropshipping", order)
                .await
                .unwrap();
            assert!(answer.status().is_success());
            let created =
                types::DropshippingOrderResponse::from_xml(&answer.text().await.unwrap()).unwrap();
            text = text.replace(
                &format!("orderId=\"{}\"", request.order_id),
                &format!("orderId=\"{}\"", created.order_id.unwrap()),
            );
            ids
        };
        for id in ids {
            sandbox.set_available(id, sandbox.stock(id).map_or(0, |s| s.available).max(100));
        }
        let answer = post(path, text).await.unwrap();
        let status = answer.status();
        let body = answer.text().await.unwrap();
        assert!(status.is_success(), "{name}: {status} {body}");
        assert!(body.starts_with("<?xml"), "{name}: {body}");
        if name.starts_with("requestReturn") {
            let answer = types::OperationResponse::from_xml(&body).unwrap();
            assert!(answer.status, "{name}: {body}");
        }
        sent.push(name);
    }
    assert_eq!(sent.len(), 11, "{sent:#?}");
    assert_eq!(
        sandbox.orders_with_key("2345"),
        1,
        "the document's own example"
    );
}
