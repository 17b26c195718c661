//! `decimal`: a number that keeps its exact text.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// An STU3 `decimal`, kept as the exact text it was read from (`1.50` stays `1.50`).
#[derive(Clone, PartialEq, Eq)]
pub struct Decimal(serde_json::Number);

/// The text is not a JSON number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a decimal number")]
pub struct DecimalError;

impl Decimal {
    /// The exact text of the number.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The value as an `f64` (for comparisons; the text stays authoritative).
    pub fn to_f64(&self) -> Option<f64> {
        self.as_str().parse().ok()
    }
}

impl FromStr for Decimal {
    type Err = DecimalError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        serde_json::Number::from_str(s)
            .map(Decimal)
            .map_err(|_| DecimalError)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Decimal(..)")
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde_json::Number::deserialize(d).map(Decimal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_exact_text() {
        for text in [
            "1.50",
            "0.000",
            "-3",
            "-0.0",
            "123456789012345678901234567890.5",
        ] {
            let d: Decimal = text.parse().expect("parses");
            assert_eq!(d.as_str(), text);
            let json = serde_json::to_string(&d).expect("serializes");
            assert_eq!(json, text);
            let back: Decimal = serde_json::from_str(&json).expect("reads");
            assert_eq!(back.as_str(), text);
        }
        assert!("1.".parse::<Decimal>().is_err());
        assert!("abc".parse::<Decimal>().is_err());
    }
}
