//! The codes and systems the builder writes, and the normalization of HL7 v2 shaped values
//! (gender letters, `YYYYMMDD` dates, `YYYYMMDDHHMM[SS]±ZZZZ` timestamps).

use crate::profile::{CIP_SYSTEM, METEDA_SYSTEM, SNOMED_SYSTEM};

/// ICD-10 (WHO).
pub const ICD10_SYSTEM: &str = "http://hl7.org/fhir/sid/icd-10";
/// HL7 v2 table 0203, identifier type.
pub const IDENTIFIER_TYPE_SYSTEM: &str = "http://hl7.org/fhir/v2/0203";
/// HL7 v3 MaritalStatus.
pub const MARITAL_STATUS_SYSTEM: &str = "http://hl7.org/fhir/v3/MaritalStatus";
/// HL7 v3 NullFlavor (for `UNK`, unknown marital status).
pub const NULL_FLAVOR_SYSTEM: &str = "http://hl7.org/fhir/v3/NullFlavor";
/// BCP 47 language tags.
pub const LANGUAGE_SYSTEM: &str = "urn:ietf:bcp:47";
/// The extension of HumanName.family holding the father's family name.
pub const FATHERS_FAMILY_URL: &str =
    "http://hl7.org/fhir/StructureDefinition/humanname-fathers-family";
/// The extension of HumanName.family holding the mother's family name.
pub const MOTHERS_FAMILY_URL: &str =
    "http://hl7.org/fhir/StructureDefinition/humanname-mothers-family";

/// One coding: system, code, display.
pub type Code = (&'static str, &'static str, &'static str);

/// The codings of the `diabetes` shorthand: SNOMED CT, then ICD-10 (WHO, the category of
/// the type; `unspecified` is E14 "Unspecified diabetes mellitus", not E13, which is "Other
/// specified diabetes mellitus").
pub const DIABETES_CODES: &[(&str, [Code; 2])] = &[
    (
        "type1",
        [
            (SNOMED_SYSTEM, "46635009", "Diabetes mellitus type 1"),
            (ICD10_SYSTEM, "E10", "Type 1 diabetes mellitus"),
        ],
    ),
    (
        "type2",
        [
            (SNOMED_SYSTEM, "44054006", "Diabetes mellitus type 2"),
            (ICD10_SYSTEM, "E11", "Type 2 diabetes mellitus"),
        ],
    ),
    (
        "gestational",
        [
            (SNOMED_SYSTEM, "11687002", "Gestational diabetes mellitus"),
            (
                ICD10_SYSTEM,
                "O24.4",
                "Diabetes mellitus arising in pregnancy",
            ),
        ],
    ),
    (
        "unspecified",
        [
            (SNOMED_SYSTEM, "73211009", "Diabetes mellitus"),
            (ICD10_SYSTEM, "E14", "Unspecified diabetes mellitus"),
        ],
    ),
];

/// The codings of a `diabetes` value, if it is one.
pub fn diabetes_codings(kind: &str) -> Option<&'static [Code; 2]> {
    DIABETES_CODES
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, codes)| codes)
}

/// The marital status codes (value set marital-status of STU3): HL7 v3 MaritalStatus and
/// NullFlavor `UNK`.
pub const MARITAL_STATUS_CODES: &[Code] = &[
    (MARITAL_STATUS_SYSTEM, "A", "Annulled"),
    (MARITAL_STATUS_SYSTEM, "D", "Divorced"),
    (MARITAL_STATUS_SYSTEM, "I", "Interlocutory"),
    (MARITAL_STATUS_SYSTEM, "L", "Legally Separated"),
    (MARITAL_STATUS_SYSTEM, "M", "Married"),
    (MARITAL_STATUS_SYSTEM, "P", "Polygamous"),
    (MARITAL_STATUS_SYSTEM, "S", "Never Married"),
    (MARITAL_STATUS_SYSTEM, "T", "Domestic partner"),
    (MARITAL_STATUS_SYSTEM, "U", "unmarried"),
    (MARITAL_STATUS_SYSTEM, "W", "Widowed"),
    (NULL_FLAVOR_SYSTEM, "UNK", "unknown"),
];

/// The marital status coding of a code (any letter case).
pub fn marital_status(code: &str) -> Option<&'static Code> {
    MARITAL_STATUS_CODES
        .iter()
        .find(|(_, c, _)| c.eq_ignore_ascii_case(code))
}

/// The identifier system of an authority alias (`cip`, `meteda`) or URI.
pub fn authority_system(a: &str) -> &str {
    if a.eq_ignore_ascii_case("cip") {
        CIP_SYSTEM
    } else if a.eq_ignore_ascii_case("meteda") {
        METEDA_SYSTEM
    } else {
        a
    }
}

/// `male`/`female`/`other`/`unknown`, or the HL7 v2 letters.
pub fn normalize_gender(g: &str) -> Option<&'static str> {
    match g.to_ascii_lowercase().as_str() {
        "male" | "m" => Some("male"),
        "female" | "f" => Some("female"),
        "other" | "o" => Some("other"),
        "unknown" | "u" => Some("unknown"),
        _ => None,
    }
}

