//! HL7 v2 per message: parse alone, and parse + map + build + validate (what `pfhir hl7
//! to-bundle` does), on corpus messages of the usual sizes.
//!
//! `cargo bench -p pfhir-core --bench hl7v2`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use pfhir_core::hl7v2::{ack, parse, Charset, Converter, Hl7Options, Limits};
use std::hint::black_box;
use std::path::Path;

const MESSAGES: &[&str] = &[
    "001-a04-cip-v251",
    "005-latin1-names",
    "016-telecom-components",
    "021-other-diagnosis-not-sent",
    "102-bad-birth-date",
];

fn message(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/hl7v2")
        .join(format!("{name}.hl7"));
    std::fs::read(&path).expect("corpus message")
}

fn bench(c: &mut Criterion) {
    let options = Hl7Options {
        utc_offset: Some(60),
        ack_control_id: Some("ACK-1".into()),
        ack_time: Some("20260101120000+0100".into()),
        ..Hl7Options::default()
    };
    let converter = Converter::new(options.clone()).expect("options");
    let mut g = c.benchmark_group("hl7v2");
    g.throughput(Throughput::Elements(1));
    for name in MESSAGES {
        let bytes = message(name);
        g.bench_with_input(
            BenchmarkId::new("parse", format!("{name} ({} B)", bytes.len())),
            &bytes,
            |b, m| {
                b.iter(|| {
                    let msg =
                        parse(black_box(m), &Limits::default(), Charset::Utf8).expect("parses");
                    // Read every field of PID, as a real reader would.
                    let pid = msg.segments().iter().find(|s| &s.id == b"PID").copied();
                    let mut n = 0;
                    if let Some(pid) = pid {
                        for f in 1..=30 {
                            n += msg
                                .field(&pid, f)
                                .text()
                                .ok()
                                .flatten()
                                .map_or(0, |t| t.len());
                        }
                    }
                    black_box(n)
                })
            },
        );
        g.bench_with_input(
            BenchmarkId::new("to_bundle", format!("{name} ({} B)", bytes.len())),
            &bytes,
            |b, m| b.iter(|| black_box(converter.convert(black_box(m)))),
        );
        g.bench_with_input(
            BenchmarkId::new("to_bundle_and_ack", name),
            &bytes,
            |b, m| {
                b.iter(|| {
                    let conv = converter.convert(black_box(m));
                    black_box(ack(&conv, &options))
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
