//! A stand-in for an application that depends on `fulfillment-apis`.
//!
//! Cargo unifies features: if the library switched on serde_json's `arbitrary_precision`, this crate's own
//! types would decode differently (numbers inside `#[serde(untagged)]` and `#[serde(flatten)]` become maps).
//! The tests below fail when that happens; `.ci/run` runs them as part of `cargo test --workspace`.

use serde::Deserialize;

/// A user's amount that is either a number or a string.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum UserAmount {
    /// A JSON number.
    Num(f64),
    /// A JSON string.
    Text(String),
}

/// A user's flattened pair of structs with an `f64`.
#[derive(Debug, Deserialize, PartialEq)]
pub struct Outer {
    /// A field of the outer struct.
    pub id: u32,
    /// The flattened inner struct.
    #[serde(flatten)]
    pub inner: Inner,
}

/// The inner struct of [`Outer`].
#[derive(Debug, Deserialize, PartialEq)]
pub struct Inner {
    /// A floating-point field.
    pub weight: f64,
}

/// Decodes an order total with the library, so the library is really linked (not pruned as unused).
pub fn library_total(json: &str) -> String {
    let amount: fulfillment_apis::Amount = serde_json::from_str(json).expect("an amount");
    amount.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untagged_enum_decodes_a_number() {
        let amount: UserAmount = serde_json::from_str("12.5").unwrap();
        assert_eq!(amount, UserAmount::Num(12.5));
        let amount: UserAmount = serde_json::from_str(r#""12.5""#).unwrap();
        assert_eq!(amount, UserAmount::Text("12.5".into()));
    }

    #[test]
    fn flatten_over_a_struct_with_an_f64_decodes() {
        let outer: Outer = serde_json::from_str(r#"{"id": 7, "weight": 1.25}"#).unwrap();
        assert_eq!(
            outer,
            Outer {
                id: 7,
                inner: Inner { weight: 1.25 }
            }
        );
    }

    #[test]
    fn the_library_keeps_money_exact_alongside() {
        assert_eq!(library_total("12345678901234.56"), "12345678901234.56");
    }
}
