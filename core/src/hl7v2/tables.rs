//! The HL7 v2 tables pfhir maps, with their FHIR targets (docs/hl7v2.md lists the same).

/// Table 0001 (administrative sex) -> Patient.gender. `A` (ambiguous) and `N` (not
/// applicable) have no FHIR match: `other` and `unknown`.
pub fn gender(code: &str) -> Option<&'static str> {
    Some(match code {
        "M" => "male",
        "F" => "female",
        "O" | "A" => "other",
        "U" | "N" => "unknown",
        _ => return None,
    })
}

/// Table 0002 (marital status) -> HL7 v3 MaritalStatus (or `UNK`). Several v2 codes have no
/// v3 match and take the nearest: `C` common law, `G` living together, `P` domestic
/// partner and `R` registered domestic partner -> `T`; `E` legally separated and `A`
/// separated -> `L`; `N` annulled -> `A`; `B` unmarried -> `U`; `O` other and `T`
/// unreported -> `UNK`.
pub fn marital_status(code: &str) -> Option<&'static str> {
    Some(match code {
        "A" | "E" => "L",
        "B" => "U",
        "C" | "G" | "P" | "R" => "T",
        "D" => "D",
        "I" => "I",
        "M" => "M",
        "N" => "A",
        "S" => "S",
        "W" => "W",
        "O" | "T" | "U" => "UNK",
        _ => return None,
    })
}

/// Table 0203 (identifier type) codes accepted in CX.5; also `NN` + an ISO 3166 alpha-3
/// country (`NNESP`, `NNITA`: national person identifier).
pub const IDENTIFIER_TYPES: &[&str] = &[
    "AN", "BR", "BRN", "DL", "DN", "DR", "EI", "EN", "HC", "JHN", "MA", "MC", "MCN", "MD", "MR",
    "NH", "NI", "NIIP", "NPI", "PE", "PI", "PN", "PPN", "PRN", "PT", "RRI", "SB", "SN", "SS",
    "TAX", "U", "VN", "XX",
];

/// Whether `code` is an accepted table 0203 code.
pub fn identifier_type(code: &str) -> bool {
    IDENTIFIER_TYPES.contains(&code)
        || (code.len() == 5
            && code.starts_with("NN")
            && code[2..].bytes().all(|b| b.is_ascii_uppercase()))
}

/// ISO 639-2 (three letters) codes of the languages HIS systems in the partner countries
/// send, with their ISO 639-1 tag.
const LANGUAGES_639_2: &[(&str, &str)] = &[
    ("spa", "es"),
    ("cat", "ca"),
    ("eus", "eu"),
    ("baq", "eu"),
    ("glg", "gl"),
    ("eng", "en"),
    ("fra", "fr"),
    ("fre", "fr"),
    ("ita", "it"),
    ("deu", "de"),
    ("ger", "de"),
    ("por", "pt"),
    ("ara", "ar"),
    ("ron", "ro"),
    ("rum", "ro"),
    ("zho", "zh"),
    ("chi", "zh"),
];

/// PID-15 (CE.1) -> a BCP 47 tag: an ISO 639-1 code (`es`, `ES`), a BCP 47 tag (`en-GB`),
/// or one of the ISO 639-2 codes above (`spa`).
pub fn language(code: &str) -> Option<String> {
    let lower = code.to_ascii_lowercase();
    if let Some((_, tag)) = LANGUAGES_639_2.iter().find(|(c, _)| *c == lower) {
        return Some((*tag).to_string());
    }
    let mut parts = code.split(['-', '_']);
    let primary = parts.next()?;
    if primary.len() != 2 || !primary.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let mut tag = primary.to_ascii_lowercase();
    for p in parts {
        if p.is_empty() || p.len() > 8 || !p.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        tag.push('-');
        tag.push_str(&if p.len() == 2 {
            p.to_ascii_uppercase()
        } else {
            p.to_string()
        });
    }
    Some(tag)
}

/// Table 0190 (address type) XAD.7 -> (Address.use, Address.type). Codes not listed are
/// not mapped (the address is sent without use).
pub fn address_type(code: &str) -> (Option<&'static str>, Option<&'static str>) {
    match code {
        "H" | "P" => (Some("home"), None),
        "B" | "O" => (Some("work"), None),
        "C" => (Some("temp"), None),
        "BA" => (Some("old"), None),
        "M" => (None, Some("postal")),
        _ => (None, None),
    }
}

