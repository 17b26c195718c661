//! `bindings/cpp/pfhir_abi.hpp`: the C++ enums of the codes and value types (each member is
//! the C constant, so a mismatch with pfhir.h cannot compile), included by pfhir.hpp.

use super::{pascal, MARK};
use crate::abi::{summary, Abi, Constant};
use std::fmt::Write;

/// Where the file goes (installed beside pfhir.hpp).
pub const PATH: &str = "bindings/cpp/pfhir_abi.hpp";

fn members(o: &mut String, constants: &[Constant]) {
    for c in constants {
        let _ = writeln!(o, "  /// {}\n  {} = {},", c.doc, pascal(&c.short), c.name);
    }
}

/// The file's content.
pub fn generate(abi: &Abi) -> String {
    let mut o = format!(
        "// {MARK}\n\
         // The enums of pfhir.hpp (namespace pfhir), one per pfhir_code and value type of pfhir.h.\n\
         #ifndef PFHIR_ABI_HPP\n#define PFHIR_ABI_HPP\n\n#include <cstdint>\n\n#include \"pfhir.h\"\n\n\
         namespace pfhir {{\n\n\
         /// The error codes of pfhir_code, number for number (fixed forever; a newer library may\n\
         /// return numbers not listed here: treat them as errors).\n\
         enum class Code : std::uint32_t {{\n"
    );
    members(&mut o, &abi.codes);
    o.push_str("};\n");
    for t in &abi.value_types {
        let _ = write!(
            o,
            "\n/// {} (pfhir_{})\nenum class {} : std::uint32_t {{\n",
            summary(&t.doc),
            t.name,
            pascal(&t.name)
        );
        members(&mut o, &t.constants);
        o.push_str("};\n");
    }
    o.push_str("\n}  // namespace pfhir\n\n#endif  // PFHIR_ABI_HPP\n");
    o
}
