//! `bindings/python/pfhir/_abi.py`: the version, the code and value-type enums, the two
//! structs, and the ctypes signature of every function.

use super::{comment_safe, pascal, MARK};
use crate::abi::{one_line, summary, Abi, CType};
use std::fmt::Write;

/// Where the file goes.
pub const PATH: &str = "bindings/python/pfhir/_abi.py";

fn ctype(t: &CType) -> &'static str {
    match t {
        CType::Void => "None",
        CType::Bool => "c_bool",
        CType::U16 => "c_uint16",
        CType::U32(_) => "c_uint32",
        CType::U64 => "c_uint64",
        CType::Size => "c_size_t",
        CType::CStr => "c_char_p",
        CType::Buf => "BUF",
        CType::Str => "PfhirStr",
        CType::Bytes => "PfhirBytes",
        CType::BytesOut => "POINTER(PfhirBytes)",
        CType::U32Out => "POINTER(c_uint32)",
        CType::Handle(h) if h == "error" => "ERR",
        CType::Handle(_) => "HANDLE",
        CType::HandleOut(_) => "OUT",
    }
}

/// The file's content.
pub fn generate(abi: &Abi) -> Result<String, String> {
    let mut o = String::new();
    let (major, minor) = abi.major_minor();
    let _ = write!(
        o,
        "# {MARK}\n\
         \"\"\"The raw ABI of libpfhir (include/pfhir.h): constants and ctypes signatures.\n\n\
         Private: use the classes of :mod:`pfhir`.\n\"\"\"\n\n\
         from __future__ import annotations\n\n\
         import ctypes\n\
         import enum\n\
         from ctypes import POINTER, c_bool, c_char_p, c_size_t, c_uint16, c_uint32, c_uint64, c_void_p\n\
         from typing import Any\n\n\
         #: The version of the header this file was generated from.\n\
         VERSION = \"{}\"\n\
         #: ``(major, minor)``: while pfhir is 0.x a minor version may change the ABI, so both\n\
         #: must match the loaded library's ``pfhir_version()``.\n\
         ABI_VERSION = ({major}, {minor})\n\n\n",
        abi.version
    );
    o.push_str(
        "class PfhirStr(ctypes.Structure):\n    \"\"\"``pfhir_str``: borrowed UTF-8 (NUL-terminated; ``len`` excludes the NUL).\"\"\"\n\n    _fields_ = [(\"data\", c_void_p), (\"len\", c_size_t)]\n\n\n\
         class PfhirBytes(ctypes.Structure):\n    \"\"\"``pfhir_bytes``: an owned buffer, freed with ``pfhir_bytes_free``.\"\"\"\n\n    _fields_ = [(\"data\", c_void_p), (\"len\", c_size_t)]\n\n\n",
    );
    write_enum(
        &mut o,
        "ErrorCode",
        "``pfhir_code``: the numbers are those of include/pfhir.h, fixed forever.",
        abi.codes
            .iter()
            .map(|c| (c.short.as_str(), c.value, c.doc.as_str())),
    );
    // The enum's one method: its name as `pfhir_code_name()` spells it.
    o.truncate(o.trim_end().len());
    o.push_str(
        "\n\n    @property\n    def snake_name(self) -> str:\n        \"\"\"The snake-case name ``pfhir_code_name()`` gives (``not_found``).\"\"\"\n        return self.name.lower()\n\n\n",
    );
    for t in &abi.value_types {
        write_enum(
            &mut o,
            &pascal(&t.name),
            &format!("``pfhir_{}``: {}", t.name, one_line(&t.doc)),
            t.constants
                .iter()
                .map(|c| (c.short.as_str(), c.value, c.doc.as_str())),
        );
    }
    o.push_str(
        "ERR = c_void_p  # pfhir_error *\nHANDLE = c_void_p  # any other opaque handle\nOUT = POINTER(c_void_p)  # T ** out-parameter\nBUF = c_char_p  # const uint8_t * (a bytes object, or None for NULL)\n\n\
         #: Every function of the header: name -> (restype, argtypes).\n\
         SIGNATURES: dict[str, tuple[Any, list[Any]]] = {\n",
    );
    for f in &abi.functions {
        let args: Vec<&str> = f.params.iter().map(|p| ctype(&p.ty)).collect();
        let _ = writeln!(
            o,
            "    # {}\n    \"{}\": ({}, [{}]),",
            comment_safe(&summary(&f.doc)),
            f.name,
            ctype(&f.ret),
            args.join(", ")
        );
    }
    o.push_str("}\n");
    Ok(o)
}

fn write_enum<'a>(
    o: &mut String,
    name: &str,
    doc: &str,
    members: impl Iterator<Item = (&'a str, u32, &'a str)>,
) {
    let _ = writeln!(
        o,
        "class {name}(enum.IntEnum):\n    \"\"\"{}\"\"\"\n",
        doc.replace('\\', "\\\\").replace("\"\"\"", "'''")
    );
    for (short, value, doc) in members {
        let _ = writeln!(o, "    #: {}\n    {short} = {value}", one_line(doc));
    }
    o.push_str("\n\n");
}
