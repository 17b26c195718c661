//! The machinery behind the generated model: one trait per object, generic serde impls.
//!
//! The generator lists each struct's members in a [`FhirObject`] impl; the functions here turn
//! that listing into `Serialize`, `Deserialize` and a `Debug` that never prints values.

use super::Extra;
use serde::de::{Deserialize, Deserializer, Error as _, Visitor};
use serde::ser::{Serialize, Serializer};
use serde_json::Value;
use std::fmt;
use std::marker::PhantomData;

pub use serde::de::MapAccess;
pub use serde::ser::SerializeMap;

/// A struct of the model: a resource, a datatype or a backbone element.
pub trait FhirObject: Default {
    /// The STU3 type the struct belongs to (`Patient` for `PatientContact` too).
    const TYPE_NAME: &'static str;
    /// True for the root struct of a resource (it carries `resourceType`).
    const IS_RESOURCE: bool;
    /// Reads the member `key` into its field. Returns `false`, without consuming the value,
    /// when the struct has no field for it (the value then goes to `extra`).
    fn read_member<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<bool, A::Error>;
    /// Writes every present field, in definition order.
    fn write_members<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error>;
    /// Which members are present, for `Debug`.
    fn shape(&self) -> Vec<(&'static str, Presence)>;
    /// Members kept as JSON.
    fn extra(&self) -> &Extra;
    /// Members kept as JSON, mutably.
    fn extra_mut(&mut self) -> &mut Extra;
}

/// A choice element's enum (`onset[x]`).
pub trait Choice {
    /// The JSON member name of the value held (`onsetDateTime`).
    fn json_name(&self) -> &'static str;
    /// Writes the value under its JSON member name.
    fn write_value<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error>;
}

/// Whether a member is present, and how many times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Not present.
    Absent,
    /// A single value.
    One,
    /// A list of this many values.
    Many(usize),
}

/// Types that say whether they hold a value.
pub trait HasPresence {
    /// The presence of the value.
    fn presence(&self) -> Presence;
}

impl<T> HasPresence for Option<T> {
    fn presence(&self) -> Presence {
        if self.is_some() {
            Presence::One
        } else {
            Presence::Absent
        }
    }
}

impl<T> HasPresence for Vec<T> {
    fn presence(&self) -> Presence {
        if self.is_empty() {
            Presence::Absent
        } else {
            Presence::Many(self.len())
        }
    }
}

/// The presence of a field (used by the generated `shape`).
pub fn presence<T: HasPresence>(v: &T) -> Presence {
    v.presence()
}

/// Reads a member's value into its field.
pub fn read_value<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut T,
) -> Result<bool, A::Error> {
    *slot = map.next_value()?;
    Ok(true)
}

/// Reads one type of a choice; a second value for the same choice is left for `extra`.
pub fn read_choice<'de, A: MapAccess<'de>, T: Deserialize<'de>, C>(
    map: &mut A,
    slot: &mut Option<C>,
    make: fn(T) -> C,
) -> Result<bool, A::Error> {
    if slot.is_some() {
        return Ok(false);
    }
    *slot = Some(make(map.next_value()?));
    Ok(true)
}

/// Writes a field unless it is absent or empty.
pub fn write_value<M: SerializeMap, T: Serialize + HasPresence>(
    m: &mut M,
    key: &'static str,
    value: &T,
) -> Result<(), M::Error> {
    if value.presence() == Presence::Absent {
        return Ok(());
    }
    m.serialize_entry(key, value)
}

/// Writes a choice's value, when there is one.
pub fn write_choice<M: SerializeMap, C: Choice>(
    m: &mut M,
    value: &Option<C>,
) -> Result<(), M::Error> {
    match value {
        Some(c) => c.write_value(m),
        None => Ok(()),
    }
}

/// Deserializes any [`FhirObject`] from a JSON object.
pub fn deserialize_object<'de, D: Deserializer<'de>, T: FhirObject>(d: D) -> Result<T, D::Error> {
    d.deserialize_map(ObjectVisitor::<T>(PhantomData))
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: FhirObject> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a JSON object ({})", T::TYPE_NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut obj = T::default();
        while let Some(key) = map.next_key::<String>()? {
            if T::IS_RESOURCE && key == "resourceType" {
                let name: String = map.next_value()?;
                if name != T::TYPE_NAME {
                    return Err(A::Error::custom(format_args!(
                        "resourceType is not {}",
                        T::TYPE_NAME
                    )));
                }
                continue;
            }
            if !obj.read_member(&key, &mut map)? {
                let value: Value = map.next_value()?;
                obj.extra_mut().insert(key, value);
            }
        }
        Ok(obj)
    }
}

/// Serializes any [`FhirObject`] as a JSON object: `resourceType`, fields, then `extra`.
pub fn serialize_object<S: Serializer, T: FhirObject>(obj: &T, s: S) -> Result<S::Ok, S::Error> {
    let mut m = s.serialize_map(None)?;
    if T::IS_RESOURCE {
        m.serialize_entry("resourceType", T::TYPE_NAME)?;
    }
    obj.write_members(&mut m)?;
    for (k, v) in obj.extra() {
        m.serialize_entry(k, v)?;
    }
    m.end()
}

/// `Debug` of an object: its name and which members are present, never their values
/// (the model holds patient data, and `Debug` output ends up in logs).
pub fn debug_object<T: FhirObject>(obj: &T, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str(name)?;
    f.write_str(" {")?;
    let mut first = true;
    let mut sep = |f: &mut fmt::Formatter<'_>| -> fmt::Result {
        let s = if first { " " } else { ", " };
        first = false;
        f.write_str(s)
    };
    for (member, presence) in obj.shape() {
        match presence {
            Presence::Absent => {}
            Presence::One => {
                sep(f)?;
                f.write_str(member)?;
            }
            Presence::Many(n) => {
                sep(f)?;
                write!(f, "{member}[{n}]")?;
            }
        }
    }
    if !obj.extra().is_empty() {
        sep(f)?;
        write!(f, "+{} untyped", obj.extra().len())?;
    }
    f.write_str(if first { "}" } else { " }" })
}

/// Implements `Serialize`, `Deserialize` and a value-free `Debug` for a generated struct.
macro_rules! fhir_object {
    ($name:ident) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                serialize_object(self, s)
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                deserialize_object(d)
            }
        }
        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                debug_object(self, stringify!($name), f)
            }
        }
    };
}

/// Implements a value-free `Debug` for a generated choice enum (`onsetDateTime(..)`).
macro_rules! choice_debug {
    ($name:ident) => {
        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}(..)", self.json_name())
            }
        }
    };
}

pub(crate) use {choice_debug, fhir_object};
