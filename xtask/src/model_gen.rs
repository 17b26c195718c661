//! Writes `core/src/model/generated.rs`: the typed model's structs and enums.
//!
//! Every struct gets its serde impls through the hand-written `fhir_object!` macro and the
//! `FhirObject` trait of `core/src/model/object.rs`; this generator only lists fields.

use crate::defs::{Definitions, ElementDefinition, Kind, TypeDefinition};
use crate::names::{field_name, struct_name, upper_first};
use crate::spec_gen::{children, element_name, is_node, node_paths, primitive_variant};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// The Rust type holding a primitive's value.
fn primitive_rust_type(code: &str) -> &'static str {
    match code {
        "boolean" => "bool",
        "integer" | "unsignedInt" | "positiveInt" => "i64",
        "decimal" => "Decimal",
        _ => "String",
    }
}

/// What a field holds.
enum FieldKind {
    /// A primitive: value + `_name` extension.
    Primitive { rust: &'static str },
    /// A complex datatype or a backbone struct.
    Complex { rust: String },
    /// A resource, chosen by `resourceType`.
    Resource,
    /// A choice `[x]`, held in a generated enum.
    Choice { enum_name: String },
}

struct Field {
    json: String,
    rust: String,
    /// The field holding a primitive's `_name` extension (`use_ext` for `use`).
    ext: String,
    repeats: bool,
    kind: FieldKind,
    short: String,
}

/// One generated struct: a type's root or a backbone element.
struct Struct {
    name: String,
    path: String,
    type_name: String,
    is_resource: bool,
    fields: Vec<Field>,
    doc: String,
}

struct ChoiceEnum {
    name: String,
    element: String,
    variants: Vec<(String, String, bool, String)>, // (variant, rust type, is_primitive, json name)
}

fn struct_of_element(def: &TypeDefinition, e: &ElementDefinition) -> Option<String> {
    if let Some(r) = &e.content_reference {
        return Some(struct_name(r.trim_start_matches('#')));
    }
    is_node(def, e).then(|| struct_name(&e.path))
}

fn collect(defs: &Definitions) -> (Vec<Struct>, Vec<ChoiceEnum>) {
    let mut structs = Vec::new();
    let mut enums = Vec::new();
    for def in defs.types.values() {
        if def.kind == Kind::Primitive || (def.abstract_ && def.name != "Element") {
            continue;
        }
        for path in node_paths(def) {
            let mut fields = Vec::new();
            for e in children(def, &path) {
                let name = element_name(&e.path);
                let repeats = e.max != Some(1);
                let kind = if let Some(s) = struct_of_element(def, e) {
                    FieldKind::Complex { rust: s }
                } else if e.path.ends_with("[x]") {
                    let enum_name = struct_name(&format!("{path}.{name}"));
                    let variants = e
                        .types
                        .iter()
                        .map(|t| {
                            let prim = primitive_variant(&t.code).is_some();
                            let rust = if prim {
                                primitive_rust_type(&t.code).to_string()
                            } else {
                                format!("Box<{}>", t.code)
                            };
                            (
                                upper_first(&t.code),
                                rust,
                                prim,
                                format!("{name}{}", upper_first(&t.code)),
                            )
                        })
                        .collect();
                    enums.push(ChoiceEnum {
                        name: enum_name.clone(),
                        element: e.path.clone(),
                        variants,
                    });
                    FieldKind::Choice { enum_name }
                } else {
                    let code = e.types.first().map(|t| t.code.as_str()).unwrap_or("");
                    if primitive_variant(code).is_some() {
                        FieldKind::Primitive {
                            rust: primitive_rust_type(code),
                        }
                    } else if code == "Resource" {
                        FieldKind::Resource
                    } else {
                        FieldKind::Complex {
                            rust: code.to_string(),
                        }
                    }
                };
                fields.push(Field {
                    json: name.to_string(),
                    rust: field_name(name),
                    ext: format!("{}_ext", field_name(name).trim_end_matches('_')),
                    repeats,
                    kind,
                    short: e.short.clone(),
                });
            }
            let doc = if path == def.name {
                def.description.lines().next().unwrap_or("").to_string()
            } else {
                def.elements
                    .iter()
                    .find(|e| e.path == path)
                    .map(|e| e.short.clone())
                    .unwrap_or_default()
            };
            structs.push(Struct {
                name: struct_name(&path),
                path: path.clone(),
                type_name: def.name.clone(),
                is_resource: def.kind == Kind::Resource && path == def.name,
                fields,
                doc,
            });
        }
    }
    (structs, enums)
}

/// Struct fields that must be boxed because they close a cycle of inline (singular) fields.
fn boxed_edges(structs: &[Struct]) -> BTreeSet<(String, String)> {
    let mut edges: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for s in structs {
        for f in &s.fields {
            if let FieldKind::Complex { rust } = &f.kind {
                if !f.repeats {
                    edges.entry(&s.name).or_default().push(rust);
                }
            }
        }
    }
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from];
        while let Some(n) = todo.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n) {
                todo.extend(edges.get(n).into_iter().flatten().copied());
            }
        }
        false
    };
    let mut out = BTreeSet::new();
    for s in structs {
        for f in &s.fields {
            if let FieldKind::Complex { rust } = &f.kind {
                if !f.repeats && reaches(rust, &s.name) {
                    out.insert((s.name.clone(), f.rust.clone()));
                }
            }
        }
    }
    out
}

