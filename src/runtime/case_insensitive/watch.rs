//! Watching a 2xx answer's top-level error-envelope properties while it decodes into its success type, so the
//! body is read once.
//!
//! Gooten says "error" in the body of a 200 (`HadError: true`, or a lone `Message`), so every answer must be
//! checked for its envelope. A separate check reads the body a second time (a byte search cost about 4% of a
//! 1,000-order page); here the top-level struct's property names are looked at as the decoder reads them, the
//! flag's value is read on the way to the type, and the answer is declared clean only when what was seen proves
//! the dialect's own check would find no error. Anything unusual (the flag `true`, `null`, not a boolean, seen
//! twice, a lone message, a top level that is not a struct) leaves the verdict to that check.

use std::{borrow::Cow, fmt, marker::PhantomData};

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{CaseInsensitive, StructFields, Wrap};

/// The top-level properties of a provider's error envelope that a 2xx answer may carry, matched ignoring ASCII
/// case.
#[derive(Debug)]
pub(crate) struct EnvelopeNames {
    /// A boolean that is `true` in an error answer (Gooten's `HadError`).
    pub flag: &'static str,
    /// A property that makes an answer without `flag` an error (Gooten's `Message`).
    pub message: &'static str,
}

/// What a watched decode saw of the envelope's top-level properties.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Seen {
    flag: Flag,
    message: bool,
    /// The top level was decoded some other way than as a struct (a map, a newtype): its keys went unseen.
    unwatched: bool,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Flag {
    #[default]
    Absent,
    False,
    /// `true`, `null`, or seen more than once.
    Other,
}

impl Seen {
    /// The verdict of a decode that could not watch (the mapping pass, a value that needed another look).
    pub(crate) const UNSURE: Seen = Seen {
        flag: Flag::Other,
        message: false,
        unwatched: true,
    };

    /// Whether what was seen proves the answer is no error envelope: the flag read once as `false`, or neither
    /// the flag nor a message at the top level.
    pub(crate) fn is_clean(self) -> bool {
        !self.unwatched
            && match self.flag {
                Flag::False => true,
                Flag::Absent => !self.message,
                Flag::Other => false,
            }
    }
}

/// The error that stops a watched decode when the flag's value is not a boolean or `null`: decoded again,
/// unwatched.
pub(super) const UNSURE: &str =
    "fulfillment-apis: an envelope flag that is not a boolean; decode again";

/// The top-level deserializer of a watched decode: a struct's keys are watched, everything else is decoded
/// case-insensitively (exact names first) as usual.
pub(super) struct Watched<'s, D> {
    pub inner: D,
    pub names: &'static EnvelopeNames,
    pub seen: &'s mut Seen,
}

macro_rules! forward_unwatched {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.seen.unwatched = true;
            CaseInsensitive::<_, true>(self.inner).$method(visitor)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Watched<'_, D> {
    type Error = D::Error;

    forward_unwatched! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64 deserialize_char deserialize_str deserialize_string
        deserialize_bytes deserialize_byte_buf deserialize_option deserialize_unit deserialize_seq
        deserialize_map deserialize_identifier deserialize_ignored_any
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.seen.unwatched = true;
        CaseInsensitive::<_, true>(self.inner).deserialize_unit_struct(name, visitor)
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.seen.unwatched = true;
        CaseInsensitive::<_, true>(self.inner).deserialize_newtype_struct(name, visitor)
    }
    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.seen.unwatched = true;
        CaseInsensitive::<_, true>(self.inner).deserialize_tuple(len, visitor)
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.seen.unwatched = true;
        CaseInsensitive::<_, true>(self.inner).deserialize_tuple_struct(name, len, visitor)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.seen.unwatched = true;
        CaseInsensitive::<_, true>(self.inner).deserialize_enum(name, variants, visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.inner.deserialize_struct(
            name,
            fields,
            WatchedStruct {
                fields,
                visitor,
                names: self.names,
                seen: self.seen,
            },
        )
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

struct WatchedStruct<'s, V> {
    fields: &'static [&'static str],
    visitor: V,
    names: &'static EnvelopeNames,
    seen: &'s mut Seen,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for WatchedStruct<'_, V> {
    type Value = V::Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(WatchedFields {
            inner: StructFields::<'de, A, true> {
                fields: self.fields,
                map,
                key: Cow::Borrowed(""),
            },
            names: self.names,
            seen: self.seen,
            current: Property::Other,
        })
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.seen.unwatched = true;
        self.visitor.visit_seq(Wrap::<_, true>(seq))
    }
}

#[derive(Clone, Copy)]
enum Property {
    Flag,
    Message,
    Other,
}

struct WatchedFields<'de, 's, A> {
    inner: StructFields<'de, A, true>,
    names: &'static EnvelopeNames,
    seen: &'s mut Seen,
    /// Which envelope property the last key named.
    current: Property,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for WatchedFields<'de, '_, A> {
    type Error = A::Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let key = self.inner.next_key_seed(seed)?;
        let name: &str = &self.inner.key;
        self.current = if name.eq_ignore_ascii_case(self.names.flag) {
            Property::Flag
        } else if name.eq_ignore_ascii_case(self.names.message) {
            Property::Message
        } else {
            Property::Other
        };
        Ok(key)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        match self.current {
            Property::Other => self.inner.next_value_seed(seed),
            Property::Message => {
                self.seen.message = true;
                self.inner.next_value_seed(seed)
            }
            Property::Flag => {
                let FlagValue(value, _) = self.inner.map.next_value::<FlagValue>()?;
                self.seen.flag = match (self.seen.flag, value) {
                    (Flag::Absent, Some(false)) => Flag::False,
                    _ => Flag::Other,
                };
                // The value never reached the type's own seed, so whether it skips the key is read off its
                // property names (a derived type skips exactly the names it does not have).
                let skipped = !self.inner.fields.contains(&&*self.inner.key);
                self.inner.redo_if_skipped_in_another_case(skipped)?;
                seed.deserialize(FlagValue::<A::Error>(value, PhantomData))
            }
        }
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// The flag's value: a boolean or `null`; anything else stops the watched decode with [`UNSURE`]. As a
/// deserializer it hands the same value on to the type.
struct FlagValue<E = ()>(Option<bool>, PhantomData<E>);

impl<'de> de::Deserialize<'de> for FlagValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FlagVisitor;
        impl<'de> Visitor<'de> for FlagVisitor {
            type Value = Option<bool>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean or null")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Option<bool>, E> {
                Ok(Some(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Option<bool>, E> {
                Ok(None)
            }
            fn visit_none<E: de::Error>(self) -> Result<Option<bool>, E> {
                Ok(None)
            }
        }
        deserializer
            .deserialize_any(FlagVisitor)
            .map(|v| FlagValue(v, PhantomData))
            .map_err(|_| de::Error::custom(UNSURE))
    }
}

impl<'de, E: de::Error> Deserializer<'de> for FlagValue<E> {
    type Error = E;
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.0 {
            Some(value) => visitor.visit_bool(value),
            None => visitor.visit_unit(),
        }
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.0 {
            Some(_) => visitor.visit_some(self),
            None => visitor.visit_none(),
        }
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit unit_struct
        newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}
