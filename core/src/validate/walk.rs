//! Layers 2 to 4: structure against the generated tables, cardinality, primitive formats,
//! required bindings, then each node's invariants.

use super::context::{Container, Ctx};
use super::invariants;
use super::messages::MessageId;
use super::primitives::{self, FormatError};
use crate::json::{Kind, Value};
use crate::spec::{
    self, Binding, ElementDef, JsonType, NodeDef, Primitive, Target, TypeKind, TypeRef,
};
use std::borrow::Cow;

/// STU3's upper bound on the length of a string (`string.maxLength`), in characters.
const MAX_STRING_CHARS: usize = 1024 * 1024;

/// Validates a resource at the top of a document or of a Bundle entry.
pub fn resource<'d, 'a>(ctx: &mut Ctx<'_, 'd, 'a>, v: Value<'d, 'a>, contained: bool) {
    if v.kind() != Kind::Object {
        ctx.report(
            MessageId::WrongJsonType,
            v.offset(),
            format_args!(
                "Expected a resource (an object), found {}.",
                v.kind().describe()
            ),
        );
        return;
    }
    let Some(rt) = v.get("resourceType") else {
        ctx.report(
            MessageId::MissingResourceType,
            v.offset(),
            "This resource has no resourceType.".to_string(),
        );
        return;
    };
    let Some(name) = rt.as_str() else {
        ctx.report(
            MessageId::WrongJsonType,
            rt.offset(),
            format_args!(
                "resourceType must be a string, found {}.",
                rt.kind().describe()
            ),
        );
        return;
    };
    let top = ctx.path.is_empty();
    let len = if top {
        ctx.push(name.clone())
    } else {
        ctx.path.len()
    };
    match spec::type_def(&name).filter(|t| t.kind == TypeKind::Resource) {
        Some(td) => {
            if !contained {
                ctx.containers.push(Container {
                    obj: v,
                    local_refs: Vec::new(),
                });
            }
            let given = object(ctx, v, td.root, Role::Resource);
            if !contained {
                if let Some(c) = ctx.containers.pop() {
                    // dom-3 is about contained resources, absent from nearly every resource.
                    if !given.lacks(td.root, "contained") {
                        invariants::dom_3(ctx, &c);
                    }
                }
            }
        }
        None if spec::is_resource_type(&name) => ctx.report(
            MessageId::NotValidated,
            v.offset(),
            format_args!("{} {name} resource: pfhir checks it as JSON only (it validates Bundle, MessageHeader, Patient, Condition and OperationOutcome).", article(&name)),
        ),
        None => ctx.report(
            MessageId::UnknownResourceType,
            rt.offset(),
            format_args!("'{name}' is not an STU3 resource type."),
        ),
    }
    ctx.pop(len);
}

/// `1 item`, `2 items`.
fn items(n: usize) -> String {
    format!("{n} item{}", if n == 1 { "" } else { "s" })
}

/// `A` or `An` before a resource type name.
pub fn article(name: &str) -> &'static str {
    if name.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "An"
    } else {
        "A"
    }
}

/// Which element of a node a member belongs to, and its type.
enum Lookup {
    /// `name`: element `i`, type `t` of it.
    Value(usize, usize),
    /// `_name` of a primitive element `i` (of type `t`).
    Extension(usize, usize),
    /// `_name` where `name` is not a primitive element, or is an XML attribute.
    BadExtension(&'static str),
    /// Not an element.
    Unknown,
}

#[inline(always)]
fn lookup(node: &'static NodeDef, key: &str) -> Lookup {
    if let Some(name) = key.strip_prefix('_') {
        let Some((i, t)) = node.member_at(name) else {
            return Lookup::Unknown;
        };
        let el = &node.elements[i];
        return if el.xml_attr {
            Lookup::BadExtension("it is an attribute in STU3 (XML), with no `_` form in JSON")
        } else if matches!(el.types[t].target, Target::Primitive(_)) {
            Lookup::Extension(i, t)
        } else {
            Lookup::BadExtension("only primitive elements have a `_` form")
        };
    }
    match node.member_at(key) {
        Some((i, t)) => Lookup::Value(i, t),
        None => Lookup::Unknown,
    }
}

/// `_name` without its `_`, borrowed from the document when the name is.
fn without_underscore<'a>(key: &Cow<'a, str>) -> Cow<'a, str> {
    match key {
        Cow::Borrowed(k) => Cow::Borrowed(k.get(1..).unwrap_or_default()),
        Cow::Owned(k) => Cow::Owned(k.get(1..).unwrap_or_default().to_string()),
    }
}

