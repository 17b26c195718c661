//! The model of the C ABI, read from `include/pfhir.h` (cbindgen's output): the one source the
//! bindings' raw layers are generated from (see `bind_gen`). Std-only.
//!
//! The reader knows the header's regular shape: doc comments (`/** ... */`) before each item,
//! the `pfhir_code` enum, `typedef uint32_t pfhir_x;` value types with their `#define PFHIR_X_*`
//! constants, opaque `typedef struct pfhir_x pfhir_x;` handles, and one function declaration
//! per item inside `extern "C"`. Anything else in those places is an error, so a header change
//! the generator does not understand fails `cargo xtask gen` loudly instead of being skipped.

/// A C type as it appears in a signature, reduced to what the bindings marshal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CType {
    /// `void` (results only).
    Void,
    /// `bool` (one byte).
    Bool,
    /// `uint16_t`.
    U16,
    /// `uint32_t`, or a `typedef uint32_t` value type (named).
    U32(Option<String>),
    /// `uint64_t`.
    U64,
    /// `size_t`.
    Size,
    /// `const char *`: a static NUL-terminated string (results only).
    CStr,
    /// `const uint8_t *`: input bytes (with a `size_t` length beside).
    Buf,
    /// `struct pfhir_str` by value: a borrowed string.
    Str,
    /// `struct pfhir_bytes` by value: an owned buffer.
    Bytes,
    /// `struct pfhir_bytes *`: an owned buffer written by the call.
    BytesOut,
    /// `uint32_t *` (or a value type pointer): a number written by the call.
    U32Out,
    /// `struct pfhir_T *` or `const struct pfhir_T *`: a handle (`T` without the prefix).
    Handle(String),
    /// `struct pfhir_T **`: a handle written by the call.
    HandleOut(String),
}

/// One parameter of a function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The C name (`patient_input_json`).
    pub name: String,
    /// Its type.
    pub ty: CType,
}

/// One function of the ABI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// The C name (`pfhir_validate`).
    pub name: String,
    /// Its doc comment, as text.
    pub doc: String,
    /// The result type.
    pub ret: CType,
    /// The parameters, in order.
    pub params: Vec<Param>,
}

/// A named number: an error code or a value-type constant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constant {
    /// The C name (`PFHIR_SEVERITY_ERROR`).
    pub name: String,
    /// The name without the group's prefix (`ERROR`).
    pub short: String,
    /// The number.
    pub value: u32,
    /// The doc comment, as one line of text.
    pub doc: String,
}

/// A `typedef uint32_t pfhir_x;` value type with its constants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueType {
    /// The type's name without `pfhir_` (`tls_cause`).
    pub name: String,
    /// The prefix of its constants (`PFHIR_TLS_CAUSE_`).
    pub prefix: String,
    /// The doc comment.
    pub doc: String,
    /// The constants, in header order.
    pub constants: Vec<Constant>,
}

/// An opaque handle type (`typedef struct pfhir_client pfhir_client;`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handle {
    /// The name without `pfhir_` (`client_config`).
    pub name: String,
    /// The doc comment.
    pub doc: String,
}

/// Everything the bindings' raw layers need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Abi {
    /// `PFHIR_VERSION_STRING` (`0.1.0`).
    pub version: String,
    /// The error codes of `enum pfhir_code` (short names without `PFHIR_CODE_`).
    pub codes: Vec<Constant>,
    /// The value types and their constants.
    pub value_types: Vec<ValueType>,
    /// The opaque handles.
    pub handles: Vec<Handle>,
    /// The functions, in header order.
    pub functions: Vec<Function>,
}

impl Abi {
    /// Reads the model from the header's text.
    pub fn parse(header: &str) -> Result<Abi, String> {
        Reader::new(header).read()
    }

    /// `(major, minor)` of the version.
    pub fn major_minor(&self) -> (u32, u32) {
        let mut parts = self.version.split(['.', '-', '+']);
        let mut num = || parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
        (num(), num())
    }

