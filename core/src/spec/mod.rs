//! Element tables of the STU3 types pfhir knows, generated from the official definitions.
//!
//! `generated.rs` is written by `cargo xtask gen` from `vendor/fhir-stu3/definitions` and is
//! never edited by hand; a test regenerates it and fails when it differs. The types of this
//! module describe its shape: a [`TypeDef`] per resource and datatype, a [`NodeDef`] per
//! complex element (the type's root, or a backbone element such as `Patient.contact`), and an
//! [`ElementDef`] per child element, with its cardinality, its allowed types (choice types
//! expanded to their JSON names) and the codes of its required binding.

mod generated;
mod member_hash;
mod name_index;

pub use generated::{INVARIANTS, MAX_NODE_ELEMENTS, RESOURCE_TYPES, TYPES, VALUE_SETS};
pub use member_hash::{member_hash, MemberSlot};

/// What kind of type a [`TypeDef`] describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeKind {
    /// A primitive datatype (`string`, `date`, ...).
    Primitive,
    /// A complex datatype (`HumanName`, `Period`, ...).
    Complex,
    /// A resource (`Patient`, `Bundle`, ...).
    Resource,
}

/// The STU3 primitive datatypes, each with its JSON representation and lexical rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Primitive {
    /// `base64Binary`
    Base64Binary,
    /// `boolean` (a JSON boolean)
    Boolean,
    /// `code`
    Code,
    /// `date`
    Date,
    /// `dateTime`
    DateTime,
    /// `decimal` (a JSON number)
    Decimal,
    /// `id`
    Id,
    /// `instant`
    Instant,
    /// `integer` (a JSON number, 32-bit signed)
    Integer,
    /// `markdown`
    Markdown,
    /// `oid`
    Oid,
    /// `positiveInt` (a JSON number, 1..=2^31-1)
    PositiveInt,
    /// `string`
    String,
    /// `time`
    Time,
    /// `unsignedInt` (a JSON number, 0..=2^31-1)
    UnsignedInt,
    /// `uri`
    Uri,
    /// `xhtml` (the narrative's `div`)
    Xhtml,
}

impl Primitive {
    /// The STU3 type code (`dateTime`, `positiveInt`, ...).
    pub const fn code(self) -> &'static str {
        match self {
            Primitive::Base64Binary => "base64Binary",
            Primitive::Boolean => "boolean",
            Primitive::Code => "code",
            Primitive::Date => "date",
            Primitive::DateTime => "dateTime",
            Primitive::Decimal => "decimal",
            Primitive::Id => "id",
            Primitive::Instant => "instant",
            Primitive::Integer => "integer",
            Primitive::Markdown => "markdown",
            Primitive::Oid => "oid",
            Primitive::PositiveInt => "positiveInt",
            Primitive::String => "string",
            Primitive::Time => "time",
            Primitive::UnsignedInt => "unsignedInt",
            Primitive::Uri => "uri",
            Primitive::Xhtml => "xhtml",
        }
    }

    /// The JSON type that carries a value of this primitive.
    pub const fn json_type(self) -> JsonType {
        match self {
            Primitive::Boolean => JsonType::Boolean,
            Primitive::Decimal
            | Primitive::Integer
            | Primitive::PositiveInt
            | Primitive::UnsignedInt => JsonType::Number,
            _ => JsonType::String,
        }
    }
}

/// The JSON type of a primitive's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    /// `true` / `false`
    Boolean,
    /// a JSON number
    Number,
    /// a JSON string
    String,
}

/// A resource or datatype.
#[derive(Debug)]
pub struct TypeDef {
    /// The type name (`Patient`, `HumanName`, `date`).
    pub name: &'static str,
    /// The canonical URL of its StructureDefinition.
    pub url: &'static str,
    /// Primitive, complex or resource.
    pub kind: TypeKind,
    /// For primitive types, which one.
    pub primitive: Option<Primitive>,
    /// The official regex of a primitive's value, when the definition gives one (for reference
    /// and tests; pfhir checks formats with hand-written full-match parsers).
    pub regex: Option<&'static str>,
    /// The root element's children (empty for primitives).
    pub root: &'static NodeDef,
}

/// A complex element: the root of a type, or a backbone element.
#[derive(Debug)]
pub struct NodeDef {
    /// The element path (`Patient`, `Patient.contact`, `Timing.repeat`).
    pub path: &'static str,
    /// The child elements, in definition order.
    pub elements: &'static [ElementDef],
    /// The invariants that apply to this element, as indexes into [`INVARIANTS`] (ele-1
    /// excepted: it is structural).
    pub invariants: &'static [u16],
    /// The required elements (minimum cardinality above 0): bit `i` for `elements[i]`. The
    /// walk checks them with one mask instead of a pass over every element of every object.
    pub required: u64,
    /// The member index: every JSON member name of the elements (`onsetAge` for a choice),
    /// hashed with [`member_hash`] into a power-of-two table (see [`NodeDef::member_at`]).
    pub index: &'static [MemberSlot],
}