/// What a telecom (XTN) repetition is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Telecom {
    /// A phone, with its ContactPoint.use (`None`: the field's default).
    Phone(Option<&'static str>),
    /// An e-mail address (XTN.4).
    Email,
    /// A fax, pager, modem or text phone: not sent (PatientInput has phones and e-mails).
    NotSent,
}

/// XTN.2 (table 0201) and XTN.3 (table 0202) -> what the repetition is.
pub fn telecom(use_code: &str, equipment: &str) -> Telecom {
    match (use_code, equipment) {
        (_, "Internet" | "X.400") | ("NET", _) => Telecom::Email,
        (_, "FX" | "BP" | "MD" | "TDD" | "TTY") => Telecom::NotSent,
        (_, "CP") => Telecom::Phone(Some("mobile")),
        ("PRN" | "ORN", _) => Telecom::Phone(Some("home")),
        ("WPN", _) => Telecom::Phone(Some("work")),
        ("VHN", _) => Telecom::Phone(Some("temp")),
        _ => Telecom::Phone(None),
    }
}

/// Coding system names (CE.3 / CWE.3, table 0396) read as ICD-10 (WHO).
pub const ICD10_NAMES: &[&str] = &["I10", "ICD10", "ICD-10"];
/// Coding system names read as SNOMED CT.
pub const SNOMED_NAMES: &[&str] = &["SCT", "SNOMEDCT", "SNOMED-CT", "SNM"];

/// A DG1-3 diagnosis that pfhir sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Diabetes {
    /// Exactly one of the `diabetes` shorthands (`type1`, `type2`, `gestational`,
    /// `unspecified`).
    Shorthand(&'static str),
    /// A finer ICD-10 code of that family: sent as it came, after the SNOMED CT code and
    /// display of the family (`None`: E13, which has no SNOMED CT code of its own here).
    Icd10(Option<(&'static str, &'static str)>),
}

/// SNOMED CT codes of the shorthands.
const SNOMED_SHORTHANDS: &[(&str, &str)] = &[
    ("46635009", "type1"),
    ("44054006", "type2"),
    ("11687002", "gestational"),
    ("73211009", "unspecified"),
];

/// The ICD-10 families of diabetes: code prefix, shorthand of the category itself, SNOMED CT
/// code of the family.
type Family = (
    &'static str,
    Option<&'static str>,
    Option<(&'static str, &'static str)>,
);
const ICD10_FAMILIES: &[Family] = &[
    (
        "E10",
        Some("type1"),
        Some(("46635009", "Diabetes mellitus type 1")),
    ),
    (
        "E11",
        Some("type2"),
        Some(("44054006", "Diabetes mellitus type 2")),
    ),
    ("E13", None, None),
    (
        "E14",
        Some("unspecified"),
        Some(("73211009", "Diabetes mellitus")),
    ),
    (
        "O24.4",
        Some("gestational"),
        Some(("11687002", "Gestational diabetes mellitus")),
    ),
];

/// Whether a DG1-3 code (system name, code) is a diabetes diagnosis, and how it is sent.
pub fn diabetes(system: &str, code: &str) -> Option<Diabetes> {
    let system = system.to_ascii_uppercase();
    if SNOMED_NAMES.contains(&system.as_str()) {
        return SNOMED_SHORTHANDS
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, s)| Diabetes::Shorthand(s));
    }
    if !ICD10_NAMES.contains(&system.as_str()) {
        return None;
    }
    let code = code.to_ascii_uppercase();
    for (prefix, shorthand, snomed) in ICD10_FAMILIES {
        if code == *prefix {
            return Some(match shorthand {
                Some(s) => Diabetes::Shorthand(s),
                None => Diabetes::Icd10(None),
            });
        }
        if let Some(rest) = code.strip_prefix(prefix) {
            let rest = rest.strip_prefix('.').unwrap_or(rest);
            if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Some(Diabetes::Icd10(*snomed));
            }
        }
    }
    None
}

/// Table 0052 (diagnosis type) DG1-6 -> Condition.verificationStatus: `F` final ->
/// `confirmed`, `A` admitting and `W` working -> `provisional`; other codes: not mapped.
pub fn verification_status(code: &str) -> Option<&'static str> {
    match code {
        "F" => Some("confirmed"),
        "A" | "W" => Some("provisional"),
        _ => None,
    }
}

/// Events that create a patient.
pub const CREATE_EVENTS: &[&str] = &["A01", "A04", "A05", "A28"];
/// Events that update a patient.
pub const UPDATE_EVENTS: &[&str] = &["A08", "A31"];
/// Supported versions (MSH-12.1).
pub const VERSIONS: &[&str] = &[
    "2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.7.1", "2.8", "2.8.1", "2.8.2",
];
