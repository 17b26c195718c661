//! The Java binding's raw layer: `internal/PfhirLibrary.java` (the JNA interface),
//! `internal/Abi.java` (version and value-type constants) and `ErrorCode.java` (the codes;
//! the exception class of each is chosen by the hand-written `ExceptionClasses`).

use super::{camel, comment_safe, MARK};
use crate::abi::{summary, Abi, CType};
use std::fmt::Write;

/// The JNA interface.
pub const LIBRARY_PATH: &str = "bindings/java/src/main/java/dev/pfhir/internal/PfhirLibrary.java";
/// The constants.
pub const ABI_PATH: &str = "bindings/java/src/main/java/dev/pfhir/internal/Abi.java";
/// The error codes.
pub const CODES_PATH: &str = "bindings/java/src/main/java/dev/pfhir/ErrorCode.java";

const KEYWORDS: &[&str] = &[
    "abstract",
    "boolean",
    "byte",
    "char",
    "class",
    "default",
    "double",
    "final",
    "float",
    "int",
    "long",
    "native",
    "new",
    "package",
    "private",
    "protected",
    "public",
    "short",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "throws",
    "transient",
    "try",
    "void",
    "volatile",
    "while",
    "case",
    "catch",
    "const",
    "continue",
    "do",
    "else",
    "enum",
    "extends",
    "for",
    "goto",
    "if",
    "import",
    "instanceof",
    "interface",
    "return",
    "synchronized",
    "assert",
    "finally",
    "implements",
    "strictfp",
];

fn jtype(t: &CType) -> &'static str {
    match t {
        CType::Void => "void",
        CType::Bool => "byte",
        CType::U16 => "short",
        CType::U32(_) => "int",
        CType::U64 => "long",
        CType::Size => "SizeT",
        CType::CStr => "String",
        CType::Buf => "byte[]",
        CType::Str => "PfhirStr",
        CType::Bytes => "PfhirBytes.ByValue",
        CType::BytesOut => "PfhirBytes",
        CType::U32Out => "IntByReference",
        CType::Handle(_) => "Pointer",
        CType::HandleOut(_) => "PointerByReference",
    }
}

fn param_name(c: &str) -> String {
    let n = camel(c);
    if KEYWORDS.contains(&n.as_str()) {
        n + "_"
    } else {
        n
    }
}

/// `internal/PfhirLibrary.java`.
pub fn library(abi: &Abi) -> Result<String, String> {
    let mut o = format!(
        "// {MARK}\npackage dev.pfhir.internal;\n\n\
         import com.sun.jna.Library;\n\
         import com.sun.jna.Pointer;\n\
         import com.sun.jna.ptr.IntByReference;\n\
         import com.sun.jna.ptr.PointerByReference;\n\n\
         /**\n * The C ABI of libpfhir ({{@code include/pfhir.h}}) as a JNA interface, every function.\n\
         * Internal: not part of pfhir's API; use the classes of {{@code dev.pfhir}}.\n *\n\
         * <p>Mapping rules: {{@code (const uint8_t *, size_t)}} is {{@code (byte[], SizeT)}} (a null array\n\
         * is NULL); {{@code pfhir_error *}} and handles are {{@link Pointer}}; {{@code bool}} is {{@code byte}}\n\
         * (C {{@code bool}} is one byte, JNA's {{@code boolean}} is four); {{@code uint16_t}} is {{@code short}}\n\
         * and {{@code uint32_t}} is {{@code int}} (mask them to read them unsigned).\n */\n\
         @SuppressWarnings(\"checkstyle:MethodName\")\n\
         public interface PfhirLibrary extends Library {{\n"
    );
    for f in &abi.functions {
        let params: Vec<String> = f
            .params
            .iter()
            .map(|p| format!("{} {}", jtype(&p.ty), param_name(&p.name)))
            .collect();
        let _ = writeln!(
            o,
            "    /** {} */\n    {} {}({});\n",
            comment_safe(&summary(&f.doc)),
            jtype(&f.ret),
            f.name,
            params.join(", ")
        );
    }
    o.truncate(o.trim_end().len());
    o.push_str("\n}\n");
    Ok(o)
}

/// `internal/Abi.java`.
pub fn constants(abi: &Abi) -> String {
    let (major, minor) = abi.major_minor();
    let mut o = format!(
        "// {MARK}\npackage dev.pfhir.internal;\n\n\
         /** The version and the value-type constants of {{@code include/pfhir.h}}. Internal. */\n\
         public final class Abi {{\n\
         \x20   private Abi() {{}}\n\n\
         \x20   /** The version of the header this binding was generated from. */\n\
         \x20   public static final String VERSION = \"{}\";\n\n\
         \x20   /** Its major version: must match the loaded library's. */\n\
         \x20   public static final int MAJOR = {major};\n\n\
         \x20   /** Its minor version: must match the loaded library's while pfhir is 0.x. */\n\
         \x20   public static final int MINOR = {minor};\n",
        abi.version
    );
    for t in &abi.value_types {
        let _ = writeln!(o, "\n    // pfhir_{}: {}", t.name, summary(&t.doc));
        for c in &t.constants {
            let _ = writeln!(
                o,
                "\n    /** {} */\n    public static final int {} = {};",
                comment_safe(&c.doc),
                c.name.trim_start_matches("PFHIR_"),
                c.value
            );
        }
    }
    o.push_str("}\n");
    o
}

