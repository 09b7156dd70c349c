//! Decoding with property names matched case-insensitively, in the same single pass as ordinary decoding.
//!
//! Gooten is an ASP.NET service: it binds names case-insensitively, its documents spell one property several ways
//! (`PreconfiguredProducts` / `PreConfiguredProducts`, `Sku` / `SKU`), and a derived `Deserialize` matches
//! names exactly, so an answer spelling a field differently would decode with that field missing (for a list:
//! empty, with no error). serde hands `deserialize_struct` the names the type expects, so this wrapper maps each
//! incoming key onto the expected name it equals ignoring ASCII case (an exact match wins), and wraps every
//! nested value the same way. Keys of maps (`BTreeMap` fields) are left as they are.
//!
//! Limits: content that serde buffers before deciding its type (`#[serde(untagged)]`, `#[serde(flatten)]`) is
//! matched exactly below that point; the generated types use neither for Gooten's objects.

mod watch;

use std::{borrow::Cow, fmt, marker::PhantomData};

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use serde_json::de::Read;

use super::json_text;

pub(crate) use watch::{EnvelopeNames, Seen};

/// A deserializer whose structs match property names ignoring ASCII case.
///
/// With `EXACT_FIRST` the names are handed to the type as they are, and only a property the type ignored is
/// compared with its names ignoring case: a match stops decoding with [`REDO`] (the property's value is gone)
/// and [`from_slice`] decodes again without `EXACT_FIRST`, mapping every name. Answers spelled as the spec
/// spells them (nearly all) so cost one ordinary decode instead of a name search for every property.
pub(crate) struct CaseInsensitive<D, const EXACT_FIRST: bool = false>(pub D);

/// The error that stops an `EXACT_FIRST` decode: a property name matched the type only ignoring case.
const REDO: &str =
    "fulfillment-apis: a property name differs from the spec only in case; decode again";

macro_rules! forward {
    ($($method:ident)*) => {$(
        #[inline]
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.0.$method(Wrap::<_, EXACT_FIRST>(visitor))
        }
    )*};
}

impl<'de, D: Deserializer<'de>, const EXACT_FIRST: bool> Deserializer<'de>
    for CaseInsensitive<D, EXACT_FIRST>
{
    type Error = D::Error;

    forward! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64 deserialize_char deserialize_str deserialize_string
        deserialize_bytes deserialize_byte_buf deserialize_option deserialize_unit deserialize_seq
        deserialize_map deserialize_identifier deserialize_ignored_any
    }

    #[inline]
    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0
            .deserialize_unit_struct(name, Wrap::<_, EXACT_FIRST>(visitor))
    }

    #[inline]
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0
            .deserialize_newtype_struct(name, Wrap::<_, EXACT_FIRST>(visitor))
    }

    #[inline]
    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0
            .deserialize_tuple(len, Wrap::<_, EXACT_FIRST>(visitor))
    }

    #[inline]
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0
            .deserialize_tuple_struct(name, len, Wrap::<_, EXACT_FIRST>(visitor))
    }

    #[inline]
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_struct(
            name,
            fields,
            StructVisitor::<_, EXACT_FIRST> { fields, visitor },
        )
    }

    #[inline]
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0
            .deserialize_enum(name, variants, Wrap::<_, EXACT_FIRST>(visitor))
    }

    #[inline]
    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// Wraps a visitor, a seed or an access so that everything below it is decoded case-insensitively too.
struct Wrap<T, const EXACT_FIRST: bool>(T);

impl<'de, S: DeserializeSeed<'de>, const EXACT_FIRST: bool> DeserializeSeed<'de>
    for Wrap<S, EXACT_FIRST>
{
    type Value = S::Value;
    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.0
            .deserialize(CaseInsensitive::<_, EXACT_FIRST>(deserializer))
    }
}

macro_rules! visit_plain {
    ($($method:ident: $ty:ty),*) => {$(
        #[inline]
        fn $method<E: de::Error>(self, value: $ty) -> Result<V::Value, E> {
            self.0.$method(value)
        }
    )*};
}

impl<'de, V: Visitor<'de>, const EXACT_FIRST: bool> Visitor<'de> for Wrap<V, EXACT_FIRST> {
    type Value = V::Value;

    #[inline]
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    visit_plain! {
        visit_bool: bool, visit_i8: i8, visit_i16: i16, visit_i32: i32, visit_i64: i64, visit_i128: i128,
        visit_u8: u8, visit_u16: u16, visit_u32: u32, visit_u64: u64, visit_u128: u128, visit_f32: f32,
        visit_f64: f64, visit_char: char, visit_str: &str, visit_borrowed_str: &'de str, visit_string: String,
        visit_bytes: &[u8], visit_borrowed_bytes: &'de [u8], visit_byte_buf: Vec<u8>
    }

    #[inline]
    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }
    #[inline]
    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }
    #[inline]
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.0
            .visit_some(CaseInsensitive::<_, EXACT_FIRST>(deserializer))
    }
    #[inline]
    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        self.0
            .visit_newtype_struct(CaseInsensitive::<_, EXACT_FIRST>(deserializer))
    }
    #[inline]
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(Wrap::<_, EXACT_FIRST>(seq))
    }
    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(Wrap::<_, EXACT_FIRST>(map))
    }
    #[inline]
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.0.visit_enum(Wrap::<_, EXACT_FIRST>(data))
    }
}

