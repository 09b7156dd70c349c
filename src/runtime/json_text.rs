//! Reading a JSON answer body: its UTF-8 checked once, then decoded as text.
//!
//! serde_json reading bytes checks the UTF-8 of each string as it copies it out (`from_utf8` was about 15% of
//! the instructions of decoding a 1,000-order page). Reading a `&str` it does not, since the text is UTF-8
//! already, and one pass over the whole body first costs less than those many small checks. A body that is not
//! UTF-8 is decoded as bytes, so that its error says where, as before.

use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde_json::de::{Read, SliceRead, StrRead};

/// One decode of a body, over whichever reader [`decode`] picks for it.
pub(crate) trait Decode {
    /// What the decode yields.
    type Output;

    /// Decodes from `deserializer`, refusing trailing content.
    fn run<'de, R: Read<'de>>(
        self,
        deserializer: &mut serde_json::Deserializer<R>,
    ) -> serde_json::Result<Self::Output>;
}

/// Runs `decode` over `body` as text when it is UTF-8, else over its bytes.
pub(crate) fn decode<D: Decode>(body: &[u8], decode: D) -> serde_json::Result<D::Output> {
    match std::str::from_utf8(body) {
        Ok(text) => decode.run(&mut serde_json::Deserializer::new(StrRead::new(text))),
        Err(_) => decode.run(&mut serde_json::Deserializer::new(SliceRead::new(body))),
    }
}

/// `serde_json::from_slice`, reading the body as text when it is UTF-8: names matched exactly.
pub(crate) fn from_slice<T: DeserializeOwned>(body: &[u8]) -> serde_json::Result<T> {
    struct Exact<T>(PhantomData<fn() -> T>);
    impl<T: DeserializeOwned> Decode for Exact<T> {
        type Output = T;
        fn run<'de, R: Read<'de>>(
            self,
            deserializer: &mut serde_json::Deserializer<R>,
        ) -> serde_json::Result<T> {
            let value = T::deserialize(&mut *deserializer)?;
            deserializer.end()?;
            Ok(value)
        }
    }
    decode(body, Exact(PhantomData))
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    /// Reading as text decodes what reading bytes decodes, and fails where it fails (the same message, so the
    /// same line and column): for random JSON texts with escapes and non-ASCII, those texts cut anywhere, and
    /// with a byte inserted that is not UTF-8.
    #[test]
    fn text_and_bytes_decode_alike() {
        let pieces = [
            "caf\u{e9}",
            "\u{1F4E6}",
            "\\ud83d\\udce6",
            "\\u00e9",
            "\\ud800",
            "\\n",
            "plain",
            "\\\"",
        ];
        let mut rng = fastrand::Rng::with_seed(0x7e47);
        let mut failures = 0;
        for _ in 0..5_000 {
            let members: Vec<String> = (0..rng.usize(0..5))
                .map(|i| {
                    let text: String = (0..rng.usize(0..4))
                        .map(|_| pieces[rng.usize(..pieces.len())])
                        .collect();
                    format!("\"k{i}\": [\"{text}\", {}, {{\"x\": null}}]", rng.i64(..))
                })
                .collect();
            let text = format!("{{{}}}", members.join(", "));
            let cut = text.as_bytes()[..rng.usize(..=text.len())].to_vec();
            let mut not_utf8 = text.clone().into_bytes();
            not_utf8.insert(rng.usize(..=not_utf8.len()), 0x80 | rng.u8(..0x40));
            for input in [text.into_bytes(), cut, not_utf8] {
                let as_bytes = serde_json::from_slice::<Value>(&input).map_err(|e| e.to_string());
                let as_text = super::from_slice::<Value>(&input).map_err(|e| e.to_string());
                failures += usize::from(as_bytes.is_err());
                assert_eq!(as_bytes, as_text, "{}", String::from_utf8_lossy(&input));
            }
        }
        // Both outcomes were compared many times.
        assert!((1_000..14_000).contains(&failures), "{failures} failures");
    }
}