/// `ErrorCode.java`.
pub fn codes(abi: &Abi) -> String {
    let max = abi.codes.iter().map(|c| c.value).max().unwrap_or(0) + 1;
    let mut o = format!(
        "// {MARK}\npackage dev.pfhir;\n\n\
         /**\n * The error codes of libpfhir ({{@code enum pfhir_code}} in {{@code pfhir.h}}), with the same\n\
         * numbers. The numbers are fixed forever and never reused; a newer library may return a number\n\
         * this enum does not know, which reads as {{@link #UNKNOWN}} (the number itself is kept in\n\
         * {{@link PfhirException#rawCode()}}).\n *\n\
         * <p>Each code is thrown as one exception class, {{@link #exceptionClass()}}.\n */\n\
         public enum ErrorCode {{\n"
    );
    for c in &abi.codes {
        let _ = writeln!(
            o,
            "    /** {} */\n    {}({}, \"{}\", \"{}\"),",
            comment_safe(&c.doc),
            c.short,
            c.value,
            c.short.to_ascii_lowercase(),
            c.doc.replace('\\', "\\\\").replace('"', "\\\"")
        );
    }
    let _ = write!(
        o,
        "    /** A number this version of the binding does not know (from a newer library). */\n\
         \x20   UNKNOWN(-1, \"unknown\", \"A code this binding does not know.\");\n\n\
         \x20   private static final ErrorCode[] BY_NUMBER = new ErrorCode[{max}];\n\n\
         \x20   static {{\n\
         \x20       for (ErrorCode c : values()) {{\n\
         \x20           if (c.number >= 0) {{\n\
         \x20               BY_NUMBER[c.number] = c;\n\
         \x20           }}\n\
         \x20       }}\n\
         \x20   }}\n\n\
         \x20   private final int number;\n\
         \x20   private final String snakeName;\n\
         \x20   private final String description;\n\n\
         \x20   ErrorCode(int number, String snakeName, String description) {{\n\
         \x20       this.number = number;\n\
         \x20       this.snakeName = snakeName;\n\
         \x20       this.description = description;\n\
         \x20   }}\n\n\
         \x20   /**\n\
         \x20    * The code's number in {{@code pfhir.h}} ({{@code -1}} for {{@link #UNKNOWN}}).\n\
         \x20    *\n\
         \x20    * @return the number\n\
         \x20    */\n\
         \x20   public int number() {{\n\
         \x20       return number;\n\
         \x20   }}\n\n\
         \x20   /**\n\
         \x20    * The snake-case name, as {{@code pfhir_code_name()}} gives it ({{@code not_found}}).\n\
         \x20    *\n\
         \x20    * @return the name\n\
         \x20    */\n\
         \x20   public String snakeName() {{\n\
         \x20       return snakeName;\n\
         \x20   }}\n\n\
         \x20   /**\n\
         \x20    * What the code means (one line, from the header).\n\
         \x20    *\n\
         \x20    * @return the description\n\
         \x20    */\n\
         \x20   public String description() {{\n\
         \x20       return description;\n\
         \x20   }}\n\n\
         \x20   /**\n\
         \x20    * The exception class an error with this code is thrown as.\n\
         \x20    *\n\
         \x20    * @return the class (the base {{@link PfhirException}} for {{@link #OK}} and {{@link #UNKNOWN}})\n\
         \x20    */\n\
         \x20   public Class<? extends PfhirException> exceptionClass() {{\n\
         \x20       return ExceptionClasses.of(this);\n\
         \x20   }}\n\n\
         \x20   /**\n\
         \x20    * The code of a number.\n\
         \x20    *\n\
         \x20    * @param number a {{@code pfhir_code}} number (read as unsigned)\n\
         \x20    * @return its code, or {{@link #UNKNOWN}}\n\
         \x20    */\n\
         \x20   public static ErrorCode fromNumber(int number) {{\n\
         \x20       if (number >= 0 && number < BY_NUMBER.length && BY_NUMBER[number] != null) {{\n\
         \x20           return BY_NUMBER[number];\n\
         \x20       }}\n\
         \x20       return UNKNOWN;\n\
         \x20   }}\n\
         }}\n"
    );
    o
}