/// Upper cardinality meaning `*`.
pub const UNBOUNDED: u32 = u32::MAX;

/// One child element of a [`NodeDef`].
#[derive(Debug)]
pub struct ElementDef {
    /// The element's name, without `[x]` (`onset` for `onset[x]`).
    pub name: &'static str,
    /// The element's path in the definitions (`Condition.onset[x]`).
    pub path: &'static str,
    /// Minimum cardinality.
    pub min: u32,
    /// Maximum cardinality ([`UNBOUNDED`] for `*`).
    pub max: u32,
    /// True for `[x]` choice elements.
    pub choice: bool,
    /// The allowed types; for a choice, one per JSON name (`onsetDateTime`, `onsetAge`, ...).
    pub types: &'static [TypeRef],
    /// The required binding, if any.
    pub binding: Option<Binding>,
    /// True when the element is a modifier (`isModifier`).
    pub modifier: bool,
    /// True for XML attributes (`Element.id`, `Extension.url`): no `_name` JSON form.
    pub xml_attr: bool,
}

impl ElementDef {
    /// True when the element repeats (max > 1).
    pub const fn repeats(&self) -> bool {
        self.max > 1
    }
}

/// One allowed type of an element, with the JSON member name that carries it.
#[derive(Debug)]
pub struct TypeRef {
    /// The JSON member name (`onsetDateTime` for a choice, the element name otherwise).
    pub json_name: &'static str,
    /// The STU3 type code (`dateTime`, `Reference`, `BackboneElement`).
    pub code: &'static str,
    /// What the value is checked against.
    pub target: Target,
    /// For references: the resource types it may point to (empty: any).
    pub reference_targets: &'static [&'static str],
}

/// What an element's value is checked against.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// A primitive value.
    Primitive(Primitive),
    /// A complex datatype.
    Complex(&'static TypeDef),
    /// An inline backbone element.
    Backbone(&'static NodeDef),
    /// Any resource, chosen by its `resourceType`.
    Resource,
}

/// A required binding.
#[derive(Debug, Clone, Copy)]
pub enum Binding {
    /// A value set whose codes are listed.
    Codes(&'static ValueSetDef),
    /// BCP 13 MIME types: checked for `type/subtype` syntax, not enumerated.
    MimeType,
}

/// The expansion of a required value set.
#[derive(Debug)]
pub struct ValueSetDef {
    /// Canonical URL.
    pub url: &'static str,
    /// Name.
    pub name: &'static str,
    /// The codes, in definition order.
    pub codes: &'static [&'static str],
}

impl ValueSetDef {
    /// True when `code` is one of the value set's codes (compared by `json::bytes_eq`: no
    /// `memcmp` call per code, which in WASM is a byte loop).
    pub fn contains(&self, code: &str) -> bool {
        self.codes
            .iter()
            .any(|c| crate::json::bytes_eq(c.as_bytes(), code.as_bytes()))
    }
}

/// An invariant of the definitions (the text; the checks are written by hand in `validate`).
#[derive(Debug)]
pub struct InvariantDef {
    /// The key (`pat-1`).
    pub key: &'static str,
    /// The path of the element it constrains.
    pub path: &'static str,
    /// `error` or `warning`.
    pub severity: &'static str,
    /// The human description.
    pub human: &'static str,
    /// The FHIRPath expression.
    pub expression: &'static str,
}

/// Looks a type up by name (constant time: see `name_index`).
#[inline]
pub fn type_def(name: &str) -> Option<&'static TypeDef> {
    static INDEX: std::sync::OnceLock<name_index::NameIndex> = std::sync::OnceLock::new();
    INDEX
        .get_or_init(|| name_index::NameIndex::new(TYPES.iter().map(|t| t.name)))
        .find(name, |i| TYPES[i].name)
        .map(|i| TYPES[i])
}

/// Looks an invariant up by key.
pub fn invariant(key: &str) -> Option<&'static InvariantDef> {
    INVARIANTS.iter().find(|i| i.key == key)
}

