//! Issue 12, the XML wire format: the provider document's XML examples round-trip exactly through the client's
//! types, and a client built with `WireFormat::Xml` really speaks XML on the wire.
#![cfg(feature = "rewix")]

use std::{fs, path::PathBuf};

use fulfillment_apis::{
    Secret,
    rewix::{self, WireFormat, XmlDocument, types},
};
use quick_xml::{Reader, XmlVersion, events::Event};

const V1: XmlVersion = XmlVersion::Implicit1_0;

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real/rewix")
        .join(name);
    fs::read_to_string(path).unwrap()
}

/// The document as a list of events, modulo insignificant whitespace: text trimmed (whitespace-only text
/// dropped), entity references resolved, `<a/>` the same as `<a></a>`, attributes sorted (their order carries
/// no meaning in XML).
fn canonical(text: &str) -> Vec<String> {
    let mut reader = Reader::from_str(text);
    let mut out = Vec::new();
    let mut pending = String::new();
    let flush = |pending: &mut String, out: &mut Vec<String>| {
        let t = pending.trim();
        if !t.is_empty() {
            out.push(format!("text {t}"));
        }
        pending.clear();
    };
    let start = |e: &quick_xml::events::BytesStart| {
        let mut attrs: Vec<String> = e
            .attributes()
            .map(|a| {
                let a = a.unwrap();
                let key = a.key.as_ref().to_string();
                format!("{key}={}", a.normalized_value(V1).unwrap())
            })
            .collect();
        attrs.sort();
        format!("<{} {}>", e.name().as_ref(), attrs.join(" "))
    };
    loop {
        let event = reader.read_event().unwrap();
        if !matches!(event, Event::Text(_) | Event::GeneralRef(_)) {
            flush(&mut pending, &mut out);
        }
        match event {
            Event::Eof => break,
            Event::Decl(d) => out.push(format!(
                "decl {:?} {:?} {:?}",
                d.version().unwrap(),
                d.encoding().map(|e| e.unwrap()),
                d.standalone().map(|s| s.unwrap())
            )),
            Event::Start(e) => out.push(start(&e)),
            Event::Empty(e) => {
                out.push(start(&e));
                out.push(format!("</{}>", e.name().as_ref()));
            }
            Event::End(e) => out.push(format!("</{}>", e.name().as_ref())),
            Event::Text(t) => pending.push_str(&t.xml_content(V1)),
            Event::GeneralRef(r) => {
                let name = r.xml_content(V1);
                pending.push_str(match name.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("unexpected entity {other}"),
                });
            }
            other => out.push(format!("{other:?}")),
        }
    }
    out
}

fn round_trip<T: XmlDocument>(name: &str) -> T {
    let original = fixture(name);
    let value = T::from_xml(&original).unwrap_or_else(|e| panic!("{name}: {e}"));
    let written = value.to_xml().unwrap();
    assert_eq!(
        canonical(&written),
        canonical(&original),
        "{name} did not round-trip:\n{written}"
    );
    value
}

#[test]
fn the_documents_order_request_round_trips_exactly() {
    let request: types::DropshippingOrderRequest =
        round_trip("sendDropshippingOrder.request.rewixdocs.xml");
    let order = &request.order_list[0];
    assert_eq!(order.key, "2345");
    assert_eq!(order.carrier_id.as_deref(), Some("20"));
    assert_eq!(order.recipient_details.careof.as_deref(), Some(""));
    assert_eq!(order.item_list[1].quantity, "15");
    assert_eq!(
        order.auto_confirm,
        Some(types::DropshippingOrderAutoConfirm::True)
    );
}

#[test]
fn the_documents_order_response_round_trips_exactly() {
    let response: types::DropshippingOrderResponse =
        round_trip("sendDropshippingOrder.response.rewixdocs.xml");
    assert_eq!(response.order_id, Some(1000));
    assert_eq!(response.models[0].stock_id, 148148);
    assert_eq!(response.models[0].available, 5);
}

/// The other verbatim provider examples round-trip too.
#[test]
fn the_other_documented_examples_round_trip() {
    let reservation: types::ReservationRequest = round_trip("reserveStock.request.rewixdocs.xml");
    assert_eq!(reservation.operations.len(), 3);
    let status: types::Reservation = round_trip("getReservationStatus.response.rewixdocs.xml");
    assert_eq!(status.models.len(), 6);
    let orders: types::OrderStatusList = round_trip("getOrdersByClientKey.response.rewixdocs.xml");
    // parsedDate is an xsd:dateTime in XML; the type keeps epoch milliseconds, as in JSON.
    assert_eq!(orders.orders[0].parsed_date, Some(1_527_243_637_000));
    assert_eq!(orders.orders[0].status.to_string(), "3002 READY");
    let ret: types::ReturnRequest = round_trip("requestReturn.request.rewixdocs.xml");
    assert_eq!(ret.returned_good_request_item.len(), 3);
    let answer: types::OperationResponse = round_trip("requestReturn.response.rewixdocs.xml");
    assert!(answer.status);
    let rows: types::ReturnedGoods = round_trip("getReturnsByClientKey.response.rewixdocs.xml");
    assert!(rows.returned_good_request_item[0].is_authorized());
}

