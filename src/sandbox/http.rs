//! Small HTTP helpers shared by the three fakes: response builders, query strings, credentials, locking.

use std::sync::{Mutex, MutexGuard};

use axum::{
    body::Body,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use base64::Engine as _;
use serde::{
    Serialize,
    de::{
        self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor,
    },
};
use serde_json::Value;

use crate::runtime::CaseInsensitive;

/// An error answer on its way out of a handler: boxed so that the `Result`s carrying it stay small, and
/// convertible from any response so that helpers can refuse a request with `?`.
#[derive(Debug)]
pub(crate) struct Refusal(Box<Response>);

impl From<Response> for Refusal {
    fn from(response: Response) -> Self {
        Refusal(Box::new(response))
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        *self.0
    }
}

/// What a handler returns: the answer, or the refusal some check produced.
pub(crate) type Answer = Result<Response, Refusal>;

/// A JSON response with `status`. The body always comes from a generated type (or, for Bootic's token endpoint,
/// which the spec does not describe, from a small hand-written one).
pub(crate) fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => with_content_type(status, "application/json; charset=utf-8", body),
        // Serializing the generated types cannot fail (no maps with non-string keys); answer like a broken server
        // rather than panicking inside a connection task.
        Err(e) => text(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("sandbox serialization error: {e}"),
        ),
    }
}

/// A `text/plain` response with `status`.
pub(crate) fn text(status: StatusCode, message: impl Into<String>) -> Response {
    with_content_type(
        status,
        "text/plain; charset=utf-8",
        message.into().into_bytes(),
    )
}

pub(crate) fn with_content_type(
    status: StatusCode,
    content_type: &'static str,
    body: Vec<u8>,
) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A decoded query string, in order, keeping repeated keys.
#[derive(Debug, Default)]
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    pub(crate) fn parse(raw: Option<&str>) -> Self {
        Query(
            raw.map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default(),
        )
    }

    /// The first value of `name`, matched exactly.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of `name`, matched ignoring ASCII case (Gooten's server binds query names that way).
    pub(crate) fn get_ci(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// Reads a JSON request body into a generated type, refusing `null` where the type has an optional field.
///
/// The generated types map an optional property to `Option<T>`, and serde reads a JSON `null` there as `None`.
/// No request schema of the three specs is `nullable`, so a `null` is a value of the wrong type: the field must
/// be left out instead. Unknown properties are still ignored, whatever their value (the schemas do not forbid
/// additional properties). The error names the path of the offending field (`Items[0].Images[1].SpaceId`).
pub(crate) fn from_json_strict<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    let value: Value = serde_json::from_slice(bytes)?;
    from_value_strict(&value)
}

/// [`from_json_strict`] for a body already parsed into a [`Value`].
pub(crate) fn from_value_strict<T: DeserializeOwned>(
    value: &Value,
) -> Result<T, serde_json::Error> {
    T::deserialize(NoNull {
        value,
        path: String::new(),
        lenient: false,
    })
}

/// [`from_value_strict`] as an ASP.NET Web API service with Json.NET binds a body (Gooten): property names match
/// the type's fields ignoring ASCII case (`firstName` fills `FirstName`; the client's own
/// [`CaseInsensitive`] decoding), enum values match ignoring case (`Standard` for `standard`), and a string
/// holding a number or a boolean fills a number or boolean field (`"Quantity": "1"`, `"IsPreSubmit": "true"`),
/// as the official iOS client sends them. `null` is still refused.
pub(crate) fn from_value_aspnet<T: DeserializeOwned>(
    value: &Value,
) -> Result<T, serde_json::Error> {
    T::deserialize(CaseInsensitive::<_, false>(NoNull {
        value,
        path: String::new(),
        lenient: true,
    }))
}

/// A [`Value`] deserializer that fails on `null` for `Option` fields and passes that rule on to nested values.
/// Scalars, enums and anything it does not recognise are left to `&Value`'s own deserializer.
struct NoNull<'de> {
    value: &'de Value,
    path: String,
    /// Json.NET's conversions of scalars and enum values (see [`from_value_aspnet`]).
    lenient: bool,
}

