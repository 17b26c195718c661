//! [`Resource`]: any resource, typed when pfhir models it, JSON otherwise.

use super::{Bundle, Condition, Extra, MessageHeader, OperationOutcome, Patient};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::fmt;

/// A resource: one of the five modelled types, or any other kept losslessly as JSON.
#[derive(Clone, PartialEq)]
pub enum Resource {
    /// A `Bundle`.
    Bundle(Box<Bundle>),
    /// A `Condition`.
    Condition(Box<Condition>),
    /// A `MessageHeader`.
    MessageHeader(Box<MessageHeader>),
    /// An `OperationOutcome`.
    OperationOutcome(Box<OperationOutcome>),
    /// A `Patient`.
    Patient(Box<Patient>),
    /// A resource type pfhir does not model (an `Observation`, say), as its JSON object.
    Other(Extra),
}

impl Resource {
    /// The resource type name (`Patient`, or the `resourceType` of an unmodelled resource).
    pub fn resource_type(&self) -> &str {
        match self {
            Resource::Bundle(_) => "Bundle",
            Resource::Condition(_) => "Condition",
            Resource::MessageHeader(_) => "MessageHeader",
            Resource::OperationOutcome(_) => "OperationOutcome",
            Resource::Patient(_) => "Patient",
            Resource::Other(map) => map
                .get("resourceType")
                .and_then(Value::as_str)
                .unwrap_or(""),
        }
    }

    /// The resource's logical id, if it has one.
    pub fn id(&self) -> Option<&str> {
        match self {
            Resource::Bundle(r) => r.id.as_deref(),
            Resource::Condition(r) => r.id.as_deref(),
            Resource::MessageHeader(r) => r.id.as_deref(),
            Resource::OperationOutcome(r) => r.id.as_deref(),
            Resource::Patient(r) => r.id.as_deref(),
            Resource::Other(map) => map.get("id").and_then(Value::as_str),
        }
    }
}

fn typed<'de, D: Deserializer<'de>, T: serde::de::DeserializeOwned>(
    map: Extra,
) -> Result<Box<T>, D::Error> {
    T::deserialize(Value::Object(map))
        .map(Box::new)
        .map_err(D::Error::custom)
}

impl<'de> Deserialize<'de> for Resource {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = Extra::deserialize(d)?;
        let name = match map.get("resourceType") {
            Some(Value::String(s)) => s.clone(),
            Some(_) => return Err(D::Error::custom("resourceType is not a string")),
            None => return Err(D::Error::custom("a resource without resourceType")),
        };
        Ok(match name.as_str() {
            "Bundle" => Resource::Bundle(typed::<D, _>(map)?),
            "Condition" => Resource::Condition(typed::<D, _>(map)?),
            "MessageHeader" => Resource::MessageHeader(typed::<D, _>(map)?),
            "OperationOutcome" => Resource::OperationOutcome(typed::<D, _>(map)?),
            "Patient" => Resource::Patient(typed::<D, _>(map)?),
            _ => Resource::Other(map),
        })
    }
}

impl Serialize for Resource {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Resource::Bundle(r) => r.serialize(s),
            Resource::Condition(r) => r.serialize(s),
            Resource::MessageHeader(r) => r.serialize(s),
            Resource::OperationOutcome(r) => r.serialize(s),
            Resource::Patient(r) => r.serialize(s),
            Resource::Other(map) => map.serialize(s),
        }
    }
}

impl fmt::Debug for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Resource::Bundle(r) => r.fmt(f),
            Resource::Condition(r) => r.fmt(f),
            Resource::MessageHeader(r) => r.fmt(f),
            Resource::OperationOutcome(r) => r.fmt(f),
            Resource::Patient(r) => r.fmt(f),
            Resource::Other(map) => write!(f, "{} {{ .. }}", self.resource_type_of(map)),
        }
    }
}

impl Resource {
    fn resource_type_of<'a>(&self, map: &'a Extra) -> &'a str {
        map.get("resourceType")
            .and_then(Value::as_str)
            .unwrap_or("Resource")
    }
}

macro_rules! resource_from {
    ($($t:ident),*) => {$(
        impl From<$t> for Resource {
            fn from(r: $t) -> Self {
                Resource::$t(Box::new(r))
            }
        }
    )*};
}
resource_from!(Bundle, Condition, MessageHeader, OperationOutcome, Patient);