    /// The function of this name.
    pub fn function(&self, name: &str) -> Option<&Function> {
        self.functions.iter().find(|f| f.name == name)
    }
}

/// One item of the header: its doc comment and its text up to the item's end.
struct Item {
    doc: String,
    text: String,
}

struct Reader<'a> {
    lines: Vec<&'a str>,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(header: &'a str) -> Self {
        Reader {
            lines: header.lines().collect(),
            pos: 0,
        }
    }

    fn read(mut self) -> Result<Abi, String> {
        let mut version = None;
        let mut codes = Vec::new();
        let mut typedefs: Vec<(String, String)> = Vec::new();
        let mut defines: Vec<(String, u32, String)> = Vec::new();
        let mut handles = Vec::new();
        let mut functions = Vec::new();
        let mut in_extern = false;
        while let Some(item) = self.next_item()? {
            let t = item.text.as_str();
            if let Some(rest) = t.strip_prefix("#define PFHIR_VERSION_STRING ") {
                version = Some(rest.trim().trim_matches('"').to_string());
            } else if t.starts_with("#define PFHIR_VERSION_") || t == "#define PFHIR_H" {
            } else if let Some(rest) = t.strip_prefix("#define ") {
                let mut parts = rest.split_whitespace();
                let (Some(name), Some(value), None) = (parts.next(), parts.next(), parts.next())
                else {
                    return Err(format!("pfhir.h: cannot read `{t}`"));
                };
                let value = value
                    .parse()
                    .map_err(|_| format!("pfhir.h: {name} is not a number"))?;
                defines.push((name.to_string(), value, item.doc));
            } else if t.starts_with("enum pfhir_code") {
                codes = self.read_codes()?;
            } else if let Some(rest) = t.strip_prefix("typedef uint32_t ") {
                let name = rest.trim_end_matches(';').trim();
                if name != "pfhir_code" {
                    typedefs.push((unprefixed(name)?, item.doc));
                }
            } else if let Some(rest) = t.strip_prefix("typedef struct ") {
                if rest.ends_with('{') {
                    // pfhir_str / pfhir_bytes: their layout is fixed by ffi/README.md.
                    self.skip_past("}")?;
                } else {
                    let name = rest.split_whitespace().next().unwrap_or_default();
                    handles.push(Handle {
                        name: unprefixed(name)?,
                        doc: item.doc,
                    });
                }
            } else if t.starts_with("extern \"C\"") {
                in_extern = true;
            } else if t.starts_with('}') && in_extern {
                in_extern = false;
            } else if in_extern && t.ends_with(';') {
                functions.push(parse_function(t, item.doc)?);
            } else if t.starts_with('#') || t.starts_with("typedef enum") || t.starts_with("/*") {
                // Preprocessor lines around the items, the C23 typedef of pfhir_code.
            } else {
                return Err(format!("pfhir.h: unexpected item `{t}`"));
            }
        }
        let version = version.ok_or("pfhir.h: no PFHIR_VERSION_STRING")?;
        if codes.is_empty() {
            return Err("pfhir.h: no enum pfhir_code".into());
        }
        let value_types = group_constants(typedefs, defines)?;
        Ok(Abi {
            version,
            codes,
            value_types,
            handles,
            functions,
        })
    }

    /// The next item: doc comment (if any) and the text of the declaration (joined lines).
    fn next_item(&mut self) -> Result<Option<Item>, String> {
        let mut doc = String::new();
        loop {
            let Some(line) = self.lines.get(self.pos) else {
                return Ok(None);
            };
            let t = line.trim();
            self.pos += 1;
            if t.is_empty() {
                continue;
            }
            if t == "/**" {
                doc = self.read_doc()?;
                continue;
            }
            if t.starts_with("/*") && t.ends_with("*/") {
                // The file's banner (one-line parts of it) carries no item.
                continue;
            }
            if t.starts_with("/*") {
                self.skip_past("*/")?;
                continue;
            }
            let mut text = t.to_string();
            // A declaration spans lines until its `;` (functions) or is one line.
            let is_decl = !t.starts_with('#')
                && !t.starts_with("enum ")
                && !t.starts_with("extern ")
                && !t.starts_with('}')
                && !t.ends_with('{');
            while is_decl && !text.ends_with(';') {
                let Some(next) = self.lines.get(self.pos) else {
                    return Err(format!("pfhir.h: unterminated declaration `{text}`"));
                };
                self.pos += 1;
                text.push(' ');
                text.push_str(next.trim());
            }
            return Ok(Some(Item { doc, text }));
        }
    }

    fn read_doc(&mut self) -> Result<String, String> {
        let mut lines = Vec::new();
        loop {
            let Some(line) = self.lines.get(self.pos) else {
                return Err("pfhir.h: unterminated doc comment".into());
            };
            self.pos += 1;
            let t = line.trim();
            if t == "*/" {
                return Ok(lines.join("\n"));
            }
            let t = t.strip_prefix('*').unwrap_or(t);
            lines.push(t.strip_prefix(' ').unwrap_or(t).to_string());
        }
    }

    fn skip_past(&mut self, end: &str) -> Result<(), String> {
        while let Some(line) = self.lines.get(self.pos) {
            self.pos += 1;
            if line.trim().starts_with(end) || line.trim().ends_with(end) {
                return Ok(());
            }
        }
        Err(format!("pfhir.h: no `{end}`"))
    }

    /// The members of `enum pfhir_code`, up to its `};`.
    fn read_codes(&mut self) -> Result<Vec<Constant>, String> {
        let mut codes = Vec::new();
        let mut doc = String::new();
        while let Some(line) = self.lines.get(self.pos) {
            let t = line.trim();
            self.pos += 1;
            if t == "};" {
                return Ok(codes);
            }
            if t == "/**" {
                doc = self.read_doc()?;
                continue;
            }
            let Some(member) = t.strip_suffix(',') else {
                continue; // `#if` lines of the C23 underlying type, `: uint32_t`, `{`
            };
            let (name, value) = member
                .split_once(" = ")
                .ok_or_else(|| format!("pfhir.h: cannot read code `{t}`"))?;
            let short = name
                .strip_prefix("PFHIR_CODE_")
                .ok_or_else(|| format!("pfhir.h: code `{name}` lacks PFHIR_CODE_"))?;
            codes.push(Constant {
                name: name.to_string(),
                short: short.to_string(),
                value: value
                    .parse()
                    .map_err(|_| format!("pfhir.h: {name} is not a number"))?,
                doc: one_line(&std::mem::take(&mut doc)),
            });
        }
        Err("pfhir.h: enum pfhir_code has no end".into())
    }
}

