//! Tests of [`Amount`](super::Amount): exact decoding by every route the crate uses, and back.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::Amount;

/// A Gooten-like object with a required and an optional amount.
#[derive(Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Line {
    pub price: Amount,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Amount>,
}

/// A random decimal of 1 to 18 significant digits and 0 to 4 decimal places, either sign, as text.
pub(crate) fn random_decimal(rng: &mut fastrand::Rng) -> String {
    let digits = rng.u32(1..=18);
    let mantissa = rng.i64(0..10_i64.pow(digits));
    let mantissa = if rng.bool() { -mantissa } else { mantissa };
    Decimal::new(mantissa, rng.u32(0..=4)).to_string()
}

/// Property: every decimal of up to 18 significant digits and 4 decimal places decodes exactly, through
/// serde_json (borrowed and from a reader) and from a string, and encodes to the same text. The runtime's
/// case-insensitive wrapper has the same property test in its own module.
#[test]
fn decimals_round_trip_exactly() {
    let seed = std::env::var("AMOUNT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x13_2026);
    let mut rng = fastrand::Rng::with_seed(seed);
    for case in 0..20_000 {
        let text = random_decimal(&mut rng);
        let expected: Decimal = text.parse().unwrap();
        let context = format!("case {case} (seed {seed}): {text}");

        let amount: Amount = serde_json::from_str(&text).expect(&context);
        assert_eq!(amount.0, expected, "{context}");
        assert_eq!(serde_json::to_string(&amount).unwrap(), text, "{context}");

        let quoted: Amount = serde_json::from_str(&format!("\"{text}\"")).expect(&context);
        assert_eq!(quoted.0, expected, "{context}");

        let body = format!(r#"{{"Price": {text}, "Total": {text}}}"#);
        let line: Line = serde_json::from_reader(body.as_bytes()).expect(&context);
        assert_eq!(
            (line.price.0, line.total.unwrap().0),
            (expected, expected),
            "{context}"
        );
        let encoded = serde_json::to_string(&line).unwrap();
        assert_eq!(
            encoded,
            format!(r#"{{"Price":{text},"Total":{text}}}"#),
            "{context}"
        );
    }
}

#[test]
fn gooten_prices_stay_exact() {
    for text in [
        "39.99",
        "12345678901234.56",
        "0.10",
        "-5.5",
        "100",
        "74",
        "123456789012345678.9012",
    ] {
        let amount: Amount = serde_json::from_str(text).unwrap();
        assert_eq!(amount.to_string(), text);
        assert_eq!(serde_json::to_string(&amount).unwrap(), text);
    }
    // Scientific notation, whitespace inside a string.
    assert_eq!(
        serde_json::from_str::<Amount>("1.5e3").unwrap(),
        Amount::from(1500)
    );
    assert_eq!(
        serde_json::from_str::<Amount>(r#"" 33.26 ""#)
            .unwrap()
            .to_string(),
        "33.26"
    );
}

/// `serde_json::Value` holds an f64 without `arbitrary_precision`: up to 15 digits come back as written.
#[test]
fn from_value_gives_the_shortest_decimal() {
    let value = serde_json::json!({"Price": 39.99, "Total": 1234567890123.45});
    let line: Line = serde_json::from_value(value).unwrap();
    assert_eq!(line.price.to_string(), "39.99");
    assert_eq!(line.total.unwrap().to_string(), "1234567890123.45");
    let value = serde_json::to_value(&line).unwrap();
    assert_eq!(
        value,
        serde_json::json!({"Price": 39.99, "Total": 1234567890123.45})
    );
    let line: Line =
        serde_json::from_value(serde_json::json!({"Price": "7.10", "Total": 3})).unwrap();
    assert_eq!(
        (line.price.to_string(), line.total.unwrap()),
        ("7.10".into(), Amount::from(3))
    );
}

#[test]
fn non_numbers_and_inexact_numbers_are_errors() {
    for bad in [
        "null",
        "true",
        "{}",
        r#"{"a":1}"#,
        "[1]",
        r#""abc""#,
        r#""""#,
        "1234567890123456789012345678901.5",
    ] {
        let err = serde_json::from_str::<Amount>(bad).unwrap_err();
        assert!(!err.to_string().is_empty(), "{bad}");
    }
    let err = serde_json::from_str::<Line>(r#"{"Price": null}"#).unwrap_err();
    assert!(err.to_string().contains("null"), "{err}");
    // Optional amounts still take null.
    let line: Line = serde_json::from_str(r#"{"Price": 1, "Total": null}"#).unwrap();
    assert_eq!(line.total, None);
}

/// Formats other than JSON get the digits as a string, and read them back.
#[test]
fn other_formats_get_a_string() {
    let amount: Amount = "12345678901234.56".parse().unwrap();
    let yaml = serde_norway::to_string(&amount).unwrap();
    assert_eq!(yaml.trim(), "'12345678901234.56'");
    assert_eq!(serde_norway::from_str::<Amount>(&yaml).unwrap(), amount);
    assert_eq!(
        serde_norway::from_str::<Amount>("39.99")
            .unwrap()
            .to_string(),
        "39.99"
    );
}

#[test]
fn conversions() {
    let amount = Amount::from(Decimal::new(3999, 2));
    assert_eq!(amount, Decimal::new(3999, 2));
    assert_eq!(Decimal::from(amount), Decimal::new(3999, 2));
    assert!(amount.is_sign_positive());
    assert_eq!(Amount::default(), Amount::ZERO);
    assert!(Amount::from(2) > amount.get().round_dp(0).into() || amount < Amount::from(41));
}