/// `YYYYMMDD` (HL7 v2) becomes `YYYY-MM-DD`; other text is kept.
pub fn normalize_date(d: &str) -> String {
    if d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..])
    } else {
        d.to_string()
    }
}

/// HL7 v2 timestamps become dateTimes: `YYYYMMDD` a date, `YYYYMMDDHHMM[SS[.S…]]±ZZZZ`
/// `YYYY-MM-DDThh:mm:ss[.S…]±zz:zz`; other text (FHIR dateTimes among it) is kept. A v2
/// time without zone is kept as it is, so that it is refused: FHIR needs the zone.
pub fn normalize_date_time(d: &str) -> String {
    let b = d.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == d.len() && digits == 8 {
        return normalize_date(d);
    }
    if !(digits == 12 || digits == 14) {
        return d.to_string();
    }
    let rest = &d[digits..];
    let (fraction, zone) = match rest.strip_prefix('.') {
        Some(r) if digits == 14 => {
            let n = r.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                return d.to_string();
            }
            (&rest[..=n], &r[n..])
        }
        _ => ("", rest),
    };
    let zb = zone.as_bytes();
    let zone_ok =
        zb.len() == 5 && matches!(zb[0], b'+' | b'-') && zb[1..].iter().all(u8::is_ascii_digit);
    if !zone_ok {
        return d.to_string();
    }
    let seconds = if digits == 14 { &d[12..14] } else { "00" };
    format!(
        "{}-{}-{}T{}:{}:{}{}{}:{}",
        &d[..4],
        &d[4..6],
        &d[6..8],
        &d[8..10],
        &d[10..12],
        seconds,
        fraction,
        &zone[..3],
        &zone[3..]
    )
}

/// An absolute URI: a scheme (`urn`, `http`...), a colon, then text without whitespace.
pub fn is_absolute_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !s.chars().any(char::is_whitespace)
}

/// A BCP 47 language tag, by its syntax: a 2 to 8 letter primary subtag, then subtags of 1
/// to 8 letters or digits, separated by `-`.
pub fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let primary_ok = parts
        .next()
        .is_some_and(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    primary_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// A literal reference to an Organization: `Organization/<id>`, or an absolute http(s) URL
/// ending so.
pub fn is_organization_reference(s: &str) -> bool {
    let tail = if s.starts_with("http://") || s.starts_with("https://") {
        match s.rfind("/Organization/") {
            Some(i) => &s[i + 1..],
            None => return false,
        }
    } else {
        s
    };
    tail.strip_prefix("Organization/").is_some_and(|id| {
        crate::validate::check_string_format(crate::spec::Primitive::Id, id).is_ok()
    }) && !s.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_timestamps_become_date_times_and_the_rest_is_kept() {
        for (v2, fhir) in [
            ("20200102", "2020-01-02"),
            ("202001021304+0100", "2020-01-02T13:04:00+01:00"),
            ("20200102130405-0500", "2020-01-02T13:04:05-05:00"),
            ("20200102130405.25+0000", "2020-01-02T13:04:05.25+00:00"),
            ("20200102130405", "20200102130405"),
            ("2020010213+0100", "2020010213+0100"),
            ("202001021304.5+0100", "202001021304.5+0100"),
            ("20200102130405.+0100", "20200102130405.+0100"),
            ("2020-01-02T13:04:05Z", "2020-01-02T13:04:05Z"),
        ] {
            assert_eq!(normalize_date_time(v2), fhir, "{v2}");
        }
    }

    #[test]
    fn syntax_checks() {
        assert!(is_absolute_uri("urn:oid:1.2.3"));
        assert!(is_absolute_uri("http://snomed.info/sct"));
        assert!(!is_absolute_uri("SNOMED"));
        assert!(!is_absolute_uri("1http:x"));
        assert!(!is_absolute_uri("urn:"));
        assert!(!is_absolute_uri("urn:a b"));
        for ok in ["es", "ca", "en-GB", "zh-Hant-TW", "es-419"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in ["", "e", "español", "en_GB", "en-", "toolongtag"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
        assert!(is_organization_reference("Organization/org-1"));
        assert!(is_organization_reference(
            "https://example.org/fhir/Organization/1"
        ));
        for bad in [
            "Patient/1",
            "Organization/",
            "Organization/a b",
            "org-1",
            "ftp://x/Organization/1",
        ] {
            assert!(!is_organization_reference(bad), "{bad}");
        }
    }

    #[test]
    fn code_tables() {
        let [snomed, icd] = diabetes_codings("type1").expect("type1");
        assert_eq!((snomed.0, snomed.1), (SNOMED_SYSTEM, "46635009"));
        assert_eq!((icd.0, icd.1), (ICD10_SYSTEM, "E10"));
        assert_eq!(
            diabetes_codings("gestational").map(|c| c[1].1),
            Some("O24.4")
        );
        assert_eq!(diabetes_codings("unspecified").map(|c| c[1].1), Some("E14"));
        assert!(diabetes_codings("type3").is_none());
        assert_eq!(marital_status("m").map(|c| c.2), Some("Married"));
        assert_eq!(marital_status("UNK").map(|c| c.0), Some(NULL_FLAVOR_SYSTEM));
        assert!(marital_status("X").is_none());
    }
}