impl<'de> NoNull<'de> {
    fn child(&self, segment: impl std::fmt::Display, is_index: bool) -> String {
        match (is_index, self.path.is_empty()) {
            (true, _) => format!("{}[{segment}]", self.path),
            (false, true) => segment.to_string(),
            (false, false) => format!("{}.{segment}", self.path),
        }
    }

    fn seq<V: Visitor<'de>>(
        self,
        items: &'de [Value],
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        let mut access = NoNullSeq {
            items: items.iter().enumerate(),
            parent: &self,
        };
        let out = visitor.visit_seq(&mut access)?;
        match access.items.len() {
            0 => Ok(out),
            n => Err(de::Error::invalid_length(
                items.len() - n,
                &"fewer elements",
            )),
        }
    }

    fn map<V: Visitor<'de>>(
        self,
        object: &'de serde_json::Map<String, Value>,
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        visitor.visit_map(NoNullMap {
            entries: object.iter(),
            pending: None,
            parent: &self,
        })
    }
}

/// A scalar a string holds, as Json.NET converts it (`"1"`, `"true"`, `"33.26"`).
enum Scalar {
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
}

fn scalar(raw: &str) -> Option<Scalar> {
    let raw = raw.trim();
    if raw.eq_ignore_ascii_case("true") || raw.eq_ignore_ascii_case("false") {
        return Some(Scalar::Bool(raw.eq_ignore_ascii_case("true")));
    }
    raw.parse()
        .map(Scalar::Int)
        .or_else(|_| raw.parse().map(Scalar::Uint))
        .or_else(|_| raw.parse().map(Scalar::Float))
        .ok()
}

/// Number and boolean methods: in lenient mode a string holding the scalar is converted (Json.NET does).
macro_rules! coercing {
    ($($method:ident)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
            if let (true, Value::String(raw)) = (self.lenient, self.value) {
                return match scalar(raw) {
                    Some(Scalar::Bool(b)) => visitor.visit_bool(b),
                    Some(Scalar::Int(n)) => visitor.visit_i64(n),
                    Some(Scalar::Uint(n)) => visitor.visit_u64(n),
                    Some(Scalar::Float(n)) => visitor.visit_f64(n),
                    None => Err(de::Error::invalid_type(de::Unexpected::Str(raw), &visitor)),
                };
            }
            self.value.$method(visitor)
        })*
    };
}

macro_rules! delegate {
    ($($method:ident)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
            self.value.$method(visitor)
        })*
    };
}