#[tokio::test]
async fn an_xml_client_sends_and_reads_xml() {
    use httpmock::prelude::*;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/restful/ghost/orders/0/dropshipping")
                .header("content-type", "application/xml")
                .header("accept", "application/xml")
                .body_includes("<order_list><order><key>2345</key>");
            then.status(200)
                .header("content-type", "application/xml")
                .body(fixture("sendDropshippingOrder.response.rewixdocs.xml"));
        })
        .await;
    let client = rewix::Client::builder(Secret::new("key"), Secret::new("password"))
        .with_environment(rewix::Environment::Custom(server.base_url()))
        .with_wire_format(WireFormat::Xml)
        .build()
        .unwrap();
    assert_eq!(client.wire_format(), WireFormat::Xml);
    let recipient = rewix::Recipient::new(
        "ACME srl",
        rewix::Address::from(rewix::AddressFields {
            street_name: "Roma",
            address_number: "1",
            zip: "10100",
            city: "TORINO",
            province: "TO",
            country_code: "IT",
        }),
        rewix::Phone::new("+39", "0112838474"),
    );
    let order = rewix::DropshippingOrder::new("2345", rewix::OrderDate::now(), None, recipient)
        .add_item(148148, 10);
    let sent = client.send_order(&order).await.unwrap();
    mock.assert_async().await;
    assert_eq!(sent.order_id, Some(1000));
    assert!(sent.is_complete());
}

/// Parse, write, parse again: the two values are equal, and the written document is the original modulo
/// insignificant whitespace.
fn spec_round_trip<T: XmlDocument + serde::Serialize>(at: &str, document: &str) {
    let value = T::from_xml(document).unwrap_or_else(|e| panic!("{at}: {e}"));
    let written = value.to_xml().unwrap();
    let again = T::from_xml(&written).unwrap_or_else(|e| panic!("{at}, written again: {e}"));
    assert_eq!(
        serde_json::to_value(&again).unwrap(),
        serde_json::to_value(&value).unwrap(),
        "{at}: the value changed on the way back"
    );
    assert_eq!(
        canonical(&written),
        canonical(document),
        "{at} did not round-trip:\n{written}"
    );
}

/// Every `application/xml` example of `spec/rewix.yaml` is a literal XML document, and each round-trips
/// through the client's type for its schema.
#[test]
fn the_specs_xml_examples_are_literal_documents_that_round_trip() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("spec/rewix.yaml");
    let spec: serde_json::Value =
        serde_norway::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    let mut seen = Vec::new();
    let mut media = Vec::new();
    for (route, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let at = format!("{method} {route}");
            if let Some(content) = operation["requestBody"]["content"].as_object() {
                media.push((format!("{at} request"), content.clone()));
            }
            for (status, response) in operation["responses"].as_object().into_iter().flatten() {
                if let Some(content) = response["content"].as_object() {
                    media.push((format!("{at} {status}"), content.clone()));
                }
            }
        }
    }
    for (at, content) in media {
        let Some(xml) = content.get("application/xml") else {
            continue;
        };
        let Some(example) = xml.get("example") else {
            continue;
        };
        let document = example
            .as_str()
            .unwrap_or_else(|| panic!("{at}: the XML example is not a literal document"));
        assert!(document.starts_with("<?xml"), "{at}: not an XML document");
        let schema = xml["schema"]["$ref"].as_str().unwrap();
        let name = schema.rsplit('/').next().unwrap();
        match name {
            "DropshippingOrderRequest" => {
                spec_round_trip::<types::DropshippingOrderRequest>(&at, document)
            }
            "DropshippingOrderResponse" => {
                spec_round_trip::<types::DropshippingOrderResponse>(&at, document)
            }
            "ReservationRequest" => spec_round_trip::<types::ReservationRequest>(&at, document),
            "Reservation" => spec_round_trip::<types::Reservation>(&at, document),
            "OrderStatusList" => spec_round_trip::<types::OrderStatusList>(&at, document),
            "ReturnRequest" => spec_round_trip::<types::ReturnRequest>(&at, document),
            "OperationResponse" => spec_round_trip::<types::OperationResponse>(&at, document),
            "ReturnedGoods" => spec_round_trip::<types::ReturnedGoods>(&at, document),
            "Carriers" => spec_round_trip::<types::Carriers>(&at, document),
            "ProductPage" => spec_round_trip::<types::ProductPage>(&at, document),
            other => panic!("{at}: no XML type for {other}"),
        }
        seen.push(at);
    }
    // The order request and answer, the reservation request, the reservation after reserveStock and its
    // status, the orders by client key and by server key, the return request, the carriers and the catalog.
    assert_eq!(seen.len(), 10, "{seen:#?}");
}