/// True when `name` is an STU3 resource type (constant time: see `name_index`).
pub fn is_resource_type(name: &str) -> bool {
    static INDEX: std::sync::OnceLock<name_index::NameIndex> = std::sync::OnceLock::new();
    INDEX
        .get_or_init(|| name_index::NameIndex::new(RESOURCE_TYPES.iter().copied()))
        .find(name, |i| RESOURCE_TYPES[i])
        .is_some()
}

impl NodeDef {
    /// Finds the child element and type carried by the JSON member `key`.
    pub fn member(&self, key: &str) -> Option<(&'static ElementDef, &'static TypeRef)> {
        self.member_at(key).map(|(i, t)| {
            let el = &self.elements[i];
            (el, &el.types[t])
        })
    }

    /// The indexes of the element and of its type carried by the JSON member `key`.
    ///
    /// The hot path of validation (every member of every object): one hash of the name (see
    /// [`member_hash`]), a probe of the node's generated index, and one comparison of the name
    /// found, instead of comparing the name with each element's. On the partner Bundle this
    /// took member lookup from 13% of validation time (`memcmp` over the element names) to
    /// under 2%.
    #[inline(always)]
    pub fn member_at(&self, key: &str) -> Option<(usize, usize)> {
        let hash = member_hash(key.as_bytes());
        let len = self.index.len();
        let mut i = member_hash::home_slot(hash, len);
        for _ in 0..len {
            let slot = self.index[i];
            if slot.element == MemberSlot::EMPTY {
                return None;
            }
            if slot.hash == hash as u16
                && crate::json::bytes_eq(slot.name.as_bytes(), key.as_bytes())
            {
                return Some((slot.element as usize, slot.ty as usize));
            }
            i = (i + 1) & (len - 1);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every node of the tables: each type's root, and the backbone nodes below them.
    fn all_nodes() -> Vec<&'static NodeDef> {
        let mut nodes: Vec<&'static NodeDef> = TYPES.iter().map(|t| t.root).collect();
        let mut i = 0;
        while let Some(node) = nodes.get(i).copied() {
            for el in node.elements {
                for t in el.types {
                    if let Target::Backbone(child) = t.target {
                        if !nodes.iter().any(|n| std::ptr::eq(*n, child)) {
                            nodes.push(child);
                        }
                    }
                }
            }
            i += 1;
        }
        nodes
    }

    #[test]
    fn required_masks_name_the_elements_with_a_minimum() {
        let nodes = all_nodes();
        assert!(nodes.len() > TYPES.len(), "backbone nodes are walked too");
        let mut required = 0;
        for node in nodes {
            for (i, el) in node.elements.iter().enumerate() {
                assert_eq!(node.required >> i & 1 == 1, el.min > 0, "{}", el.path);
                required += usize::from(el.min > 0);
            }
            let beyond = node.required.checked_shr(node.elements.len() as u32);
            assert_eq!(beyond.unwrap_or(0), 0, "{}", node.path);
        }
        assert!(required >= 30, "{required} required elements");
        let bundle = type_def("Bundle").expect("Bundle").root;
        let at = bundle.elements.iter().position(|e| e.name == "type");
        assert_eq!(at.map(|i| bundle.required >> i & 1), Some(1), "Bundle.type");
    }

    #[test]
    fn types_are_sorted_for_lookup() {
        assert!(TYPES.windows(2).all(|w| w[0].name < w[1].name));
        assert!(RESOURCE_TYPES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn choice_members_resolve_to_their_type() {
        let condition = type_def("Condition").expect("Condition");
        let (e, t) = condition.root.member("onsetAge").expect("onsetAge");
        assert_eq!(e.path, "Condition.onset[x]");
        assert_eq!(t.code, "Age");
        assert!(condition.root.member("onset").is_none());
        assert!(condition.root.member("onsetFoo").is_none());
    }

    #[test]
    fn required_bindings_carry_codes() {
        let patient = type_def("Patient").expect("Patient");
        let (gender, _) = patient.root.member("gender").expect("gender");
        match gender.binding {
            Some(Binding::Codes(vs)) => {
                assert_eq!(vs.codes, &["male", "female", "other", "unknown"])
            }
            other => panic!("unexpected binding {other:?}"),
        }
    }

    #[test]
    fn content_references_point_at_the_referenced_node() {
        let bundle = type_def("Bundle").expect("Bundle");
        let (entry, t) = bundle.root.member("entry").expect("entry");
        assert!(entry.repeats());
        let Target::Backbone(entry_node) = t.target else {
            panic!("entry is a backbone")
        };
        let (_, link) = entry_node.member("link").expect("entry.link");
        let Target::Backbone(link_node) = link.target else {
            panic!("link is a backbone")
        };
        assert_eq!(link_node.path, "Bundle.link");
    }
}
