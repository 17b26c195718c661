//! Writes `core/src/spec/generated.rs`: the element tables.

use crate::defs::{Definitions, ElementDefinition, Kind, TypeDefinition, MIME_TYPES_URL};
use crate::names::{const_name, upper_first};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The member-name hash of the core, compiled from its std-only source so the generated
/// index and the core's lookup agree by construction.
#[path = "../../core/src/spec/member_hash.rs"]
#[allow(dead_code)]
mod member_hash;
use member_hash::{home_slot, member_hash, MemberSlot};

/// The primitive enum variant of a primitive type code.
pub fn primitive_variant(code: &str) -> Option<&'static str> {
    Some(match code {
        "base64Binary" => "Base64Binary",
        "boolean" => "Boolean",
        "code" => "Code",
        "date" => "Date",
        "dateTime" => "DateTime",
        "decimal" => "Decimal",
        "id" => "Id",
        "instant" => "Instant",
        "integer" => "Integer",
        "markdown" => "Markdown",
        "oid" => "Oid",
        "positiveInt" => "PositiveInt",
        "string" => "String",
        "time" => "Time",
        "unsignedInt" => "UnsignedInt",
        "uri" => "Uri",
        "xhtml" => "Xhtml",
        _ => return None,
    })
}

/// The direct children of the element at `path` within a type's snapshot.
pub fn children<'a>(def: &'a TypeDefinition, path: &str) -> Vec<&'a ElementDefinition> {
    def.elements
        .iter()
        .filter(|e| {
            e.path
                .strip_prefix(path)
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|rest| !rest.contains('.'))
        })
        .collect()
}

/// True when the element has children of its own (a backbone or inline `Element`).
pub fn is_node(def: &TypeDefinition, e: &ElementDefinition) -> bool {
    !children(def, &e.path).is_empty()
}

/// The last path segment without `[x]`.
pub fn element_name(path: &str) -> &str {
    let last = path.rsplit('.').next().unwrap_or(path);
    last.strip_suffix("[x]").unwrap_or(last)
}

/// Every complex element of a type that gets a node: its root, then its backbones.
pub fn node_paths(def: &TypeDefinition) -> Vec<String> {
    let mut out = vec![def.name.clone()];
    for e in &def.elements {
        if e.path != def.name && is_node(def, e) {
            out.push(e.path.clone());
        }
    }
    out
}

fn node_static(path: &str) -> String {
    format!("N_{}", const_name(path))
}

fn type_static(name: &str) -> String {
    format!("T_{}", const_name(name))
}

fn vs_static(url: &str) -> String {
    format!("VS_{}", const_name(url.rsplit('/').next().unwrap_or(url)))
}

fn lit(s: &str) -> String {
    format!("{s:?}")
}

