//! A serde deserializer over a JSON value and its span tree, so model fields of type
//! [`Spanned<T>`] receive the KDL span of the value they were built from.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use crate::diagnostic::Span;
use crate::validate::map::{Kids, SpanNode};

const SPANNED: &str = "$contingent::Spanned";
const FIELDS: &[&str] = &["$start", "$end", "$value"];

/// A value with the span of the KDL it came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: fmt::Display> fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

/// A spanned value serialises as its value alone (the domain diff walks the model this way):
/// where it was written is not what it says.
impl<T: serde::Serialize> serde::Serialize for Spanned<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Spanned<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a spanned value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Spanned<T>, A::Error> {
                // Only [`SpanDe`] produces this struct, always in the order of `FIELDS`.
                let mut start = 0u32;
                let mut end = 0u32;
                let mut value = None;
                let mut position = 0;
                while map.next_key::<de::IgnoredAny>()?.is_some() {
                    match position {
                        0 => start = map.next_value()?,
                        1 => end = map.next_value()?,
                        _ => value = Some(map.next_value()?),
                    }
                    position += 1;
                }
                let value = value.ok_or_else(|| de::Error::missing_field("$value"))?;
                Ok(Spanned { value, span: Span { start, end } })
            }
        }
        d.deserialize_struct(SPANNED, FIELDS, V(PhantomData))
    }
}

/// Deserializes `T` from a validated JSON value and the spans of its KDL.
pub fn from_json<'a, T: Deserialize<'a>>(value: &'a Value, spans: &'a SpanNode) -> Result<T, serde_json::Error> {
    T::deserialize(SpanDe { value, spans: Some(spans) })
}

struct SpanDe<'a> {
    value: &'a Value,
    spans: Option<&'a SpanNode>,
}

impl<'de> Deserializer<'de> for SpanDe<'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.value {
            Value::Object(map) => visitor.visit_map(ObjAccess { iter: map.iter(), spans: self.spans, pending: None }),
            Value::Array(items) => visitor.visit_seq(ArrAccess { iter: items.iter().enumerate(), spans: self.spans }),
            Value::String(s) => visitor.visit_borrowed_str(s),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.value {
            Value::Null => visitor.visit_none(),
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

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.value.deserialize_enum(name, variants, visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        if name == SPANNED {
            let span = self.spans.map(|s| s.span).unwrap_or_default();
            return visitor.visit_map(SpannedAccess { span, de: Some(self), state: 0 });
        }
        let _ = fields;
        self.deserialize_any(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier ignored_any
    }
}

struct ObjAccess<'a> {
    iter: serde_json::map::Iter<'a>,
    spans: Option<&'a SpanNode>,
    pending: Option<(&'a str, &'a Value)>,
}

impl<'de> MapAccess<'de> for ObjAccess<'de> {
    type Error = serde_json::Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Self::Error> {
        match self.iter.next() {
            Some((k, v)) => {
                self.pending = Some((k, v));
                seed.deserialize(k.as_str().into_deserializer()).map(Some)
            }
            None => Ok(None),
        }
    }
    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Self::Error> {
        let (k, v) = self.pending.take().ok_or_else(|| de::Error::custom("value without key"))?;
        let spans = self.spans.and_then(|s| s.get(k));
        seed.deserialize(SpanDe { value: v, spans })
    }
}

struct ArrAccess<'a> {
    iter: std::iter::Enumerate<std::slice::Iter<'a, Value>>,
    spans: Option<&'a SpanNode>,
}

impl<'de> SeqAccess<'de> for ArrAccess<'de> {
    type Error = serde_json::Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Self::Error> {
        match self.iter.next() {
            Some((i, v)) => {
                let spans = match self.spans.map(|s| &s.kids) {
                    Some(Kids::Array(a)) => a.get(i),
                    _ => None,
                };
                seed.deserialize(SpanDe { value: v, spans }).map(Some)
            }
            None => Ok(None),
        }
    }
}

struct SpannedAccess<'a> {
    span: Span,
    de: Option<SpanDe<'a>>,
    state: u8,
}

impl<'de> MapAccess<'de> for SpannedAccess<'de> {
    type Error = serde_json::Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Self::Error> {
        if self.state >= 3 {
            return Ok(None);
        }
        seed.deserialize(FIELDS[self.state as usize].into_deserializer()).map(Some)
    }
    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Self::Error> {
        let state = self.state;
        self.state += 1;
        match state {
            0 => seed.deserialize(self.span.start.into_deserializer()),
            1 => seed.deserialize(self.span.end.into_deserializer()),
            _ => seed.deserialize(self.de.take().ok_or_else(|| de::Error::custom("value taken twice"))?),
        }
    }
}
