//! [`Amount`]: the exact decimal every `format: decimal` property of the specs decodes to.
//!
//! serde_json parses a number into an `f64` unless its `arbitrary_precision` feature is on, and that feature
//! cannot be switched on by a library without changing how every other crate in the application parses JSON
//! (Cargo unifies features). `Amount` instead asks serde_json for the number's text (its `raw_value` feature,
//! which changes nothing for anyone else) and parses the digits into a [`Decimal`], so `12345678901234.56`
//! arrives with all of its digits; encoding writes the same digits back as a JSON number.

use std::{fmt, ops::Deref, str::FromStr};

use rust_decimal::Decimal;
use serde::{
    Deserialize, Deserializer, Serialize, Serializer,
    de::{self, MapAccess, Visitor},
};

/// serde_json's name for a raw JSON value (`serde_json::value::RawValue`): asked for a newtype struct of this
/// name, its deserializers hand the visitor a one-entry map whose value is the value's JSON text.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// An exact decimal amount (money, weights): a [`Decimal`] that decodes from a JSON number *or* a numeric
/// string without passing through `f64`, and encodes as a JSON number with the same digits.
///
/// It dereferences to [`Decimal`] and converts from and into it, so arithmetic is one `*` or `.into()` away:
///
/// ```
/// use fulfillment_apis::Amount;
/// use rust_decimal::Decimal;
///
/// let total: Amount = serde_json::from_str("12345678901234.56").unwrap();
/// assert_eq!(total.to_string(), "12345678901234.56");
/// let price: Amount = serde_json::from_str(r#""33.26""#).unwrap(); // some clients send strings
/// assert_eq!(*price, Decimal::new(3326, 2));
/// assert_eq!(serde_json::to_string(&price).unwrap(), "33.26");
/// let doubled: Amount = (*price * Decimal::TWO).into();
/// assert_eq!(doubled, "66.52".parse::<Amount>().unwrap());
/// ```
///
/// **Exactness.** Through `serde_json::from_str`/`from_slice`/`from_reader` the digits are exact up to
/// [`Decimal`]'s 28 significant digits (more is an error, never a rounding). Deserializers that only offer an
/// `f64` — `serde_json::from_value` (a `serde_json::Value` holds an `f64` already), other formats, and
/// `#[serde(untagged)]`/`#[serde(flatten)]` content that serde buffers — give the shortest decimal that
/// reads back as that `f64`, which is the written text for up to 15 significant digits.
///
/// **Encoding.** serde_json's serializers (`to_string`, `to_vec`, `to_writer`, `to_value`) get a JSON
/// number; any other serializer gets the digits as a string (`"39.99"`), which keeps them exact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(pub Decimal);

impl Amount {
    /// Zero.
    pub const ZERO: Amount = Amount(Decimal::ZERO);

    /// The decimal value.
    pub const fn get(self) -> Decimal {
        self.0
    }

    /// Parses a JSON number's text (`-12.50`, `1e3`) or a number written in a string; exact or an error.
    fn parse(text: &str) -> Result<Amount, String> {
        text.parse()
            .map_err(|e| format!("{text:?} is not an exact decimal amount: {e}"))
    }
}

impl Deref for Amount {
    type Target = Decimal;
    fn deref(&self) -> &Decimal {
        &self.0
    }
}

impl From<Decimal> for Amount {
    fn from(value: Decimal) -> Self {
        Amount(value)
    }
}

impl From<Amount> for Decimal {
    fn from(value: Amount) -> Self {
        value.0
    }
}

macro_rules! from_integer {
    ($($ty:ty)*) => {$(
        impl From<$ty> for Amount {
            fn from(value: $ty) -> Self {
                Amount(Decimal::from(value))
            }
        }
    )*};
}
from_integer!(i8 i16 i32 i64 u8 u16 u32 u64);