/// Every invariant key of the definitions, sorted: `INVARIANTS` in this order, so a node
/// names its invariants by index.
fn invariant_keys(defs: &Definitions) -> Vec<String> {
    let mut keys: Vec<String> = defs
        .types
        .values()
        .flat_map(|d| d.elements.iter())
        .flat_map(|e| e.constraints.iter().map(|c| c.key.clone()))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Writes the node of `path`; returns its number of elements.
fn write_node(out: &mut String, defs: &Definitions, def: &TypeDefinition, path: &str) -> usize {
    let mut invariants: Vec<String> = Vec::new();
    let mut add_invariants = |e: &ElementDefinition| {
        for c in &e.constraints {
            if c.key != "ele-1" && !invariants.contains(&c.key) {
                invariants.push(c.key.clone());
            }
        }
    };
    if let Some(own) = def.elements.iter().find(|e| e.path == path) {
        add_invariants(own);
    }
    let kids = children(def, path);
    for e in &kids {
        if !is_node(def, e) {
            add_invariants(e);
        }
    }
    let _ = writeln!(out, "static {}: NodeDef = NodeDef {{", node_static(path));
    let _ = writeln!(out, "    path: {},", lit(path));
    let _ = writeln!(out, "    elements: &[");
    let mut names: Vec<Vec<String>> = Vec::new();
    let mut required = 0u64;
    for e in kids {
        if def.kind == Kind::Primitive && e.path.ends_with(".value") {
            continue;
        }
        assert!(
            names.len() < 64,
            "{path}: more elements than a u64 mask has bits"
        );
        if e.min > 0 {
            required |= 1 << names.len();
        }
        names.push(write_element(out, defs, def, e));
    }
    let count = names.len();
    let _ = writeln!(out, "    ],");
    let keys = invariant_keys(defs);
    let inv: Vec<String> = invariants
        .iter()
        .map(|k| {
            let i = keys
                .iter()
                .position(|x| x == k)
                .expect("every key is among INVARIANTS");
            format!("{i} /* {k} */")
        })
        .collect();
    let _ = writeln!(out, "    invariants: &[{}],", inv.join(", "));
    let _ = writeln!(out, "    required: {required:#x},");
    let _ = writeln!(
        out,
        "    index: &[{}],",
        member_index(path, &names).join(", ")
    );
    let _ = writeln!(out, "}};");
    count
}

/// The member index of a node (see `NodeDef::member_at`): each JSON member name `names[e][t]`
/// of element `e`, type `t`, placed by linear probing from its home slot in a power-of-two
/// table at most 3/4 full (so every probe ends at an empty slot).
fn member_index(path: &str, names: &[Vec<String>]) -> Vec<String> {
    let n: usize = names.iter().map(Vec::len).sum();
    let len = (n * 4 / 3 + 1).next_power_of_two();
    // (hash, element, type, name) of each filled slot.
    let mut slots: Vec<Option<(u16, u8, u8, &str)>> = vec![None; len];
    for (e, types) in names.iter().enumerate() {
        for (t, name) in types.iter().enumerate() {
            assert!(
                e < MemberSlot::EMPTY as usize && t < u8::MAX as usize,
                "{path}: too many elements or types for the member index"
            );
            let hash = member_hash(name.as_bytes());
            let mut i = home_slot(hash, len);
            while slots[i].is_some() {
                i = (i + 1) & (len - 1);
            }
            slots[i] = Some((hash as u16, e as u8, t as u8, name));
        }
    }
    slots
        .iter()
        .map(|s| match s {
            None => "MemberSlot::NONE".to_string(),
            Some((hash, element, ty, name)) => format!(
                "MemberSlot {{ hash: {hash}, element: {element}, ty: {ty}, name: {name:?} }}"
            ),
        })
        .collect()
}

/// Writes one element; returns the JSON member names of its types, in order.
fn write_element(
    out: &mut String,
    defs: &Definitions,
    def: &TypeDefinition,
    e: &ElementDefinition,
) -> Vec<String> {
    let mut names = Vec::new();
    let name = element_name(&e.path);
    let choice = e.path.ends_with("[x]");
    let max = e.max.map_or("UNBOUNDED".to_string(), |m| m.to_string());
    let _ = writeln!(out, "        ElementDef {{");
    let _ = writeln!(
        out,
        "            name: {}, path: {}, min: {}, max: {max}, choice: {choice}, modifier: {}, xml_attr: {},",
        lit(name),
        lit(&e.path),
        e.min,
        e.is_modifier,
        e.xml_attr
    );
    let _ = writeln!(out, "            types: &[");
    if let Some(reference) = &e.content_reference {
        let target = reference.trim_start_matches('#');
        let _ = writeln!(
            out,
            "                TypeRef {{ json_name: {}, code: \"BackboneElement\", target: Target::Backbone(&{}), reference_targets: &[] }},",
            lit(name),
            node_static(target)
        );
        names.push(name.to_string());
    } else if is_node(def, e) {
        let code = e
            .types
            .first()
            .map_or("BackboneElement", |t| t.code.as_str());
        let _ = writeln!(
            out,
            "                TypeRef {{ json_name: {}, code: {}, target: Target::Backbone(&{}), reference_targets: &[] }},",
            lit(name),
            lit(code),
            node_static(&e.path)
        );
        names.push(name.to_string());
    } else {
        for t in &e.types {
            let json_name = if choice {
                format!("{name}{}", upper_first(&t.code))
            } else {
                name.to_string()
            };
            let target = if let Some(p) = primitive_variant(&t.code) {
                format!("Target::Primitive(Primitive::{p})")
            } else if t.code == "Resource" {
                "Target::Resource".to_string()
            } else if defs.types.contains_key(&t.code) {
                format!("Target::Complex(&{})", type_static(&t.code))
            } else {
                panic!("{}: type {} is not among the definitions", e.path, t.code)
            };
            let targets: Vec<String> = t
                .targets
                .iter()
                .filter(|t| t.as_str() != "Resource")
                .map(|t| lit(t))
                .collect();
            let _ = writeln!(
                out,
                "                TypeRef {{ json_name: {}, code: {}, target: {target}, reference_targets: &[{}] }},",
                lit(&json_name),
                lit(&t.code),
                targets.join(", ")
            );
            names.push(json_name);
        }
    }
    let _ = writeln!(out, "            ],");
    let binding = match e.required_binding.as_deref() {
        None => "None".to_string(),
        Some(MIME_TYPES_URL) => "Some(Binding::MimeType)".to_string(),
        Some(url) => format!("Some(Binding::Codes(&{}))", vs_static(url)),
    };
    let _ = writeln!(out, "            binding: {binding},");
    let _ = writeln!(out, "        }},");
    names
}

/// Generates the spec tables' Rust source.
pub fn generate(defs: &Definitions) -> String {
    let mut out = String::new();
    out.push_str(crate::HEADER);
    out.push_str("use super::*;\n\n");

    let names: Vec<&String> = defs
        .types
        .keys()
        .filter(|n| !defs.types[*n].abstract_ || n.as_str() == "Element")
        .collect();
    let _ = writeln!(out, "/// Every type of the tables, sorted by name.");
    let _ = writeln!(out, "pub static TYPES: &[&TypeDef] = &[");
    for n in &names {
        let _ = writeln!(out, "    &{},", type_static(n));
    }
    let _ = writeln!(out, "];\n");

    let mut max_elements = 0;
    for n in &names {
        let def = &defs.types[*n];
        let kind = match def.kind {
            Kind::Primitive => "Primitive",
            Kind::Complex => "Complex",
            Kind::Resource => "Resource",
        };
        let primitive = primitive_variant(&def.name)
            .filter(|_| def.kind == Kind::Primitive)
            .map_or("None".to_string(), |p| format!("Some(Primitive::{p})"));
        let regex = def
            .regex
            .as_ref()
            .map_or("None".to_string(), |r| format!("Some({})", lit(r)));
        let _ = writeln!(out, "static {}: TypeDef = TypeDef {{", type_static(n));
        let _ = writeln!(
            out,
            "    name: {}, url: {}, kind: TypeKind::{kind}, primitive: {primitive},",
            lit(n),
            lit(&def.url)
        );
        let _ = writeln!(out, "    regex: {regex}, root: &{},", node_static(n));
        let _ = writeln!(out, "}};");
        for path in node_paths(def) {
            max_elements = max_elements.max(write_node(&mut out, defs, def, &path));
        }
        out.push('\n');
    }

    let _ = writeln!(
        out,
        "/// The most elements one node has: the validator's per-node bookkeeping\n/// (`validate::walk`) asserts at compile time that it has a slot for each.\npub const MAX_NODE_ELEMENTS: usize = {max_elements};\n"
    );
    let _ = writeln!(out, "/// The expansions of the required value sets.");
    let _ = writeln!(out, "pub static VALUE_SETS: &[&ValueSetDef] = &[");
    for url in defs.value_sets.keys() {
        let _ = writeln!(out, "    &{},", vs_static(url));
    }
    let _ = writeln!(out, "];\n");
    for (url, vs) in &defs.value_sets {
        let codes: Vec<String> = vs.codes.iter().map(|(_, c)| lit(c)).collect();
        let _ = writeln!(
            out,
            "static {}: ValueSetDef = ValueSetDef {{",
            vs_static(url)
        );
        let _ = writeln!(out, "    url: {}, name: {},", lit(url), lit(&vs.name));
        let _ = writeln!(out, "    codes: &[{}],", codes.join(", "));
        let _ = writeln!(out, "}};");
    }

    let mut invariants = BTreeMap::new();
    for def in defs.types.values() {
        for e in &def.elements {
            for c in &e.constraints {
                let path = match &c.source {
                    Some(src) if src != &def.name => src.clone(),
                    _ => e.path.clone(),
                };
                invariants.entry(c.key.clone()).or_insert((path, c.clone()));
            }
        }
    }
    let _ = writeln!(out, "\n/// Every invariant of the types above, by key.");
    let _ = writeln!(out, "pub static INVARIANTS: &[InvariantDef] = &[");
    for (key, (path, c)) in &invariants {
        let _ = writeln!(
            out,
            "    InvariantDef {{ key: {}, path: {}, severity: {}, human: {}, expression: {} }},",
            lit(key),
            lit(path),
            lit(&c.severity),
            lit(&c.human),
            lit(&c.expression)
        );
    }
    let _ = writeln!(out, "];\n");

    let _ = writeln!(out, "/// Every STU3 resource type name, sorted.");
    let _ = writeln!(out, "pub static RESOURCE_TYPES: &[&str] = &[");
    let mut rts = defs.resource_types.clone();
    rts.sort();
    for chunk in rts.chunks(6) {
        let items: Vec<String> = chunk.iter().map(|s| lit(s)).collect();
        let _ = writeln!(out, "    {},", items.join(", "));
    }
    let _ = writeln!(out, "];");
    out
}