impl<'de> de::Deserializer<'de> for NoNull<'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.value {
            Value::Array(items) => self.seq(items, visitor),
            Value::Object(object) => self.map(object, visitor),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.value {
            Value::Null => Err(de::Error::custom(format_args!(
                "`{}` is null: leave an optional field out rather than sending null",
                if self.path.is_empty() {
                    "body"
                } else {
                    &self.path
                }
            ))),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.value {
            Value::Array(items) => self.seq(items, visitor),
            other => other.deserialize_seq(visitor),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.value {
            Value::Object(object) => self.map(object, visitor),
            other => other.deserialize_map(visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self.value {
            Value::Object(object) => self.map(object, visitor),
            // serde would read a struct from an array of its fields in order; a JSON body never means that.
            Value::Array(_) => Err(de::Error::invalid_type(de::Unexpected::Seq, &"an object")),
            other => other.deserialize_struct(name, fields, visitor),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        if let (true, Value::String(raw)) = (self.lenient, self.value)
            && let Some(variant) = variants.iter().find(|v| v.eq_ignore_ascii_case(raw))
        {
            return Value::String((*variant).to_string()).deserialize_enum(name, variants, visitor);
        }
        self.value.deserialize_enum(name, variants, visitor)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.value.deserialize_unit_struct(name, visitor)
    }

    coercing! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128 deserialize_f32
        deserialize_f64
    }

    delegate! {
        deserialize_char deserialize_str deserialize_string deserialize_bytes
        deserialize_byte_buf deserialize_unit deserialize_identifier deserialize_ignored_any
    }
}

struct NoNullSeq<'a, 'de> {
    items: std::iter::Enumerate<std::slice::Iter<'de, Value>>,
    parent: &'a NoNull<'de>,
}

impl<'de> SeqAccess<'de> for NoNullSeq<'_, 'de> {
    type Error = serde_json::Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Self::Error> {
        self.items
            .next()
            .map(|(i, value)| {
                seed.deserialize(NoNull {
                    value,
                    path: self.parent.child(i, true),
                    lenient: self.parent.lenient,
                })
            })
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct NoNullMap<'a, 'de> {
    entries: serde_json::map::Iter<'de>,
    pending: Option<(&'de String, &'de Value)>,
    parent: &'a NoNull<'de>,
}

impl<'de> MapAccess<'de> for NoNullMap<'_, 'de> {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.pending = Some((key, value));
        seed.deserialize(key.as_str().into_deserializer()).map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, Self::Error> {
        let (key, value) = self
            .pending
            .take()
            .ok_or_else(|| de::Error::custom("a map value was asked for before its key"))?;
        seed.deserialize(NoNull {
            value,
            path: self.parent.child(key, false),
            lenient: self.parent.lenient,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// The user and password of an `Authorization: Basic` header.
pub(crate) fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

/// The token of an `Authorization: Bearer` header.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Locks `mutex`, ignoring poisoning: a test that panicked while a handler held the lock leaves the state
/// consistent enough for the sandbox (every mutation is completed before the guard drops).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// FNV-1a: stable ids without a hashing dependency (std's hasher is not guaranteed stable across releases).
pub(crate) fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A random version-4-shaped UUID string from `rng` (Gooten's ids and reference codes look like this).
pub(crate) fn uuid_like(rng: &mut fastrand::Rng) -> String {
    let hi = rng.u64(..);
    let lo = rng.u64(..);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0x0fff,
        0x8000 | ((lo >> 48) & 0x3fff),
        lo & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_names_ignore_case_only_when_asked() {
        let q = Query::parse(Some("RecipeID=abc&partnerBillingKey=a%2Bb%2F%3D&x=1&x=2"));
        assert_eq!(q.get("recipeid"), None);
        assert_eq!(q.get_ci("recipeid"), Some("abc"));
        assert_eq!(q.get_ci("PARTNERBILLINGKEY"), Some("a+b/="));
        assert_eq!(q.get("x"), Some("1"));
    }

    #[test]
    fn basic_and_bearer() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic dXNlcjpwYTpzcw=="),
        );
        assert_eq!(
            basic_credentials(&headers),
            Some(("user".into(), "pa:ss".into()))
        );
        assert_eq!(bearer_token(&headers), None);
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer tok123"),
        );
        assert_eq!(bearer_token(&headers), Some("tok123"));
    }

    #[test]
    fn strict_bodies_refuse_null_only_for_known_optional_fields() {
        #[derive(Debug, serde::Deserialize)]
        struct Item {
            #[serde(rename = "SKU")]
            _sku: String,
            #[serde(rename = "Index")]
            index: Option<i32>,
        }
        #[derive(Debug, serde::Deserialize)]
        struct Body {
            #[serde(rename = "Items")]
            items: Vec<Item>,
            #[serde(rename = "Note", default)]
            note: Option<String>,
        }
        let ok: Body =
            from_json_strict(br#"{"Items": [{"SKU": "A", "Index": 2}], "Unknown": null}"#).unwrap();
        assert_eq!((ok.items[0].index, ok.note), (Some(2), None));
        let nested =
            from_json_strict::<Body>(br#"{"Items": [{"SKU": "A"}, {"SKU": "B", "Index": null}]}"#)
                .unwrap_err()
                .to_string();
        assert!(nested.contains("`Items[1].Index` is null"), "{nested}");
        let top = from_json_strict::<Body>(br#"{"Items": [], "Note": null}"#)
            .unwrap_err()
            .to_string();
        assert!(top.contains("`Note` is null"), "{top}");
        assert!(
            from_json_strict::<Body>(br#"[[], "x"]"#).is_err(),
            "a struct is an object"
        );
        // Values of the wrong type are refused as before.
        assert!(from_json_strict::<Body>(br#"{"Items": [{"SKU": 5}]}"#).is_err());
    }

    #[test]
    fn uuid_shape() {
        let id = uuid_like(&mut fastrand::Rng::with_seed(1));
        let groups: Vec<_> = id.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
    }
}
