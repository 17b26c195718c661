//! Validates one file N times (partner profile), for counting instructions per document with
//! cachegrind, or for timing it the way `wasm/bench/node-bench.mjs` times the WASM module:
//!
//! `validate_loop FILE N`         validate N times
//! `validate_loop FILE N serde`   `serde_json::from_slice::<Value>` N times instead
//! `validate_loop FILE N time`    N batches of 500 validations: median and minimum µs per
//!                                document (after a 2 s warm-up)
//! `validate_loop FILE N hl7`     FILE is an HL7 v2 message: converted N times (parse, map,
//!                                build, validate), for instructions per message

use std::hint::black_box;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(file), Some(n)) = (
        args.get(1),
        args.get(2).and_then(|n| n.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: validate_loop FILE N [serde|time|hl7]");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{file}: {e}");
            std::process::exit(1);
        }
    };
    let v = pfhir_core::validate::Validator::partner();
    let validate = || black_box(v.validate(black_box(&bytes))).issues.len();
    match args.get(3).map(String::as_str) {
        Some("serde") => {
            let mut total = 0usize;
            for _ in 0..n {
                total +=
                    black_box(serde_json::from_slice::<serde_json::Value>(&bytes)).map_or(0, |_| 1);
            }
            println!("{total}");
        }
        Some("hl7") => {
            // The file is an HL7 v2 message: parse, map, build, validate and take the
            // Bundle's JSON, as `pfhir hl7 to-bundle` does (a site time zone of +01:00).
            let options = pfhir_core::hl7v2::Hl7Options {
                utc_offset: Some(60),
                ..pfhir_core::hl7v2::Hl7Options::default()
            };
            let Ok(converter) = pfhir_core::hl7v2::Converter::new(options) else {
                eprintln!("the default HL7 v2 options are refused");
                std::process::exit(1);
            };
            let mut total = 0usize;
            for _ in 0..n {
                let mut conv = converter.convert(black_box(&bytes));
                total += black_box(conv.take_bundle_json()).map_or(0, |j| j.len());
            }
            println!("{total}");
        }
        Some("time") => {
            let warm = Instant::now() + Duration::from_secs(2);
            while Instant::now() < warm {
                validate();
            }
            let mut batches: Vec<f64> = (0..n.max(1))
                .map(|_| {
                    let t = Instant::now();
                    for _ in 0..500 {
                        validate();
                    }
                    t.elapsed().as_secs_f64() * 1e6 / 500.0
                })
                .collect();
            batches.sort_by(f64::total_cmp);
            println!(
                "{:.2} µs/document median, {:.2} min ({} batches of 500)",
                batches[batches.len() / 2],
                batches[0],
                batches.len()
            );
        }
        _ => {
            let mut total = 0usize;
            for _ in 0..n {
                total += validate();
            }
            println!("{total}");
        }
    }
}
