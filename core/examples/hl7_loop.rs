//! Converts one HL7 v2 message N times (parse, map, build, validate), for counting
//! instructions per message with cachegrind: `hl7_loop FILE N`.

use std::hint::black_box;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(file), Some(n)) = (
        args.get(1),
        args.get(2).and_then(|n| n.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: hl7_loop FILE N");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{file}: {e}");
            std::process::exit(1);
        }
    };
    let options = pfhir_core::hl7v2::Hl7Options {
        utc_offset: Some(60),
        ..pfhir_core::hl7v2::Hl7Options::default()
    };
    let converter = match pfhir_core::hl7v2::Converter::new(options) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("options: {e}");
            std::process::exit(2);
        }
    };
    for _ in 0..n {
        let mut conv = converter.convert(black_box(&bytes));
        black_box(conv.take_bundle_json());
    }
}
