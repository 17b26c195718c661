//! The native twin of `wasm/bench/node-bench.mjs`: the same document, the same statistics
//! (median and minimum of the time per Bundle over 500-call batches, after a 2 s warm-up), so
//! that native and Node can be compared run against run on a loaded machine, where the
//! minimum moves less than criterion's mean:
//!   cargo run --release -p pfhir-wasm --example native-bench
//! `validate` alone is what criterion's `partner_bundle/validate_partner` measures;
//! `validate + to_json` is what `validateBytesJson` returns.

use pfhir_core::validate::Validator;
use std::hint::black_box;
use std::time::{Duration, Instant};

fn bench(name: &str, seconds: u64, mut f: impl FnMut()) {
    let n = 500;
    let mut batches = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < deadline || batches.len() < 5 {
        let t0 = Instant::now();
        for _ in 0..n {
            f();
        }
        batches.push(t0.elapsed().as_secs_f64() * 1e6 / f64::from(n));
    }
    batches.sort_by(f64::total_cmp);
    println!(
        "{name:<44} {:>8.2} µs/Bundle  (min {:.2}, {} batches of {n})",
        batches[batches.len() / 2],
        batches[0],
        batches.len()
    );
}

fn main() -> std::io::Result<()> {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/partner/good-bundle.json"
    );
    let bytes = std::fs::read(file)?;
    let seconds = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let partner = Validator::partner();
    let warm = Instant::now() + Duration::from_secs(2);
    while Instant::now() < warm {
        black_box(partner.validate(black_box(&bytes)).to_json());
    }
    println!("native, good-bundle.json ({} bytes)", bytes.len());
    bench("validate (criterion's validate_partner)", seconds, || {
        black_box(partner.validate(black_box(&bytes)));
    });
    bench("validate + to_json (as validateBytesJson)", seconds, || {
        black_box(partner.validate(black_box(&bytes)).to_json());
    });
    Ok(())
}