/// Elements of a node that [`Seen`] tracks: one bit each.
const SEEN_SLOTS: usize = 64;
// The generator counts the elements of the largest node: a bigger one fails the build here
// instead of sharing slots (what `i % 64` used to hide).
const _: () = assert!(spec::MAX_NODE_ELEMENTS <= SEEN_SLOTS);

/// The elements of one node that an object gave so far: two words, made for every object.
/// Which type a choice took is not kept: it is looked up again in the object when the
/// choice is given a second time ([`first_type`]), which is rare. An array of the types
/// (64 bytes cleared per object) cost 3.9% of `validateBytesJson` in WebAssembly, where
/// clearing it was a `memory.fill` call per object (an offset per element, as it once held,
/// had made the clearing 2.6% of validation time natively).
struct Seen {
    /// Bit i: an empty value (`""`, `[]`, `{}`, `null`) was given for element i.
    blank: u64,
    /// Bit i: element i has a value (of the type of its first one, for a choice).
    present: u64,
}

impl Seen {
    /// The elements the object gave.
    fn given(&self) -> Given {
        Given(self.present | self.blank)
    }
}

/// The elements of its node that an object gave, a value or an empty one (bit i: element
/// i), as [`object`] saw them: what later checks of the object ask instead of looking a
/// member up again.
#[derive(Clone, Copy)]
pub struct Given(u64);

impl Given {
    /// True when the object has no member `name`, known from the walk without looking it up
    /// again; false when it has one, or when `name` is not a plain element of `node` (a
    /// choice, or not an element: the walk does not record those by name).
    fn lacks(self, node: &NodeDef, name: &str) -> bool {
        node.member_at(name)
            .is_some_and(|(i, _)| !node.elements[i].choice && self.0 & (1 << i) == 0)
    }
}

/// What kind of object [`object`] validates.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A resource: `resourceType` is expected, and it may be empty.
    Resource,
    /// An element: it must have content other than `id` (ele-1).
    Element,
    /// The `_name` object of a primitive whose value is present: it may hold only an `id`.
    ExtensionOfValue,
}