/// `pfhir_client_config` -> `client_config`.
fn unprefixed(name: &str) -> Result<String, String> {
    name.strip_prefix("pfhir_")
        .map(str::to_string)
        .ok_or_else(|| format!("pfhir.h: `{name}` lacks the pfhir_ prefix"))
}

/// A doc comment as one line (paragraphs joined).
pub fn one_line(doc: &str) -> String {
    doc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first sentence of a doc comment (up to the first `. ` or the first blank line).
pub fn summary(doc: &str) -> String {
    let para = doc.split("\n\n").next().unwrap_or_default();
    let line = one_line(para);
    match line.find(". ") {
        Some(i) => line[..=i].to_string(),
        None => line,
    }
}

/// Each `#define` belongs to the value type whose upper-case name (or that name without its
/// last word: `pfhir_create_state` -> `PFHIR_CREATE_`) prefixes it; the longest match wins.
fn group_constants(
    typedefs: Vec<(String, String)>,
    defines: Vec<(String, u32, String)>,
) -> Result<Vec<ValueType>, String> {
    let mut types: Vec<ValueType> = typedefs
        .into_iter()
        .map(|(name, doc)| ValueType {
            prefix: String::new(),
            name,
            doc,
            constants: Vec::new(),
        })
        .collect();
    for (name, value, doc) in defines {
        let mut best: Option<(usize, String)> = None;
        for (i, t) in types.iter().enumerate() {
            let full = format!("PFHIR_{}_", t.name.to_uppercase());
            let shorter = match t.name.rsplit_once('_') {
                Some((head, _)) => format!("PFHIR_{}_", head.to_uppercase()),
                None => full.clone(),
            };
            for prefix in [full, shorter] {
                if name.starts_with(&prefix)
                    && best.as_ref().is_none_or(|(_, p)| prefix.len() > p.len())
                {
                    best = Some((i, prefix));
                }
            }
        }
        let Some((i, prefix)) = best else {
            return Err(format!(
                "pfhir.h: #define {name} belongs to no `typedef uint32_t pfhir_*` value type"
            ));
        };
        let t = &mut types[i];
        if !t.prefix.is_empty() && t.prefix != prefix {
            return Err(format!(
                "pfhir.h: {name}: the constants of pfhir_{} use two prefixes",
                t.name
            ));
        }
        t.prefix.clone_from(&prefix);
        t.constants.push(Constant {
            short: name[prefix.len()..].to_string(),
            name,
            value,
            doc: one_line(&doc),
        });
    }
    if let Some(t) = types.iter().find(|t| t.constants.is_empty()) {
        return Err(format!("pfhir.h: pfhir_{} has no constants", t.name));
    }
    Ok(types)
}

/// `struct pfhir_error *pfhir_x(const uint8_t *v, size_t len);`
fn parse_function(text: &str, doc: String) -> Result<Function, String> {
    let err = || format!("pfhir.h: cannot read the declaration `{text}`");
    let (head, rest) = text.split_once('(').ok_or_else(err)?;
    let params = rest.strip_suffix(");").ok_or_else(err)?;
    let (ret, name) = split_declarator(head).ok_or_else(err)?;
    let ret = parse_type(&ret).ok_or_else(|| format!("pfhir.h: {name}: unknown result `{ret}`"))?;
    let mut out = Vec::new();
    if params.trim() != "void" {
        for p in params.split(',') {
            let (ty, pname) = split_declarator(p).ok_or_else(err)?;
            let ty = parse_type(&ty)
                .ok_or_else(|| format!("pfhir.h: {name}: unknown type `{ty}` of `{pname}`"))?;
            if ty == CType::Void || ty == CType::CStr {
                return Err(format!("pfhir.h: {name}: `{pname}` cannot be {ty:?}"));
            }
            out.push(Param { name: pname, ty });
        }
    }
    Ok(Function {
        name,
        doc,
        ret,
        params: out,
    })
}

/// `const struct pfhir_outcome *o` -> (`const struct pfhir_outcome *`, `o`).
fn split_declarator(decl: &str) -> Option<(String, String)> {
    let decl = decl.trim();
    let at = decl.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let name = &decl[at + 1..];
    if name.is_empty() {
        return None;
    }
    let ty = decl[..=at].split_whitespace().collect::<Vec<_>>().join(" ");
    Some((ty, name.to_string()))
}

fn parse_type(ty: &str) -> Option<CType> {
    // `uint8_t *`, `uint8_t*` and `struct pfhir_x * *` read the same.
    let mut ty = ty.trim().to_string();
    while ty.contains(" *") {
        ty = ty.replace(" *", "*");
    }
    let ty = ty.strip_prefix("const ").unwrap_or(&ty);
    Some(match ty {
        "void" => CType::Void,
        "bool" => CType::Bool,
        "uint16_t" => CType::U16,
        "uint32_t" => CType::U32(None),
        "uint64_t" => CType::U64,
        "size_t" => CType::Size,
        "char*" => CType::CStr,
        "uint8_t*" => CType::Buf,
        "struct pfhir_str" => CType::Str,
        "struct pfhir_bytes" => CType::Bytes,
        "struct pfhir_bytes*" => CType::BytesOut,
        "uint32_t*" => CType::U32Out,
        _ => {
            if let Some(h) = ty.strip_prefix("struct pfhir_") {
                if let Some(h) = h.strip_suffix("**") {
                    CType::HandleOut(h.to_string())
                } else {
                    CType::Handle(h.strip_suffix('*')?.to_string())
                }
            } else if let Some(t) = ty.strip_prefix("pfhir_") {
                if t.ends_with('*') {
                    CType::U32Out
                } else {
                    CType::U32(Some(t.to_string()))
                }
            } else {
                return None;
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"#ifndef PFHIR_H
#define PFHIR_H

#define PFHIR_VERSION_MAJOR 1
#define PFHIR_VERSION_STRING "1.2.3"

/**
 * Codes.
 */
enum pfhir_code
#if defined(__cplusplus)
  : uint32_t
#endif
 {
  /**
   * No error.
   */
  PFHIR_CODE_OK = 0,
  /**
   * A timeout
   * (long).
   */
  PFHIR_CODE_TIMEOUT = 32,
};

/**
 * A client.
 */
typedef struct pfhir_client pfhir_client;

typedef struct pfhir_str {
  const char *data;
  size_t len;
} pfhir_str;

/**
 * What was found.
 */
typedef uint32_t pfhir_create_state;

/**
 * Created.
 */
#define PFHIR_CREATE_CREATED 1

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Version.
 */
const char *pfhir_version(void);

/**
 * Sends.
 */
struct pfhir_error *pfhir_client_send(const struct pfhir_client *c,
                                      const uint8_t *v,
                                      size_t len,
                                      pfhir_create_state *state,
                                      struct pfhir_client **out);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* PFHIR_H */
"#;

    #[test]
    fn reads_every_kind_of_item() {
        let abi = Abi::parse(SAMPLE).expect("sample parses");
        assert_eq!(abi.version, "1.2.3");
        assert_eq!(abi.major_minor(), (1, 2));
        assert_eq!(abi.codes.len(), 2);
        assert_eq!(abi.codes[1].short, "TIMEOUT");
        assert_eq!(abi.codes[1].value, 32);
        assert_eq!(abi.codes[1].doc, "A timeout (long).");
        assert_eq!(abi.handles[0].name, "client");
        assert_eq!(abi.value_types[0].name, "create_state");
        assert_eq!(abi.value_types[0].prefix, "PFHIR_CREATE_");
        assert_eq!(abi.value_types[0].constants[0].short, "CREATED");
        let f = abi.function("pfhir_client_send").expect("declared");
        assert_eq!(f.ret, CType::Handle("error".into()));
        let types: Vec<&CType> = f.params.iter().map(|p| &p.ty).collect();
        assert_eq!(
            types,
            [
                &CType::Handle("client".into()),
                &CType::Buf,
                &CType::Size,
                &CType::U32Out,
                &CType::HandleOut("client".into())
            ]
        );
        assert_eq!(
            abi.function("pfhir_version").map(|f| &f.ret),
            Some(&CType::CStr)
        );
    }

    #[test]
    fn an_unknown_type_or_constant_fails_loudly() {
        let bad = SAMPLE.replace("size_t len,", "float len,");
        assert!(Abi::parse(&bad).unwrap_err().contains("float"));
        let stray = SAMPLE.replace("#define PFHIR_CREATE_CREATED 1", "#define PFHIR_OTHER 1");
        assert!(Abi::parse(&stray).unwrap_err().contains("PFHIR_OTHER"));
    }

    #[test]
    fn the_real_header_reads() {
        let text = std::fs::read_to_string(crate::root().join(crate::HEADER_PATH))
            .expect("include/pfhir.h");
        let abi = Abi::parse(&text).expect("pfhir.h parses");
        assert!(abi.functions.len() > 100);
        assert!(abi.function("pfhir_validate").is_some());
        assert!(abi.value_types.iter().any(|t| t.name == "severity"));
    }
}
