//! `cargo xtask check`'s coverage rule: every function of the header is called by each
//! binding's hand-written, idiomatic layer (being declared in generated code is not enough),
//! except the few in [`SKIP`], each with the reason. One check for C++, Python, Java and .NET.

use crate::abi::Abi;
use std::path::{Path, PathBuf};

/// A binding: its name, the folder of its hand-written sources and their file extension.
pub struct Binding {
    /// Short name, as [`SKIP`] spells it.
    pub name: &'static str,
    /// The folders (relative to the workspace root) of its library sources (not tests).
    pub dirs: &'static [&'static str],
    /// Their extension.
    pub ext: &'static str,
}

/// The bindings whose coverage is checked.
pub const BINDINGS: &[Binding] = &[
    // The C ABI's own tests: every function is called by one.
    Binding {
        name: "c-tests",
        dirs: &["ffi/tests/c"],
        ext: "c",
    },
    Binding {
        name: "cpp",
        dirs: &["bindings/cpp"],
        ext: "hpp",
    },
    Binding {
        name: "python",
        dirs: &["bindings/python/pfhir"],
        ext: "py",
    },
    Binding {
        name: "java",
        dirs: &["bindings/java/src/main/java"],
        ext: "java",
    },
    Binding {
        name: "dotnet",
        dirs: &["bindings/dotnet/src"],
        ext: "cs",
    },
];

/// Functions a binding does not call from its idiomatic layer, and why. `*` is every binding
/// but the C tests, which call every function. A name ending in `*` is a prefix.
pub const SKIP: &[(&str, &str, &str)] = &[
    // The plain calls have a `_with_request_id` form, which every binding uses (a null
    // request id means "make one"): one code path instead of two.
    (
        "*",
        "pfhir_client_create",
        "uses pfhir_client_create_with_request_id",
    ),
    (
        "*",
        "pfhir_client_update",
        "uses pfhir_client_update_with_request_id",
    ),
    (
        "*",
        "pfhir_client_read",
        "uses pfhir_client_read_with_request_id",
    ),
    // Python and Java build from the whole PatientInput as JSON (pfhir_builder_set_input_json,
    // then the builder's options): their users pass a dict / a PatientInput object, so the
    // field-by-field setters (C, C++ and .NET expose them) would be a second way to do it.
    ("python", "pfhir_builder_*", "builds from PatientInput JSON"),
    ("java", "pfhir_builder_*", "builds from PatientInput JSON"),
];

/// The builder functions every binding calls, also those that build from JSON.
const BUILDER_CORE: &[&str] = &[
    "pfhir_builder_new",
    "pfhir_builder_set_input_json",
    "pfhir_builder_add_accepted_authority",
    "pfhir_builder_set_source_endpoint",
    "pfhir_builder_set_omit_bundle_id",
    "pfhir_builder_build",
    "pfhir_builder_free",
];

fn skipped(binding: &str, function: &str) -> bool {
    SKIP.iter().any(|(b, f, _)| {
        let who = (*b == "*" && binding != "c-tests") || *b == binding;
        let what = match f.strip_suffix('*') {
            Some(prefix) => function.starts_with(prefix) && !BUILDER_CORE.contains(&function),
            None => *f == function,
        };
        who && what
    })
}

/// The hand-written files of a binding: its sources minus the generated ones.
fn hand_written(root: &Path, b: &Binding, generated: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = b.dirs.iter().map(|d| root.join(d)).collect();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                if p.file_name()
                    .is_some_and(|n| n != "build" && n != "__pycache__")
                {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|x| x == b.ext)
                && !generated.iter().any(|g| root.join(g) == p)
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Whether `text` names `function` as a whole identifier.
fn mentions(text: &str, function: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(function).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + function.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

/// Every (binding, function) the rule finds missing, plus skip entries that name no function.
pub fn missing(root: &Path, abi: &Abi, generated: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    for b in BINDINGS {
        let files = hand_written(root, b, generated);
        if files.is_empty() {
            problems.push(format!("{}: no hand-written sources found", b.name));
            continue;
        }
        let text: String = files
            .iter()
            .filter_map(|f| std::fs::read_to_string(f).ok())
            .collect::<Vec<_>>()
            .join("\n");
        for f in &abi.functions {
            if !skipped(b.name, &f.name) && !mentions(&text, &f.name) {
                problems.push(format!("{}: {} is not used", b.name, f.name));
            }
        }
    }
    for (b, f, _) in SKIP {
        let known = match f.strip_suffix('*') {
            Some(prefix) => abi.functions.iter().any(|x| x.name.starts_with(prefix)),
            None => abi.function(f).is_some(),
        };
        if !known {
            problems.push(format!("skip list: {b}/{f} is not a function of pfhir.h"));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_whole_identifiers_only() {
        assert!(mentions("lib().pfhir_validate(x)", "pfhir_validate"));
        assert!(!mentions("pfhir_validator_new(x)", "pfhir_validate"));
        assert!(!mentions("xpfhir_validate", "pfhir_validate"));
    }
}