/// Validates the members of an object against a node of the tables; returns the elements
/// it gave.
pub fn object<'d, 'a>(
    ctx: &mut Ctx<'_, 'd, 'a>,
    obj: Value<'d, 'a>,
    node: &'static NodeDef,
    role: Role,
) -> Given {
    let mut seen = Seen {
        blank: 0,
        present: 0,
    };
    let mut content = false;
    for m in obj.members() {
        let key = m.key.text();
        ctx.duplicate_at(m.key.offset(), &key);
        if role == Role::Resource && key == "resourceType" {
            continue;
        }
        if key != "id" {
            content = true;
        }
        match lookup(node, &key) {
            Lookup::Unknown => unknown_member(ctx, node, &short(&key), m.key.offset()),
            Lookup::BadExtension(why) => {
                let len = ctx.push(key.clone());
                ctx.report(
                    MessageId::BadPrimitiveExtension,
                    m.key.offset(),
                    format_args!("'{}' cannot be used: {why}.", short(&key)),
                );
                ctx.pop(len);
            }
            Lookup::Extension(i, t) => {
                let el = &node.elements[i];
                let name = &key[1..];
                let len = ctx.push(without_underscore(&key));
                if !check_choice(ctx, &mut seen, (obj, node), (i, t), name, m.key.offset()) {
                    ctx.pop(len);
                    continue;
                }
                primitive_extension(ctx, obj, el, name, m.value);
                ctx.pop(len);
            }
            Lookup::Value(i, t) => {
                let el = &node.elements[i];
                let tr = &el.types[t];
                let len = ctx.push(key.clone());
                let blank = m.value.is_blank();
                if blank {
                    seen.blank |= 1 << i;
                } else if !check_choice(ctx, &mut seen, (obj, node), (i, t), &key, m.key.offset()) {
                    ctx.pop(len);
                    continue;
                }
                member(ctx, obj, el, tr, &key, m.value);
                ctx.pop(len);
            }
        }
    }
    if !content && role == Role::Element {
        ctx.report(
            MessageId::EmptyObject,
            obj.offset(),
            "This element has no content: it needs a value or child elements other than id (ele-1).".to_string(),
        );
    }
    let mut missing = node.required & !seen.present;
    while missing != 0 {
        let i = missing.trailing_zeros() as usize;
        missing &= missing - 1;
        if let Some(el) = node.elements.get(i) {
            let len = ctx.push(el.name);
            let what = if el.choice {
                format!("{}[x]", el.name)
            } else {
                el.name.to_string()
            };
            let (offset, message) = if seen.blank & (1 << i) == 0 {
                (
                    obj.offset(),
                    format!(
                        "The required element '{what}' is missing (minimum {}).",
                        el.min
                    ),
                )
            } else {
                (
                    blank_value_at(obj, node, i),
                    format!(
                        "The required element '{what}' has no value (minimum {}).",
                        el.min
                    ),
                )
            };
            ctx.report(MessageId::Required, offset, message);
            ctx.pop(len);
        }
    }
    // dom-1, dom-2 and dom-4 each ask whether the resource lacks `contained`: looked up once.
    let contained_absent = std::cell::OnceCell::new();
    let bundle_facts = std::cell::OnceCell::new();
    for &index in node.invariants {
        let lacks_contained =
            || *contained_absent.get_or_init(|| seen.given().lacks(node, "contained"));
        invariants::check(ctx, index, obj, lacks_contained, &bundle_facts);
    }
    seen.given()
}

/// Where the (last) empty value given for element `i` of `node` is in `obj`: looked up
/// again on this rare path instead of being recorded for every member.
fn blank_value_at(obj: Value<'_, '_>, node: &'static NodeDef, i: usize) -> usize {
    let mut at = obj.offset();
    for m in obj.members() {
        if m.value.is_blank()
            && matches!(lookup(node, &m.key.text()), Lookup::Value(e, _) if e == i)
        {
            at = m.value.offset();
        }
    }
    at
}

fn unknown_member(ctx: &mut Ctx<'_, '_, '_>, node: &'static NodeDef, key: &str, offset: usize) {
    let len = ctx.push(key.to_string());
    let choice = node.elements.iter().find(|e| {
        e.choice
            && (key == e.name
                || key
                    .strip_prefix(e.name)
                    .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase())))
    });
    match choice {
        Some(el) => {
            let names: Vec<&str> = el.types.iter().map(|t| t.json_name).collect();
            let id = if key == el.name {
                MessageId::ChoiceWithoutType
            } else {
                MessageId::UnknownElement
            };
            ctx.report(
                id,
                offset,
                format_args!(
                    "'{key}' is not an element of {}: {}[x] is written as one of {}.",
                    node.path,
                    el.name,
                    names.join(", ")
                ),
            );
        }
        None => ctx.report(
            MessageId::UnknownElement,
            offset,
            format_args!("'{key}' is not an element of {}.", node.path),
        ),
    }
    ctx.pop(len);
}

