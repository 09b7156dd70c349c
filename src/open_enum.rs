//! Enums that stay decodable when a provider adds a value.
//!
//! Order and item statuses are open sets: providers add statuses, and the documents disagree on spellings. A
//! closed Rust enum would make a whole order fail to decode because of one new status. The specs mark such
//! enums `x-open-enum: true`, and the generator (build.rs) types the fields that use them as
//! [`OpenEnum<T>`](OpenEnum): a known value decodes into `T`, anything else is kept as it came.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value of the enum `T`, or a value the spec does not list (kept exactly as received).
///
/// ```
/// use fulfillment_apis::{OpenEnum, gooten::types::OrderItemStatus};
///
/// let known: OpenEnum<OrderItemStatus> = serde_json::from_str(r#""Shipped""#).unwrap();
/// assert_eq!(known.known(), Some(&OrderItemStatus::Shipped));
/// let new: OpenEnum<OrderItemStatus> = serde_json::from_str(r#""Teleported""#).unwrap();
/// assert_eq!(new.known(), None);
/// assert_eq!(serde_json::to_string(&new).unwrap(), r#""Teleported""#); // nothing is lost
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum OpenEnum<T> {
    /// A value the spec lists.
    Known(T),
    /// A value the spec does not list, as received.
    Unknown(serde_json::Value),
}

impl<T> OpenEnum<T> {
    /// The known value, if it is one.
    pub fn known(&self) -> Option<&T> {
        match self {
            OpenEnum::Known(value) => Some(value),
            OpenEnum::Unknown(_) => None,
        }
    }

    /// Whether the value is one the spec lists.
    pub fn is_known(&self) -> bool {
        matches!(self, OpenEnum::Known(_))
    }
}

impl<T: Eq> Eq for OpenEnum<T> {}

impl<T> From<T> for OpenEnum<T> {
    fn from(value: T) -> Self {
        OpenEnum::Known(value)
    }
}

impl<T: PartialEq> PartialEq<T> for OpenEnum<T> {
    fn eq(&self, other: &T) -> bool {
        self.known() == Some(other)
    }
}

impl<T: fmt::Display> fmt::Display for OpenEnum<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenEnum::Known(value) => value.fmt(f),
            OpenEnum::Unknown(serde_json::Value::String(text)) => f.write_str(text),
            OpenEnum::Unknown(other) => other.fmt(f),
        }
    }
}

impl<T: Serialize> Serialize for OpenEnum<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OpenEnum::Known(value) => value.serialize(serializer),
            OpenEnum::Unknown(value) => value.serialize(serializer),
        }
    }
}

impl<'de, T: for<'a> Deserialize<'a>> Deserialize<'de> for OpenEnum<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Through `Value`, not `#[serde(untagged)]`: untagged buffering mangles numbers under serde_json's
        // `arbitrary_precision` (which an application may enable), so integer enums would never match.
        let value = serde_json::Value::deserialize(deserializer)?;
        Ok(match T::deserialize(&value) {
            Ok(known) => OpenEnum::Known(known),
            Err(_) => OpenEnum::Unknown(value),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
    #[serde(try_from = "i64", into = "i64")]
    struct Code(i64);
    impl TryFrom<i64> for Code {
        type Error = String;
        fn try_from(v: i64) -> Result<Self, String> {
            [0, 5, 2000]
                .contains(&v)
                .then_some(Code(v))
                .ok_or_else(|| format!("{v} is not a known code"))
        }
    }
    impl From<Code> for i64 {
        fn from(c: Code) -> i64 {
            c.0
        }
    }

    #[test]
    fn integer_enums_decode() {
        let known: OpenEnum<Code> = serde_json::from_str("5").unwrap();
        assert_eq!(known, OpenEnum::Known(Code(5)));
        let unknown: OpenEnum<Code> = serde_json::from_str("7001").unwrap();
        assert!(!unknown.is_known());
        assert_eq!(serde_json::to_string(&unknown).unwrap(), "7001");
    }
}
