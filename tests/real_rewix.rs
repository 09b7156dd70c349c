//! Issue 10: the Rewix payloads real clients send and receive (`tests/fixtures/real/rewix/`, sources in its
//! `SOURCES.md`). The JSON payloads of operations the spec has decode into their generated types; every other
//! payload (the XML wire format, operations the spec lacks) is listed in `SOURCES.md` under "Refused for now"
//! with its reason, and the test checks that the list matches the directory, so nothing is skipped silently.

use std::{collections::BTreeMap, fs, path::PathBuf};

use fulfillment_apis::rewix::generated::types;
use serde_json::Value;

const XML: &str = "XML wire format not implemented yet (issue 12)";
const NOT_IN_SPEC: &str = "not in the spec yet (issue 11)";

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real/rewix")
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

/// `| file | reason |` rows of the "Refused for now" section of SOURCES.md.
fn refused_in_sources() -> BTreeMap<String, String> {
    let text = fs::read_to_string(dir().join("SOURCES.md")).unwrap();
    let section = text
        .split("## Refused for now")
        .nth(1)
        .expect("SOURCES.md has a \"Refused for now\" section");
    section
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let file = cells.get(1)?.trim_matches('`');
            (cells.len() >= 4 && (file.ends_with(".xml") || file.ends_with(".json")))
                .then(|| (file.to_string(), cells[2].to_string()))
        })
        .collect()
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

#[test]
fn every_json_payload_decodes_and_everything_else_is_listed_with_its_reason() {
    let refused = refused_in_sources();
    let mut decoded = Vec::new();
    let mut expected_refused = BTreeMap::new();
    for name in files() {
        if name.ends_with(".xml") {
            expected_refused.insert(name, XML.to_string());
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