impl<'de, A: SeqAccess<'de>, const EXACT_FIRST: bool> SeqAccess<'de> for Wrap<A, EXACT_FIRST> {
    type Error = A::Error;
    #[inline]
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Wrap::<_, EXACT_FIRST>(seed))
    }
    #[inline]
    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

/// A map whose keys are kept as they are (a `BTreeMap` field) and whose values are wrapped.
impl<'de, A: MapAccess<'de>, const EXACT_FIRST: bool> MapAccess<'de> for Wrap<A, EXACT_FIRST> {
    type Error = A::Error;
    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(seed)
    }
    #[inline]
    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Wrap::<_, EXACT_FIRST>(seed))
    }
    #[inline]
    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>, const EXACT_FIRST: bool> EnumAccess<'de> for Wrap<A, EXACT_FIRST> {
    type Error = A::Error;
    type Variant = Wrap<A::Variant, EXACT_FIRST>;
    #[inline]
    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), A::Error> {
        let (value, variant) = self.0.variant_seed(seed)?;
        Ok((value, Wrap(variant)))
    }
}

impl<'de, A: VariantAccess<'de>, const EXACT_FIRST: bool> VariantAccess<'de>
    for Wrap<A, EXACT_FIRST>
{
    type Error = A::Error;
    #[inline]
    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }
    #[inline]
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Wrap::<_, EXACT_FIRST>(seed))
    }
    #[inline]
    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Wrap::<_, EXACT_FIRST>(visitor))
    }
    #[inline]
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0
            .struct_variant(fields, StructVisitor::<_, EXACT_FIRST> { fields, visitor })
    }
}

/// The visitor of a struct: its map's keys are matched against `fields` ignoring case.
struct StructVisitor<V, const EXACT_FIRST: bool> {
    fields: &'static [&'static str],
    visitor: V,
}

impl<'de, V: Visitor<'de>, const EXACT_FIRST: bool> Visitor<'de> for StructVisitor<V, EXACT_FIRST> {
    type Value = V::Value;
    #[inline]
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }
    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(StructFields::<'de, A, EXACT_FIRST> {
            fields: self.fields,
            map,
            key: Cow::Borrowed(""),
        })
    }
    #[inline]
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_seq(Wrap::<_, EXACT_FIRST>(seq))
    }
}

struct StructFields<'de, A, const EXACT_FIRST: bool> {
    fields: &'static [&'static str],
    map: A,
    /// The last property name read (`EXACT_FIRST` only), to look at if the type ignores its value.
    key: Cow<'de, str>,
}

impl<'de, A: MapAccess<'de>, const EXACT_FIRST: bool> StructFields<'de, A, EXACT_FIRST> {
    /// After the value of the last key: if the type `skipped` it (has no property of this exact name) but has
    /// one of this name in another case, the value is gone, so [`REDO`] stops the decode to map names.
    fn redo_if_skipped_in_another_case(&self, skipped: bool) -> Result<(), A::Error> {
        if skipped
            && self
                .fields
                .iter()
                .any(|f| f.eq_ignore_ascii_case(&self.key))
        {
            return Err(de::Error::custom(REDO));
        }
        Ok(())
    }
}

impl<'de, A: MapAccess<'de>, const EXACT_FIRST: bool> MapAccess<'de>
    for StructFields<'de, A, EXACT_FIRST>
{
    type Error = A::Error;
    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let Some(Key(key)) = self.map.next_key::<Key<'de>>()? else {
            return Ok(None);
        };
        if EXACT_FIRST {
            let field = match &key {
                Cow::Borrowed(key) => {
                    seed.deserialize(de::value::BorrowedStrDeserializer::new(key))
                }
                Cow::Owned(key) => seed.deserialize(de::value::StrDeserializer::new(key)),
            };
            self.key = key;
            return field.map(Some);
        }
        let expected = self
            .fields
            .iter()
            .find(|f| **f == key)
            .or_else(|| self.fields.iter().find(|f| f.eq_ignore_ascii_case(&key)));
        match expected {
            Some(field) => seed
                .deserialize(IntoDeserializer::<A::Error>::into_deserializer(*field))
                .map(Some),
            None => match key {
                Cow::Borrowed(key) => seed
                    .deserialize(de::value::BorrowedStrDeserializer::new(key))
                    .map(Some),
                Cow::Owned(key) => seed
                    .deserialize(IntoDeserializer::<A::Error>::into_deserializer(key))
                    .map(Some),
            },
        }
    }
    #[inline]
    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        if !EXACT_FIRST {
            return self.map.next_value_seed(Wrap::<_, false>(seed));
        }
        let mut ignored = false;
        let value = self.map.next_value_seed(Ignored {
            seed,
            ignored: &mut ignored,
        })?;
        self.redo_if_skipped_in_another_case(ignored)?;
        Ok(value)
    }
    #[inline]
    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// The seed of a property's value in an `EXACT_FIRST` decode: notes whether the type skipped the value
