//! Enums that stay decodable when a provider adds a value.
//!
//! Order and item statuses are open sets: providers add statuses, and the documents disagree on spellings. A
//! closed Rust enum would make a whole order fail to decode because of one new status. The specs mark such
//! enums `x-open-enum: true`, and the generator (build.rs) types the fields that use them as
//! [`OpenEnum<T>`](OpenEnum): a known value decodes into `T`, anything else is kept as it came.

use std::{fmt, marker::PhantomData};

use serde::{
    Deserialize, Deserializer, Serialize, Serializer,
    de::{self, Visitor, value::StrDeserializer},
};

/// A value of the enum `T`, or a value the spec does not list (kept exactly as received).
///
/// The generated types use it for provider statuses (for example Gooten's `OrderItemStatus`):
///
/// ```
/// use fulfillment_apis::OpenEnum;
/// # #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
/// # enum OrderItemStatus { Shipped }
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
        // Not `#[serde(untagged)]`: untagged buffering mangles numbers under serde_json's `arbitrary_precision`
        // (which an application may enable), so integer enums would never match.
        deserializer.deserialize_any(OpenEnumVisitor(PhantomData))
    }
}

/// Decodes a string straight into `T` (a status is nearly always a string `T` knows, and then nothing is
/// allocated); any other value through a `serde_json::Value`, which keeps it exactly when `T` does not know it.
struct OpenEnumVisitor<T>(PhantomData<fn() -> T>);

impl<T: for<'a> Deserialize<'a>> OpenEnumVisitor<T> {
    fn text(text: &str, owned: impl FnOnce() -> String) -> OpenEnum<T> {
        match T::deserialize(StrDeserializer::<de::value::Error>::new(text)) {
            Ok(known) => OpenEnum::Known(known),
            Err(_) => OpenEnum::Unknown(serde_json::Value::String(owned())),
        }
    }

    fn value(value: serde_json::Value) -> OpenEnum<T> {
        match T::deserialize(&value) {
            Ok(known) => OpenEnum::Known(known),
            Err(_) => OpenEnum::Unknown(value),
        }
    }
}

impl<'de, T: for<'a> Deserialize<'a>> Visitor<'de> for OpenEnumVisitor<T> {
    type Value = OpenEnum<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Self::text(text, || text.to_owned()))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
        let known = Self::text(&text, String::new);
        Ok(match known {
            OpenEnum::Unknown(_) => OpenEnum::Unknown(serde_json::Value::String(text)),
            known => known,
        })
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
        Ok(Self::value(value.into()))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Self::value(value.into()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(Self::value(value.into()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        Ok(Self::value(value.into()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Self::value(serde_json::Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        serde_json::Value::deserialize(deserializer).map(Self::value)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Self::value)
    }

    /// An object, or a number under `arbitrary_precision` (which `Value` reads back from its map form).
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map)).map(Self::value)
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

    #[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
    enum Status {
        Shipped,
        #[serde(rename = "In Production")]
        InProduction,
    }

    /// The way it decoded before strings went straight into `T`: every value through a `Value`.
    fn through_value<T: for<'a> Deserialize<'a>>(json: &str) -> Option<OpenEnum<T>> {
        let value: serde_json::Value = serde_json::from_str(json).ok()?;
        Some(match T::deserialize(&value) {
            Ok(known) => OpenEnum::Known(known),
            Err(_) => OpenEnum::Unknown(value),
        })
    }

    /// Strings (known, unknown, escaped, with case changed), numbers, `null`, objects and arrays decode as
    /// they did through a `Value`, into a string enum and an integer enum, and what is unknown is kept.
    #[test]
    fn decodes_as_through_a_value() {
        let inputs = [
            r#""Shipped""#,
            r#""In Production""#,
            r#""In\u0020Production""#,
            r#""shipped""#,
            r#""Teleported""#,
            r#""""#,
            r#""5""#,
            "5",
            "7001",
            "-3",
            "5.0",
            "1e3",
            "18446744073709551615",
            "true",
            "null",
            r#"{"Shipped":null}"#,
            r#"["Shipped"]"#,
            "[]",
            "{}",
            r#""caf\u00e9""#,
        ];
        for json in inputs {
            let text: Option<OpenEnum<Status>> = serde_json::from_str(json).ok();
            assert_eq!(text, through_value::<Status>(json), "{json}");
            let bytes: Option<OpenEnum<Status>> = serde_json::from_slice(json.as_bytes()).ok();
            assert_eq!(bytes, through_value::<Status>(json), "{json}");
            let code: Option<OpenEnum<Code>> = serde_json::from_str(json).ok();
            assert_eq!(code, through_value::<Code>(json), "{json}");
        }
        let kept: OpenEnum<Status> = serde_json::from_str(r#""In\u0020Production""#).unwrap();
        assert_eq!(kept, OpenEnum::Known(Status::InProduction));
        let kept: OpenEnum<Status> = serde_json::from_str(r#""Teleported""#).unwrap();
        assert_eq!(serde_json::to_string(&kept).unwrap(), r#""Teleported""#);
    }
}
