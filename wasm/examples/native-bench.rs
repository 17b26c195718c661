//! The native twin of `wasm/bench/node-bench.mjs`: the same document, the same statistics
//! (median and minimum of the time per Bundle over 500-call batches, after a 2 s warm-up, and
//! on Linux the mean on-CPU time of the thread per call), so that native and Node can be compared run
//! against run on a loaded machine, where these move less than criterion's mean:
//!   cargo run --release -p pfhir-wasm --example native-bench
//! `validate` alone is what criterion's `partner_bundle/validate_partner` measures;
//! `validate + to_json` is what `validateBytesJson` returns.

use pfhir_core::validate::Validator;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// On-CPU time of this thread in nanoseconds (Linux: `/proc/thread-self/schedstat`), which
/// time slices given to other processes do not inflate as they inflate the wall clock.
fn cpu_ns() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split(' ').next()?.parse().ok()
}

fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn bench(name: &str, seconds: u64, mut f: impl FnMut()) {
    let n = 500;
    let mut wall = Vec::new();
    let c0 = cpu_ns();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < deadline || wall.len() < 5 {
        let t0 = Instant::now();
        for _ in 0..n {
            f();
        }
        wall.push(t0.elapsed().as_secs_f64() * 1e6 / f64::from(n));
    }
    let calls = f64::from(n) * wall.len() as f64;
    // The kernel updates the count at scheduler ticks: over the whole run, the mean is exact.
    let cpu_text = match (c0, cpu_ns()) {
        (Some(c0), Some(c1)) => format!(", on-CPU mean {:.2}", (c1 - c0) / 1e3 / calls),
        _ => String::new(),
    };
    let min = wall.iter().copied().fold(f64::INFINITY, f64::min);
    println!(
        "{name:<44} {:>8.2} µs/Bundle  (min {min:.2}{cpu_text}, {} batches of {n})",
        median(&mut wall),
        wall.len()
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
