//! The .NET binding's raw layer: `Native.g.cs` (the P/Invoke declarations of every function,
//! a `partial` of the hand-written `Native` class that holds the structs and helpers) and
//! `Abi.g.cs` (the version, `ErrorCode` and one public enum per value type).

use super::{camel, pascal, xml_escape, MARK};
use crate::abi::{summary, Abi, CType, Function};
use std::fmt::Write;

/// The P/Invoke declarations.
pub const NATIVE_PATH: &str = "bindings/dotnet/src/Native.g.cs";
/// The constants.
pub const ABI_PATH: &str = "bindings/dotnet/src/Abi.g.cs";

/// Value types whose .NET name is not the header's (`pfhir_uncertain_policy`).
const RENAMED: &[(&str, &str)] = &[("uncertain_policy", "UncertainCreatePolicy")];

const KEYWORDS: &[&str] = &[
    "out",
    "ref",
    "in",
    "params",
    "object",
    "string",
    "base",
    "event",
    "fixed",
    "lock",
    "operator",
    "checked",
    "decimal",
    "delegate",
    "explicit",
    "implicit",
    "internal",
    "is",
    "namespace",
    "override",
    "readonly",
    "sealed",
    "sizeof",
    "stackalloc",
    "typeof",
    "unchecked",
    "unsafe",
    "using",
    "virtual",
    "volatile",
    "default",
    "class",
    "struct",
    "new",
    "this",
];

/// The .NET name of a value type.
pub fn type_name(header_name: &str) -> String {
    RENAMED
        .iter()
        .find(|(h, _)| *h == header_name)
        .map(|(_, n)| n.to_string())
        .unwrap_or_else(|| pascal(header_name))
}

fn param_type(t: &CType) -> String {
    match t {
        CType::Bool => "[MarshalAs(UnmanagedType.I1)] bool".into(),
        CType::BytesOut => "out PfhirBytes".into(),
        CType::U32Out => "out uint".into(),
        CType::HandleOut(h) => format!("out {}Handle", pascal(h)),
        t => value_type(t),
    }
}

fn value_type(t: &CType) -> String {
    match t {
        CType::Void => "void".into(),
        CType::Bool => "bool".into(),
        CType::U16 => "ushort".into(),
        CType::U32(_) => "uint".into(),
        CType::U64 => "ulong".into(),
        CType::Size => "UIntPtr".into(),
        CType::CStr => "IntPtr".into(),
        CType::Buf => "byte[]".into(),
        CType::Str => "PfhirStr".into(),
        CType::Bytes => "PfhirBytes".into(),
        CType::Handle(h) => format!("{}Handle", pascal(h)),
        CType::BytesOut | CType::U32Out | CType::HandleOut(_) => "IntPtr".into(),
    }
}

fn param_name(c: &str) -> String {
    let n = camel(c);
    if n == "out" {
        "output".into()
    } else if KEYWORDS.contains(&n.as_str()) {
        format!("@{n}")
    } else {
        n
    }
}

/// `pfhir_T_free(T *)` takes the raw pointer: its SafeHandle's ReleaseHandle calls it.
fn is_free(f: &Function) -> bool {
    f.name.ends_with("_free")
        && f.params.len() == 1
        && matches!(f.params[0].ty, CType::Handle(_))
        && f.ret == CType::Void
}

/// `Native.g.cs`.
pub fn native(abi: &Abi) -> Result<String, String> {
    let mut o = format!(
        "// {MARK}\n\
         // The P/Invoke declaration of every function of include/pfhir.h. Internal: use the public\n\
         // classes. Mapping: (const uint8_t *, size_t) is (byte[], UIntPtr); handles are their\n\
         // SafeHandle class (pfhir_T_free takes the raw IntPtr); C bool is one byte (I1).\n\n\
         using System;\nusing System.Runtime.InteropServices;\n\n\
         namespace PfhirSdk\n{{\n    internal static partial class Native\n    {{\n"
    );
    for f in &abi.functions {
        let params: Vec<String> = if is_free(f) {
            vec![format!("IntPtr {}", param_name(&f.params[0].name))]
        } else {
            f.params
                .iter()
                .map(|p| format!("{} {}", param_type(&p.ty), param_name(&p.name)))
                .collect()
        };
        let ret_attr = if f.ret == CType::Bool {
            "[return: MarshalAs(UnmanagedType.I1)] "
        } else {
            ""
        };
        let _ = writeln!(
            o,
            "        /// <summary>{}</summary>\n        [DllImport(Lib)] {ret_attr}internal static extern {} {}({});",
            xml_escape(&summary(&f.doc)),
            value_type(&f.ret),
            f.name,
            params.join(", ")
        );
    }
    o.push_str("    }\n}\n");
    Ok(o)
}

/// `Abi.g.cs`.
pub fn constants(abi: &Abi) -> String {
    let mut o = format!(
        "// {MARK}\n\nnamespace PfhirSdk\n{{\n\
         \x20   /// <summary>The version of include/pfhir.h this binding was generated from.</summary>\n\
         \x20   internal static class Abi\n    {{\n\
         \x20       /// <summary>The header's version.</summary>\n\
         \x20       internal const string Version = \"{}\";\n\
         \x20   }}\n\n\
         \x20   /// <summary>\n\
         \x20   /// The error codes of libpfhir (<c>pfhir_code</c> in include/pfhir.h), number for number.\n\
         \x20   /// Numbers are fixed forever; a newer library may return a number missing here, which\n\
         \x20   /// becomes a plain <see cref=\"PfhirException\"/>.\n\
         \x20   /// </summary>\n\
         \x20   public enum ErrorCode : uint\n    {{\n",
        abi.version
    );
    for c in &abi.codes {
        let _ = writeln!(
            o,
            "        /// <summary>{} (<c>{}</c>)</summary>\n        {} = {},",
            xml_escape(&c.doc),
            c.name,
            pascal(&c.short),
            c.value
        );
    }
    o.push_str("    }\n");
    for t in &abi.value_types {
        let _ = write!(
            o,
            "\n    /// <summary>{} (<c>pfhir_{}</c>)</summary>\n    public enum {} : uint\n    {{\n",
            xml_escape(&summary(&t.doc)),
            t.name,
            type_name(&t.name)
        );
        for c in &t.constants {
            let _ = writeln!(
                o,
                "        /// <summary>{} (<c>{}</c>)</summary>\n        {} = {},",
                xml_escape(&c.doc),
                c.name,
                pascal(&c.short),
                c.value
            );
        }
        o.push_str("    }\n");
    }
    o.push_str("}\n");
    o
}
