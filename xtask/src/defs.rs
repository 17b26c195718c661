//! Reading the vendored STU3 definitions into a small intermediate form.
//!
//! Only what the generators need is read: the snapshot elements of the
//! StructureDefinitions reachable from the five resources pfhir models, the
//! invariants on them, and the codes of their required bindings.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The resources pfhir models; everything else is reached from these.
pub const ROOT_RESOURCES: &[&str] = &[
    "Bundle",
    "Condition",
    "MessageHeader",
    "OperationOutcome",
    "Patient",
];

/// The value set of a required binding that cannot be enumerated (BCP 13 MIME types).
pub const MIME_TYPES_URL: &str = "http://www.rfc-editor.org/bcp/bcp13.txt";

/// One StructureDefinition, reduced to what the generators use.
#[derive(Debug)]
pub struct TypeDefinition {
    pub name: String,
    pub url: String,
    pub kind: Kind,
    pub abstract_: bool,
    pub elements: Vec<ElementDefinition>,
    /// The regex of a primitive type's value, when the definition carries one.
    pub regex: Option<String>,
    pub description: String,
}

/// What kind of type a definition describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Primitive,
    Complex,
    Resource,
}

/// One snapshot element.
#[derive(Debug, Clone)]
pub struct ElementDefinition {
    pub path: String,
    pub min: u32,
    /// `None` for `*`.
    pub max: Option<u32>,
    pub types: Vec<ElementType>,
    pub content_reference: Option<String>,
    pub required_binding: Option<String>,
    pub constraints: Vec<Constraint>,
    pub short: String,
    pub is_modifier: bool,
    pub is_summary: bool,
    /// True for elements that are XML attributes (`Element.id`, `Extension.url`): their JSON
    /// form has no `_name` member.
    pub xml_attr: bool,
}

/// One allowed type of an element.
#[derive(Debug, Clone)]
pub struct ElementType {
    pub code: String,
    /// Resource type names a Reference may point to (empty: any).
    pub targets: Vec<String>,
}

/// One invariant of an element.
#[derive(Debug, Clone)]
pub struct Constraint {
    pub key: String,
    /// The type whose definition introduced the invariant (`DomainResource` for dom-1).
    pub source: Option<String>,
    pub severity: String,
    pub human: String,
    pub expression: String,
}

/// A required binding's value set, expanded.
#[derive(Debug)]
pub struct ValueSet {
    pub url: String,
    pub name: String,
    /// (system, code) pairs in definition order.
    pub codes: Vec<(String, String)>,
}

/// Everything read from the definitions folder.
pub struct Definitions {
    pub types: BTreeMap<String, TypeDefinition>,
    pub value_sets: BTreeMap<String, ValueSet>,
    /// Every resource type name of STU3 (from the resource-types code system).
    pub resource_types: Vec<String>,
}

type Result<T> = std::result::Result<T, String>;

fn read_json(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn parse_max(s: &str) -> Result<Option<u32>> {
    if s == "*" {
        Ok(None)
    } else {
        s.parse().map(Some).map_err(|_| format!("bad max {s:?}"))
    }
}

fn read_element(e: &Value) -> Result<ElementDefinition> {
    let path = str_of(e, "path").to_string();
    let min = e.get("min").and_then(Value::as_u64).unwrap_or(0) as u32;
    let max = parse_max(e.get("max").and_then(Value::as_str).unwrap_or("*"))?;
    let mut types = Vec::new();
    for t in e
        .get("type")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        // Primitive `value` elements carry no code, only the JSON type extension.
        let Some(code) = t.get("code").and_then(Value::as_str) else {
            continue;
        };
        let targets = t
            .get("targetProfile")
            .and_then(Value::as_str)
            .map(|p| vec![p.rsplit('/').next().unwrap_or(p).to_string()])
            .unwrap_or_default();
        // STU3 lists one type entry per target profile: merge them.
        if let Some(prev) = types
            .iter_mut()
            .find(|p: &&mut ElementType| p.code == code && !targets.is_empty())
        {
            prev.targets.extend(targets);
        } else {
            types.push(ElementType {
                code: code.to_string(),
                targets,
            });
        }
    }
    let required_binding = e.get("binding").and_then(|b| {
        if str_of(b, "strength") != "required" {
            return None;
        }
        b.get("valueSetReference")
            .and_then(|r| r.get("reference"))
            .or_else(|| b.get("valueSetUri"))
            .and_then(Value::as_str)
            .map(str::to_string)
    });
    let constraints = e
        .get("constraint")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| Constraint {
            key: str_of(c, "key").to_string(),
            source: c
                .get("source")
                .and_then(Value::as_str)
                .map(|s| s.rsplit('/').next().unwrap_or(s).to_string()),
            severity: str_of(c, "severity").to_string(),
            human: str_of(c, "human").to_string(),
            expression: str_of(c, "expression").to_string(),
        })
        .collect();
    Ok(ElementDefinition {
        path,
        min,
        max,
        types,
        content_reference: e
            .get("contentReference")
            .and_then(Value::as_str)
            .map(str::to_string),
        required_binding,
        constraints,
        short: str_of(e, "short").to_string(),
        is_modifier: e
            .get("isModifier")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        is_summary: e.get("isSummary").and_then(Value::as_bool).unwrap_or(false),
        xml_attr: e
            .get("representation")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|x| x.as_str() == Some("xmlAttr"))),
    })
}