/// (asked for `deserialize_ignored_any`, as a derived `Deserialize` does for a property it does not have).
struct Ignored<'a, S> {
    seed: S,
    ignored: &'a mut bool,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Ignored<'_, S> {
    type Value = S::Value;
    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(NoteIgnored {
            inner: CaseInsensitive::<_, true>(deserializer),
            ignored: self.ignored,
        })
    }
}

struct NoteIgnored<'a, D> {
    inner: D,
    ignored: &'a mut bool,
}

macro_rules! forward_noted {
    ($($method:ident)*) => {$(
        #[inline]
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.inner.$method(visitor)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for NoteIgnored<'_, D> {
    type Error = D::Error;

    forward_noted! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64 deserialize_char deserialize_str deserialize_string
        deserialize_bytes deserialize_byte_buf deserialize_option deserialize_unit deserialize_seq
        deserialize_map deserialize_identifier
    }

    #[inline]
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        *self.ignored = true;
        self.inner.deserialize_ignored_any(visitor)
    }
    #[inline]
    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.inner.deserialize_unit_struct(name, visitor)
    }
    #[inline]
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.inner.deserialize_newtype_struct(name, visitor)
    }
    #[inline]
    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.inner.deserialize_tuple(len, visitor)
    }
    #[inline]
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.inner.deserialize_tuple_struct(name, len, visitor)
    }
    #[inline]
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.inner.deserialize_struct(name, fields, visitor)
    }
    #[inline]
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.inner.deserialize_enum(name, variants, visitor)
    }
    #[inline]
    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// A map key, borrowed from the input when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            #[inline]
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a property name")
            }
            #[inline]
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            #[inline]
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
            #[inline]
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Decodes `T` from JSON `bytes`, matching property names ignoring case, and refuses trailing content.
///
/// First with the names as they are (one ordinary decode when the answer spells them as the spec does); again,
/// mapping every name, only if a property the type skipped matches one of its names ignoring case.
pub(crate) fn from_slice<T: de::DeserializeOwned>(bytes: &[u8]) -> serde_json::Result<T> {
    match decode::<T, true>(bytes) {
        Err(e) if e.is_data() && e.to_string().starts_with(REDO) => decode::<T, false>(bytes),
        done => done,
    }
}

/// [`from_slice`] watching the top-level `names` of the provider's error envelope on the way (see [`watch`]):
/// the value, and what was seen of them ([`Seen::UNSURE`] when the decode had to look twice).
pub(crate) fn from_slice_watched<T: de::DeserializeOwned>(
    bytes: &[u8],
    names: &'static EnvelopeNames,
) -> serde_json::Result<(T, Seen)> {
    /// The decode, watching.
    struct WatchedPass<T> {
        names: &'static EnvelopeNames,
        value: PhantomData<fn() -> T>,
    }
    impl<T: de::DeserializeOwned> json_text::Decode for WatchedPass<T> {
        type Output = (T, Seen);
        fn run<'de, R: Read<'de>>(
            self,
            deserializer: &mut serde_json::Deserializer<R>,
        ) -> serde_json::Result<(T, Seen)> {
            let mut seen = Seen::default();
            let value = T::deserialize(watch::Watched {
                inner: &mut *deserializer,
                names: self.names,
                seen: &mut seen,
            })?;
            deserializer.end()?;
            Ok((value, seen))
        }
    }
    let watched = WatchedPass {
        names,
        value: PhantomData,
    };
    match json_text::decode(bytes, watched) {
        Err(e) if e.is_data() && e.to_string().starts_with(REDO) => {
            decode::<T, false>(bytes).map(|value| (value, Seen::UNSURE))
        }
        Err(e) if e.is_data() && e.to_string().starts_with(watch::UNSURE) => {
            from_slice(bytes).map(|value| (value, Seen::UNSURE))
        }
        done => done,
    }
}

fn decode<T: de::DeserializeOwned, const EXACT_FIRST: bool>(bytes: &[u8]) -> serde_json::Result<T> {
    /// One decode, with or without `EXACT_FIRST`.
    struct Pass<T, const EXACT_FIRST: bool>(PhantomData<fn() -> T>);
    impl<T: de::DeserializeOwned, const EXACT_FIRST: bool> json_text::Decode for Pass<T, EXACT_FIRST> {
        type Output = T;
        fn run<'de, R: Read<'de>>(
            self,
            deserializer: &mut serde_json::Deserializer<R>,
        ) -> serde_json::Result<T> {
            let value = T::deserialize(CaseInsensitive::<_, EXACT_FIRST>(&mut *deserializer))?;
            deserializer.end()?;
            Ok(value)
        }
    }
    json_text::decode(bytes, Pass::<T, EXACT_FIRST>(PhantomData))
}

#[cfg(test)]
mod tests;
