//! The case-insensitive decoder: both passes, exact matches, errors, amounts, and the envelope watch.
use serde::Deserialize;

#[derive(Debug, Deserialize, PartialEq, Clone)]
struct Line {
    #[serde(rename = "Sku")]
    sku: String,
    #[serde(rename = "Quantity")]
    quantity: i32,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Page {
    #[serde(rename = "PreconfiguredProducts", default)]
    products: Vec<Line>,
    #[serde(rename = "Meta", default)]
    meta: std::collections::BTreeMap<String, String>,
    #[serde(rename = "Next")]
    next: Option<Box<Page>>,
}

#[test]
fn nested_property_names_match_ignoring_case() {
    let json =
        br#"{"PreConfiguredProducts":[{"SKU":"A-1","quantity":2},{"sku":"B\u002d2","QUANTITY":1}],
        "META":{"KeepMyCase":"x"},"next":{"preconfiguredproducts":[{"Sku":"C","Quantity":3}]}}"#;
    let page: Page = super::from_slice(json).unwrap();
    assert_eq!(page.products.len(), 2);
    assert_eq!(page.products[1].sku, "B-2");
    assert_eq!(page.products[0].quantity, 2);
    assert_eq!(page.meta.get("KeepMyCase").map(String::as_str), Some("x"));
    assert_eq!(page.next.unwrap().products[0].sku, "C");
    // Exact decoding drops the list silently: the failure this module exists for.
    let exact: Page = serde_json::from_slice(json).unwrap();
    assert!(exact.products.is_empty());
}

/// Both passes agree: names as the spec spells them decode in the first pass, names in another case (at
/// any depth, in escaped keys too) make the second pass map them, and the value is the same either way.
#[test]
fn the_exact_first_pass_and_the_mapping_pass_agree() {
    let spelled = br#"{"PreconfiguredProducts":[{"Sku":"A","Quantity":1}],"Meta":{"k":"v"},
        "Next":{"PreconfiguredProducts":[{"Sku":"B","Quantity":2}]}}"#;
    let exact: Page = super::decode::<Page, true>(spelled).unwrap();
    assert_eq!(exact, super::decode::<Page, false>(spelled).unwrap());
    assert_eq!(exact, super::from_slice::<Page>(spelled).unwrap());
    for differently in [
        &br#"{"PreconfiguredProducts":[{"Sku":"A","Quantity":1}],"Meta":{"k":"v"},
            "Next":{"PreconfiguredProducts":[{"SKU":"B","Quantity":2}]}}"#[..],
        br#"{"preconfiguredproducts":[{"Sku":"A","Quantity":1}],"Meta":{"k":"v"},
            "Next":{"PreconfiguredProducts":[{"Sku":"B","Quantity":2}]}}"#,
        br#"{"PreconfiguredProducts":[{"Sku":"A","Quantity":1}],"Meta":{"k":"v"},
            "Next":{"PreconfiguredProducts":[{"Sku":"B","Quantity":2}],"nExt":null}}"#,
    ] {
        let first = super::decode::<Page, true>(differently).unwrap_err();
        assert!(first.to_string().starts_with(super::REDO), "{first}");
        let mapped: Page = super::from_slice(differently).unwrap();
        assert_eq!(mapped.products, exact.products);
    }
    // A property the type does not have at all, in any case, is skipped in the first pass.
    let extra = br#"{"PreconfiguredProducts":[],"Unknown":{"Sku":1},"Next":null}"#;
    assert!(super::decode::<Page, true>(extra).is_ok());
}

#[test]
fn an_exact_match_wins_and_errors_still_surface() {
    #[derive(Debug, Deserialize)]
    struct Both {
        #[serde(rename = "Id")]
        id: i64,
        #[serde(rename = "ID")]
        upper: Option<i64>,
    }
    let both: Both = super::from_slice(br#"{"ID":2,"Id":1}"#).unwrap();
    assert_eq!((both.id, both.upper), (1, Some(2)));
    assert!(super::from_slice::<Line>(br#"{"sku":"A","quantity":"x"}"#).is_err());
    assert!(super::from_slice::<Line>(br#"{"sku":"A","quantity":1} trailing"#).is_err());
}

/// serde_json's raw-value token passes through the wrapper, so amounts stay exact in Gooten answers:
/// the property test of `crate::amount`, through `from_slice` here.
#[test]
fn amounts_keep_their_digits_through_the_wrapper() {
    use crate::amount::tests::{Line, random_decimal};
    let mut rng = fastrand::Rng::with_seed(0x13_1313);
    for case in 0..5_000 {
        let text = random_decimal(&mut rng);
        let body = format!(r#"{{"PRICE": {text}, "total": "{text}"}}"#);
        let line: Line = super::from_slice(body.as_bytes()).unwrap();
        let expected: rust_decimal::Decimal = text.parse().unwrap();
        assert_eq!(line.price, expected, "case {case}: {text}");
        assert_eq!(line.total.unwrap(), expected, "case {case}: {text}");
        assert_eq!(line.price.to_string(), text, "case {case}");
    }
    let line: Line = super::from_slice(br#"{"price": 12345678901234.56}"#).unwrap();
    assert_eq!(
        serde_json::to_string(&line).unwrap(),
        r#"{"Price":12345678901234.56}"#
    );
}
