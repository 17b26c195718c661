//! Validation throughput: a typical partner Bundle, the official examples, and the ratio of
//! validation to a plain `serde_json::from_slice::<Value>` of the same bytes.
//!
//! `cargo bench -p pfhir-core --bench validate`; the adversarial documents alone:
//! `cargo bench -p pfhir-core --bench validate -- adversarial`.

#[path = "../tests/support/adversarial.rs"]
mod adversarial;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use pfhir_core::validate::{Validator, ValidatorOptions};
use std::hint::black_box;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn partner_bundle() -> Vec<u8> {
    std::fs::read(root().join("tests/fixtures/partner/good-bundle.json")).expect("good-bundle.json")
}

fn examples() -> Vec<Vec<u8>> {
    let mut files: Vec<_> = std::fs::read_dir(root().join("vendor/fhir-stu3/examples"))
        .expect("examples")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read(f).expect("read"))
        .collect()
}

fn bench_partner_bundle(c: &mut Criterion) {
    let bytes = partner_bundle();
    let partner = Validator::partner();
    let base = Validator::base();
    let mut g = c.benchmark_group("partner_bundle");
    g.throughput(Throughput::Elements(1));
    g.bench_function("validate_partner", |b| {
        b.iter(|| black_box(partner.validate(black_box(&bytes))))
    });
    g.bench_function("validate_base", |b| {
        b.iter(|| black_box(base.validate(black_box(&bytes))))
    });
    g.bench_function("serde_json_value", |b| {
        b.iter(|| black_box(serde_json::from_slice::<serde_json::Value>(black_box(&bytes)).ok()))
    });
    g.bench_function("outcome_to_json", |b| {
        let outcome = partner.validate(&bytes);
        b.iter(|| black_box(outcome.to_json()))
    });
    g.finish();
}

fn bench_examples(c: &mut Criterion) {
    let files = examples();
    let total: usize = files.iter().map(Vec::len).sum();
    let base = Validator::base();
    let mut g = c.benchmark_group("official_examples");
    g.throughput(Throughput::Bytes(total as u64));
    g.bench_with_input(
        BenchmarkId::new("validate_base", total),
        &files,
        |b, files| {
            b.iter(|| {
                for f in files {
                    black_box(base.validate(f));
                }
            })
        },
    );
    g.bench_with_input(
        BenchmarkId::new("serde_json_value", total),
        &files,
        |b, files| {
            b.iter(|| {
                for f in files {
                    black_box(serde_json::from_slice::<serde_json::Value>(f).ok());
                }
            })
        },
    );
    g.finish();
}

/// Minified 1 MiB documents with one finding every few bytes, validated with the default
/// issue cap and with no cap (which shows that positions and duplicate bookkeeping are linear:
/// every finding is then located and formatted).
fn bench_adversarial(c: &mut Criterion) {
    let capped = Validator::partner();
    let mut o = ValidatorOptions::partner();
    o.max_issues = 0;
    let uncapped = Validator::new(o).expect("options");
    let mut g = c.benchmark_group("adversarial");
    g.sample_size(10);
    for kind in adversarial::KINDS {
        let (doc, _) = adversarial::document(kind, 1024 * 1024 - 200);
        g.throughput(Throughput::Bytes(doc.len() as u64));
        g.bench_with_input(BenchmarkId::new("cap_1000", kind), &doc, |b, doc| {
            b.iter(|| black_box(capped.validate(black_box(doc))))
        });
        g.bench_with_input(BenchmarkId::new("no_cap", kind), &doc, |b, doc| {
            b.iter(|| black_box(uncapped.validate(black_box(doc))))
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    bench_partner_bundle,
    bench_examples,
    bench_adversarial
);
criterion_main!(benches);