fn doc_line(s: &str) -> String {
    let s = s.trim().replace(['\r', '\n'], " ");
    let s = s
        .replace('[', "\\[")
        .replace(']', "\\]")
        .replace('<', "&lt;");
    // Bare URLs become links (rustdoc warns about them otherwise).
    let s = s
        .split(' ')
        .map(|w| {
            let url = w.trim_end_matches(['.', ',', ')']);
            if url.starts_with("http://") || url.starts_with("https://") {
                format!("<{url}>{}", &w[url.len()..])
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    if s.is_empty() {
        "(no description)".to_string()
    } else {
        s
    }
}

/// Generates the model's Rust source.
pub fn generate(defs: &Definitions) -> String {
    let (structs, enums) = collect(defs);
    let boxed = boxed_edges(&structs);
    let mut out = String::new();
    out.push_str(crate::HEADER);
    out.push_str("use super::object::*;\nuse super::{Decimal, Extra, Resource};\n\n");

    for s in &structs {
        let _ = writeln!(out, "/// {} (`{}`).", doc_line(&s.doc), s.path);
        let _ = writeln!(out, "#[derive(Clone, Default, PartialEq)]");
        let _ = writeln!(out, "pub struct {} {{", s.name);
        for f in &s.fields {
            let _ = writeln!(out, "    /// {} (`{}`)", doc_line(&f.short), f.json);
            let ty = match &f.kind {
                FieldKind::Primitive { rust } if f.repeats => format!("Vec<Option<{rust}>>"),
                FieldKind::Primitive { rust } => format!("Option<{rust}>"),
                FieldKind::Complex { rust } if f.repeats => format!("Vec<{rust}>"),
                FieldKind::Complex { rust }
                    if boxed.contains(&(s.name.clone(), f.rust.clone())) =>
                {
                    format!("Option<Box<{rust}>>")
                }
                FieldKind::Complex { rust } => format!("Option<{rust}>"),
                FieldKind::Resource if f.repeats => "Vec<Resource>".to_string(),
                FieldKind::Resource => "Option<Resource>".to_string(),
                FieldKind::Choice { enum_name } => format!("Option<{enum_name}>"),
            };
            let _ = writeln!(out, "    pub {}: {ty},", f.rust);
            if let FieldKind::Primitive { .. } = f.kind {
                let _ = writeln!(
                    out,
                    "    /// Id and extensions of `{}` (the JSON member `_{}`)",
                    f.json, f.json
                );
                let ext = if f.repeats {
                    "Vec<Option<Element>>"
                } else {
                    "Option<Box<Element>>"
                };
                let _ = writeln!(out, "    pub {}: {ext},", f.ext);
            }
        }
        let _ = writeln!(
            out,
            "    /// Members the model does not type, kept as JSON (see the module docs)."
        );
        let _ = writeln!(out, "    pub extra: Extra,");
        let _ = writeln!(out, "}}\n");

        // FhirObject impl.
        let _ = writeln!(out, "impl FhirObject for {} {{", s.name);
        let _ = writeln!(
            out,
            "    const TYPE_NAME: &'static str = {:?};",
            s.type_name
        );
        let _ = writeln!(out, "    const IS_RESOURCE: bool = {};", s.is_resource);
        let _ = writeln!(
            out,
            "    fn read_member<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {{"
        );
        let _ = writeln!(out, "        match key {{");
        for f in &s.fields {
            match &f.kind {
                FieldKind::Choice { enum_name } => {
                    let e = enums.iter().find(|e| &e.name == enum_name);
                    for (variant, _, _, json) in e.into_iter().flat_map(|e| &e.variants) {
                        let _ = writeln!(
                            out,
                            "            {json:?} => read_choice(map, &mut self.{}, {enum_name}::{variant}),",
                            f.rust
                        );
                    }
                }
                FieldKind::Primitive { .. } => {
                    let _ = writeln!(
                        out,
                        "            {:?} => read_value(map, &mut self.{}),",
                        f.json, f.rust
                    );
                    let _ = writeln!(
                        out,
                        "            \"_{}\" => read_value(map, &mut self.{}),",
                        f.json, f.ext
                    );
                }
                _ => {
                    let _ = writeln!(
                        out,
                        "            {:?} => read_value(map, &mut self.{}),",
                        f.json, f.rust
                    );
                }
            }
        }
        let _ = writeln!(out, "            _ => Ok(false),");
        let _ = writeln!(out, "        }}");
        let _ = writeln!(out, "    }}");
        let _ = writeln!(
            out,
            "    fn write_members<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {{"
        );
        for f in &s.fields {
            match &f.kind {
                FieldKind::Choice { .. } => {
                    let _ = writeln!(out, "        write_choice(m, &self.{})?;", f.rust);
                }
                FieldKind::Primitive { .. } => {
                    let _ = writeln!(
                        out,
                        "        write_value(m, {:?}, &self.{})?;",
                        f.json, f.rust
                    );
                    let _ = writeln!(
                        out,
                        "        write_value(m, \"_{}\", &self.{})?;",
                        f.json, f.ext
                    );
                }
                _ => {
                    let _ = writeln!(
                        out,
                        "        write_value(m, {:?}, &self.{})?;",
                        f.json, f.rust
                    );
                }
            }
        }
        let _ = writeln!(out, "        Ok(())");
        let _ = writeln!(out, "    }}");
        let _ = writeln!(
            out,
            "    fn shape(&self) -> Vec<(&'static str, Presence)> {{"
        );
        let _ = write!(out, "        vec![");
        for f in &s.fields {
            let _ = write!(out, "({:?}, presence(&self.{})), ", f.json, f.rust);
        }
        let _ = writeln!(out, "]");
        let _ = writeln!(out, "    }}");
        let _ = writeln!(out, "    fn extra(&self) -> &Extra {{ &self.extra }}");
        let _ = writeln!(
            out,
            "    fn extra_mut(&mut self) -> &mut Extra {{ &mut self.extra }}"
        );
        let _ = writeln!(out, "}}");
        let _ = writeln!(out, "fhir_object!({});\n", s.name);
    }

    for e in &enums {
        let _ = writeln!(out, "/// The choice `{}`.", e.element);
        let _ = writeln!(out, "#[derive(Clone, PartialEq)]");
        let _ = writeln!(out, "pub enum {} {{", e.name);
        for (variant, rust, _, json) in &e.variants {
            let _ = writeln!(out, "    /// `{json}`");
            let _ = writeln!(out, "    {variant}({rust}),");
        }
        let _ = writeln!(out, "}}\n");
        let _ = writeln!(out, "impl Choice for {} {{", e.name);
        let _ = writeln!(out, "    fn json_name(&self) -> &'static str {{");
        let _ = writeln!(out, "        match self {{");
        for (variant, _, _, json) in &e.variants {
            let _ = writeln!(out, "            Self::{variant}(_) => {json:?},");
        }
        let _ = writeln!(out, "        }}");
        let _ = writeln!(out, "    }}");
        let _ = writeln!(
            out,
            "    fn write_value<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {{"
        );
        let _ = writeln!(out, "        match self {{");
        for (variant, _, _, json) in &e.variants {
            let _ = writeln!(
                out,
                "            Self::{variant}(v) => m.serialize_entry({json:?}, v),"
            );
        }
        let _ = writeln!(out, "        }}");
        let _ = writeln!(out, "    }}");
        let _ = writeln!(out, "}}");
        let _ = writeln!(out, "choice_debug!({});\n", e.name);
    }
    out
}
