//! Prints the OperationOutcome of each file given (partner validation; `--base` for STU3 only).

fn main() {
    let mut base = false;
    for arg in std::env::args().skip(1) {
        if arg == "--base" {
            base = true;
            continue;
        }
        let v = if base {
            pfhir_core::validate::Validator::base()
        } else {
            pfhir_core::validate::Validator::partner()
        };
        match std::fs::read(&arg) {
            Ok(bytes) => {
                for i in v.validate(&bytes).issues {
                    println!(
                        "{arg}:{}:{} {} {} {} {}",
                        i.line,
                        i.column,
                        i.severity.as_str(),
                        i.message_id,
                        i.expression,
                        i.message
                    );
                }
            }
            Err(e) => eprintln!("{arg}: {e}"),
        }
    }
}
