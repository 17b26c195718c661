//! Validates one file N times, for counting instructions per document with cachegrind:
//! `validate_loop FILE N [serde]` (`serde`: `serde_json::from_slice::<Value>` instead).

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(file), Some(n)) = (
        args.get(1),
        args.get(2).and_then(|n| n.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: validate_loop FILE N [serde]");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{file}: {e}");
            std::process::exit(1);
        }
    };
    let serde = args.get(3).is_some_and(|a| a == "serde");
    let v = pfhir_core::validate::Validator::partner();
    let mut total = 0usize;
    for _ in 0..n {
        total += if serde {
            std::hint::black_box(serde_json::from_slice::<serde_json::Value>(&bytes))
                .map_or(0, |_| 1)
        } else {
            std::hint::black_box(v.validate(std::hint::black_box(&bytes)))
                .issues
                .len()
        };
    }
    println!("{total}");
}