impl PartialEq<Decimal> for Amount {
    fn eq(&self, other: &Decimal) -> bool {
        self.0 == *other
    }
}

impl PartialEq<Amount> for Decimal {
    fn eq(&self, other: &Amount) -> bool {
        *self == other.0
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for Amount {
    type Err = rust_decimal::Error;
    /// Parses decimal digits exactly (`"39.99"`, `"-0.5"`); scientific notation is accepted too.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text.contains(['e', 'E']) {
            Decimal::from_scientific(text).map(Amount)
        } else {
            Decimal::from_str_exact(text).map(Amount)
        }
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // serde_json writes a `RawValue` verbatim (and parses it for `to_value`); other formats would see
        // serde_json's private struct, so they get the digits as a string instead.
        if std::any::type_name::<S>().contains("serde_json::") {
            let raw = serde_json::value::RawValue::from_string(self.0.to_string())
                .map_err(serde::ser::Error::custom)?;
            raw.serialize(serializer)
        } else {
            serializer.collect_str(&self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(RAW_VALUE_TOKEN, AmountVisitor)
    }
}

/// Takes serde_json's raw text when offered, and plain numbers and strings from everything else.
struct AmountVisitor;

impl<'de> Visitor<'de> for AmountVisitor {
    type Value = Amount;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number, or a string holding one")
    }

    /// serde_json's raw value: `{RAW_VALUE_TOKEN: "<the JSON text>"}`.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Amount, A::Error> {
        match map.next_key::<RawKey>()? {
            Some(RawKey) => {}
            None => return Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
        let raw: RawText<'de> = map.next_value()?;
        let text = raw.as_str();
        if text.starts_with('"') {
            let inner: String = serde_json::from_str(text).map_err(de::Error::custom)?;
            return Amount::parse(&inner).map_err(de::Error::custom);
        }
        if !text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
            let found = text.chars().next().map_or("nothing", |c| match c {
                '{' => "an object",
                '[' => "an array",
                'n' => "null",
                _ => "a boolean",
            });
            return Err(de::Error::custom(format!(
                "invalid type: {found}, expected a decimal number, or a string holding one"
            )));
        }
        Amount::parse(text).map_err(de::Error::custom)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Amount, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Amount, E> {
        Amount::parse(value).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Amount, E> {
        Ok(Amount(Decimal::from(value)))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Amount, E> {
        Ok(Amount(Decimal::from(value)))
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<Amount, E> {
        Decimal::try_from_i128_with_scale(value, 0)
            .map(Amount)
            .map_err(E::custom)
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Amount, E> {
        if !value.is_finite() {
            return Err(E::custom("a decimal amount must be finite"));
        }
        // Rust prints the shortest decimal that reads back as this f64, without an exponent.
        Amount::parse(&value.to_string()).map_err(E::custom)
    }
}

/// The raw-value map's only key.
struct RawKey;

impl<'de> Deserialize<'de> for RawKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = RawKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("serde_json's raw value key")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<RawKey, E> {
                if key == RAW_VALUE_TOKEN {
                    Ok(RawKey)
                } else {
                    Err(E::custom("expected a decimal number, found an object"))
                }
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// The raw JSON text, borrowed from the input when it can be (`from_slice`, `from_str`).
enum RawText<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl RawText<'_> {
    fn as_str(&self) -> &str {
        match self {
            RawText::Borrowed(text) => text,
            RawText::Owned(text) => text,
        }
    }
}

impl<'de> Deserialize<'de> for RawText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = RawText<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the raw text of a JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<RawText<'de>, E> {
                Ok(RawText::Borrowed(text))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<RawText<'de>, E> {
                Ok(RawText::Owned(text.to_owned()))
            }
            fn visit_string<E: de::Error>(self, text: String) -> Result<RawText<'de>, E> {
                Ok(RawText::Owned(text))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

#[cfg(test)]
#[path = "amount_tests.rs"]
pub(crate) mod tests;