/// Records that element `i` of the object `obj` (of `node`) has a value of its type `t`;
/// reports a second type of a choice (and returns false) instead.
fn check_choice(
    ctx: &mut Ctx<'_, '_, '_>,
    seen: &mut Seen,
    (obj, node): (Value<'_, '_>, &'static NodeDef),
    (i, t): (usize, usize),
    key: &str,
    offset: usize,
) -> bool {
    let el = &node.elements[i];
    if el.choice && seen.present & (1 << i) != 0 && first_type(obj, node, i) != Some(t) {
        ctx.report(
            MessageId::ChoiceTwice,
            offset,
            format_args!("{}[x] has more than one value; keep only one of its types ('{key}' is the second).", el.name),
        );
        return false;
    }
    seen.present |= 1 << i;
    true
}

/// The type of the first member of `obj` that gave element `i` of `node` a value (a
/// non-empty value, or a primitive's `_name` object): the type [`check_choice`] recorded for
/// the element, since it refuses any later member of another type.
#[cold]
fn first_type(obj: Value<'_, '_>, node: &'static NodeDef, i: usize) -> Option<usize> {
    obj.members()
        .find_map(|m| match lookup(node, &m.key.text()) {
            Lookup::Extension(e, t) if e == i => Some(t),
            Lookup::Value(e, t) if e == i && !m.value.is_blank() => Some(t),
            _ => None,
        })
}

/// A member name for messages: at most 64 characters.
fn short(key: &str) -> String {
    let mut s: String = key.chars().take(64).collect();
    if s.len() < key.len() {
        s.push('…');
    }
    s
}

/// Validates one member's value: array or single value, then each value by its type.
fn member<'d, 'a>(
    ctx: &mut Ctx<'_, 'd, 'a>,
    obj: Value<'d, 'a>,
    el: &'static ElementDef,
    tr: &'static TypeRef,
    key: &str,
    v: Value<'d, 'a>,
) {
    if el.repeats() {
        if v.kind() != Kind::Array {
            ctx.report(
                MessageId::ExpectedArray,
                v.offset(),
                format_args!("'{key}' repeats: write it as an array, even for one value."),
            );
            value(ctx, el, tr, v);
            return;
        }
        if v.is_empty() {
            ctx.report(
                MessageId::EmptyArray,
                v.offset(),
                format_args!("'{key}' is an empty array: leave it out instead."),
            );
            return;
        }
        if el.max != spec::UNBOUNDED && v.len() > el.max as usize {
            ctx.report(
                MessageId::TooMany,
                v.offset(),
                format_args!(
                    "'{key}' allows at most {} values, found {}.",
                    el.max,
                    v.len()
                ),
            );
        }
        let primitive = matches!(tr.target, Target::Primitive(_));
        for (i, item) in v.items().enumerate() {
            let len = ctx.push_index(i);
            if item.kind() == Kind::Null && primitive {
                let has_ext = obj
                    .get(&format!("_{key}"))
                    .and_then(|ext| ext.item(i))
                    .is_some_and(|e| e.kind() == Kind::Object);
                if !has_ext {
                    ctx.report(
                        MessageId::NullValue,
                        item.offset(),
                        format_args!("null in '{key}' needs a matching object in '_{key}' at the same position."),
                    );
                }
            } else {
                value(ctx, el, tr, item);
            }
            ctx.pop(len);
        }
    } else if v.kind() == Kind::Array {
        ctx.report(
            MessageId::UnexpectedArray,
            v.offset(),
            format_args!("'{key}' takes a single value, not an array."),
        );
        for (i, item) in v.items().enumerate() {
            let len = ctx.push_index(i);
            value(ctx, el, tr, item);
            ctx.pop(len);
        }
    } else {
        value(ctx, el, tr, v);
    }
}

/// Validates one value by its type.
fn value<'d, 'a>(
    ctx: &mut Ctx<'_, 'd, 'a>,
    el: &'static ElementDef,
    tr: &'static TypeRef,
    v: Value<'d, 'a>,
) {
    if v.kind() == Kind::Null {
        ctx.report(
            MessageId::NullValue,
            v.offset(),
            "null is not a value: leave the element out instead.".to_string(),
        );
        return;
    }
    match tr.target {
        Target::Primitive(p) => primitive(ctx, el, p, v),
        Target::Complex(td) => {
            if expect_object(ctx, tr, v) {
                object(ctx, v, td.root, Role::Element);
                if !tr.reference_targets.is_empty() {
                    invariants::reference_target(ctx, v, tr.reference_targets);
                }
            }
        }
        Target::Backbone(node) => {
            if expect_object(ctx, tr, v) {
                object(ctx, v, node, Role::Element);
            }
        }
        Target::Resource => {
            let contained = el.name == "contained";
            if contained {
                ctx.contained_depth += 1;
            }
            resource(ctx, v, contained || ctx.contained_depth > 0);
            if contained {
                ctx.contained_depth -= 1;
            }
        }
    }
}

fn expect_object(ctx: &mut Ctx<'_, '_, '_>, tr: &TypeRef, v: Value<'_, '_>) -> bool {
    if v.kind() == Kind::Object {
        return true;
    }
    ctx.report(
        MessageId::WrongJsonType,
        v.offset(),
        format_args!(
            "Expected an object ({}), found {}.",
            tr.code,
            v.kind().describe()
        ),
    );
    false
}

/// Validates a primitive value: JSON type, format, length, required binding.
fn primitive(ctx: &mut Ctx<'_, '_, '_>, el: &'static ElementDef, p: Primitive, v: Value<'_, '_>) {
    let expected = p.json_type();
    let kind_ok = matches!(
        (expected, v.kind()),
        (JsonType::String, Kind::String)
            | (JsonType::Number, Kind::Number)
            | (JsonType::Boolean, Kind::Bool)
    );
    if !kind_ok {
        let want = match expected {
            JsonType::String => "a string",
            JsonType::Number => "a number",
            JsonType::Boolean => "true or false",
        };
        // A string needs no type name ("Expected a string, found a number.").
        let (open, code, close) = if p == Primitive::String {
            ("", "", "")
        } else {
            (" (", p.code(), ")")
        };
        ctx.report(
            MessageId::WrongJsonType,
            v.offset(),
            [
                "Expected ",
                want,
                open,
                code,
                close,
                ", found ",
                v.kind().describe(),
                ".",
            ],
        );
        return;
    }
    match expected {
        JsonType::Boolean => {}
        JsonType::Number => {
            let text = v.raw();
            match primitives::check_number(p, text) {
                Ok(()) => {}
                Err(FormatError::Format) => {
                    let note = ctx.value_note(text);
                    ctx.report(
                        MessageId::InvalidFormat,
                        v.offset(),
                        format_args!("Not {}{note}.", primitives::expected_format(p)),
                    );
                }
                Err(FormatError::Range) => {
                    let note = ctx.value_note(text);
                    ctx.report(
                        MessageId::OutOfRange,
                        v.offset(),
                        format_args!(
                            "Out of range for {}{note}: expected {} up to 2147483647.",
                            p.code(),
                            match p {
                                Primitive::PositiveInt => "1",
                                Primitive::UnsignedInt => "0",
                                _ => "-2147483648",
                            }
                        ),
                    );
                }
            }
        }
        JsonType::String => {
            let text = v.text();
            if text.is_empty() {
                ctx.report(
                    MessageId::EmptyString,
                    v.offset(),
                    "An empty string is not a value: leave the element out instead.".to_string(),
                );
                return;
            }
            if text.len() > MAX_STRING_CHARS && text.chars().count() > MAX_STRING_CHARS {
                ctx.report(
                    MessageId::StringTooLong,
                    v.offset(),
                    "A string longer than 1 MiB characters (STU3's limit).".to_string(),
                );
                return;
            }
            if primitives::check_string(p, &text).is_err() {
                let note = ctx.value_note(&text);
                ctx.report(
                    MessageId::InvalidFormat,
                    v.offset(),
                    format_args!("Not {}{note}.", primitives::expected_format(p)),
                );
                return;
            }
            match el.binding {
                Some(Binding::Codes(vs)) if !vs.contains(&text) => {
                    let note = ctx.value_note(&text);
                    ctx.report(
                        MessageId::CodeNotInValueSet,
                        v.offset(),
                        format_args!(
                            "Not a code of the required value set {}{note}; allowed: {}.",
                            vs.url,
                            vs.codes.join(", ")
                        ),
                    );
                }
                Some(Binding::MimeType) if !primitives::is_mime_type(&text) => {
                    let note = ctx.value_note(&text);
                    ctx.report(
                        MessageId::CodeNotInValueSet,
                        v.offset(),
                        format_args!("Not a MIME type (type/subtype, BCP 13){note}."),
                    );
                }
                _ => {}
            }
        }
    }
}

/// Validates a `_name` member: an object (or an array of objects and nulls, aligned with the
/// value array) holding the primitive's id and extensions.
fn primitive_extension<'d, 'a>(
    ctx: &mut Ctx<'_, 'd, 'a>,
    obj: Value<'d, 'a>,
    el: &'static ElementDef,
    name: &str,
    v: Value<'d, 'a>,
) {
    let Some(td) = el
        .types
        .iter()
        .find(|t| t.json_name == name)
        .and_then(|t| match t.target {
            Target::Primitive(p) => spec::type_def(p.code()),
            _ => None,
        })
    else {
        return;
    };
    if el.repeats() {
        if v.kind() != Kind::Array {
            ctx.report(
                MessageId::BadPrimitiveExtension,
                v.offset(),
                format_args!("'_{name}' must be an array aligned with '{name}'."),
            );
            return;
        }
        let values = obj.get(name);
        if let Some(values) = values.filter(|x| x.kind() == Kind::Array) {
            if values.len() != v.len() {
                ctx.report(
                    MessageId::BadPrimitiveExtension,
                    v.offset(),
                    format_args!(
                        "'_{name}' has {} but '{name}' has {}: they must line up.",
                        items(v.len()),
                        items(values.len())
                    ),
                );
            }
        }
        for (i, item) in v.items().enumerate() {
            let len = ctx.push_index(i);
            match item.kind() {
                Kind::Null => {
                    let has_value = values
                        .and_then(|vals| vals.item(i))
                        .is_some_and(|x| x.kind() != Kind::Null);
                    if !has_value {
                        ctx.report(
                            MessageId::NullValue,
                            item.offset(),
                            format_args!("null in '_{name}' where '{name}' has no value either."),
                        );
                    }
                }
                Kind::Object => {
                    let has_value = values
                        .and_then(|vals| vals.item(i))
                        .is_some_and(|x| x.kind() != Kind::Null);
                    let role = if has_value {
                        Role::ExtensionOfValue
                    } else {
                        Role::Element
                    };
                    object(ctx, item, td.root, role);
                }
                other => ctx.report(
                    MessageId::BadPrimitiveExtension,
                    item.offset(),
                    format_args!(
                        "Items of '_{name}' are objects with id and extension, found {}.",
                        other.describe()
                    ),
                ),
            }
            ctx.pop(len);
        }
    } else if v.kind() == Kind::Object {
        let has_value = obj.get(name).is_some_and(|x| !x.is_blank());
        let role = if has_value {
            Role::ExtensionOfValue
        } else {
            Role::Element
        };
        object(ctx, v, td.root, role);
    } else {
        ctx.report(
            MessageId::BadPrimitiveExtension,
            v.offset(),
            format_args!(
                "'_{name}' is an object with id and extension, found {}.",
                v.kind().describe()
            ),
        );
    }
}