fn read_type(dir: &Path, name: &str) -> Result<TypeDefinition> {
    let v = read_json(&dir.join(format!("StructureDefinition-{name}.json")))?;
    let kind = match str_of(&v, "kind") {
        "primitive-type" => Kind::Primitive,
        "complex-type" => Kind::Complex,
        "resource" => Kind::Resource,
        other => return Err(format!("{name}: unknown kind {other:?}")),
    };
    let elements = v
        .pointer("/snapshot/element")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{name}: no snapshot"))?
        .iter()
        .map(read_element)
        .collect::<Result<Vec<_>>>()?;
    let regex = v
        .pointer("/snapshot/element")
        .and_then(Value::as_array)
        .and_then(|els| {
            els.iter()
                .find(|e| str_of(e, "path") == format!("{name}.value"))
        })
        .and_then(|e| e.pointer("/type/0/extension"))
        .and_then(Value::as_array)
        .and_then(|exts| {
            exts.iter().find(|x| {
                str_of(x, "url")
                    == "http://hl7.org/fhir/StructureDefinition/structuredefinition-regex"
            })
        })
        .map(|x| str_of(x, "valueString").to_string());
    Ok(TypeDefinition {
        name: name.to_string(),
        url: str_of(&v, "url").to_string(),
        kind,
        abstract_: v.get("abstract").and_then(Value::as_bool).unwrap_or(false),
        elements,
        regex,
        description: str_of(&v, "description").to_string(),
    })
}

fn collect_concepts(system: &str, concepts: &Value, out: &mut Vec<(String, String)>) {
    for c in concepts.as_array().into_iter().flatten() {
        out.push((system.to_string(), str_of(c, "code").to_string()));
        if let Some(nested) = c.get("concept") {
            collect_concepts(system, nested, out);
        }
    }
}

fn read_code_systems(dir: &Path) -> Result<BTreeMap<String, Value>> {
    let mut systems = BTreeMap::new();
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("CodeSystem-"))
        .collect();
    names.sort();
    for n in names {
        let v = read_json(&dir.join(&n))?;
        systems.insert(str_of(&v, "url").to_string(), v);
    }
    Ok(systems)
}

fn read_value_set(dir: &Path, url: &str, systems: &BTreeMap<String, Value>) -> Result<ValueSet> {
    let id = url.rsplit('/').next().unwrap_or(url);
    let v = read_json(&dir.join(format!("ValueSet-{id}.json")))?;
    let mut codes = Vec::new();
    let includes = v
        .pointer("/compose/include")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{url}: no compose.include"))?;
    for inc in includes {
        let system = str_of(inc, "system");
        if inc.get("filter").is_some() || inc.get("valueSet").is_some() {
            return Err(format!(
                "{url}: filters and nested value sets are not supported"
            ));
        }
        if let Some(concepts) = inc.get("concept") {
            collect_concepts(system, concepts, &mut codes);
        } else {
            let cs = systems
                .get(system)
                .ok_or_else(|| format!("{url}: code system {system} is not vendored"))?;
            collect_concepts(
                system,
                cs.get("concept").unwrap_or(&Value::Null),
                &mut codes,
            );
        }
    }
    if v.pointer("/compose/exclude").is_some() {
        return Err(format!("{url}: compose.exclude is not supported"));
    }
    Ok(ValueSet {
        url: url.to_string(),
        name: str_of(&v, "name").to_string(),
        codes,
    })
}

impl Definitions {
    /// Reads the definitions reachable from [`ROOT_RESOURCES`] out of `dir`.
    pub fn read(dir: &Path) -> Result<Self> {
        let mut types = BTreeMap::new();
        let mut todo: Vec<String> = ROOT_RESOURCES.iter().map(|s| s.to_string()).collect();
        // The abstract bases whose elements every resource and element inherits.
        todo.extend(["Resource", "Element", "BackboneElement"].map(String::from));
        while let Some(name) = todo.pop() {
            if types.contains_key(&name) {
                continue;
            }
            let def = read_type(dir, &name)?;
            for e in &def.elements {
                for t in &e.types {
                    if !types.contains_key(&t.code) {
                        todo.push(t.code.clone());
                    }
                }
            }
            types.insert(name, def);
        }
        let systems = read_code_systems(dir)?;
        let mut value_sets = BTreeMap::new();
        for def in types.values() {
            for e in &def.elements {
                if let Some(url) = &e.required_binding {
                    if url == MIME_TYPES_URL || value_sets.contains_key(url) {
                        continue;
                    }
                    value_sets.insert(url.clone(), read_value_set(dir, url, &systems)?);
                }
            }
        }
        let resource_types = systems
            .get("http://hl7.org/fhir/resource-types")
            .map(|cs| {
                let mut out = Vec::new();
                collect_concepts("", cs.get("concept").unwrap_or(&Value::Null), &mut out);
                let mut names: BTreeSet<String> = out.into_iter().map(|(_, c)| c).collect();
                names.extend(ROOT_RESOURCES.iter().map(|s| s.to_string()));
                names.into_iter().collect()
            })
            .ok_or("the resource-types code system is not vendored")?;
        Ok(Definitions {
            types,
            value_sets,
            resource_types,
        })
    }
}
