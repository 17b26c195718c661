//! Turning FHIR names into Rust names.

/// `Patient.contact` -> `PATIENT_CONTACT`, `dateTime` -> `DATE_TIME`, `issue-type` -> `ISSUE_TYPE`.
pub fn const_name(s: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    out
}

/// `dateTime` -> `DateTime`.
pub fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// `birthDate` -> `birth_date`; Rust keywords get a trailing underscore (`type_`).
pub fn field_name(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    const KEYWORDS: &[&str] = &[
        "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn",
        "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
        "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
        "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final",
        "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
    ];
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// `Patient.contact` -> `PatientContact`.
pub fn struct_name(path: &str) -> String {
    path.split('.').map(upper_first).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(const_name("Patient.contact"), "PATIENT_CONTACT");
        assert_eq!(const_name("dateTime"), "DATE_TIME");
        assert_eq!(const_name("issue-type"), "ISSUE_TYPE");
        assert_eq!(field_name("birthDate"), "birth_date");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(struct_name("Bundle.entry.request"), "BundleEntryRequest");
    }
}
