//! The native pfhir tool of the HL7 v2 part of `scripts/bench-peers`: converts messages the
//! way the Python worker's tools do theirs (scripts/bench-peers.d/hl7_worker.py), in one
//! process, and prints one JSON line: `{"tool", "count", "seconds", "failed": [names]}`.
//!
//! `hl7_bench MESSAGES.json COUNT`: MESSAGES.json is the driver's list of messages, each
//! `{"name", "path", "options": {namespaces, authorities, org_id, source_endpoint,
//! patient_id, tz, charset, max_bytes}}` (the Hl7Options fields of the Python binding,
//! production options: fresh UUIDs and the clock). Every message is converted once first (it
//! must give AA; COUNT 0 stops there), then the loop over COUNT messages (cycling) is timed:
//! parse, map, build, validate and take the Bundle's JSON, as `pfhir.hl7_to_bundle` does.

use pfhir_core::hl7v2::{parse_offset, AckCode, Charset, Converter, Hl7Options};
use serde_json::Value;
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(file), Some(count)) = (
        args.get(1),
        args.get(2).and_then(|n| n.parse::<usize>().ok()),
    ) else {
        fail("usage: hl7_bench MESSAGES.json COUNT");
    };
    let list: Value = match std::fs::read(file).map(|b| serde_json::from_slice(&b)) {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => fail(&format!("{file}: {e}")),
        Err(e) => fail(&format!("{file}: {e}")),
    };
    let mut messages = Vec::new();
    for m in list.as_array().into_iter().flatten() {
        let name = m["name"].as_str().unwrap_or("?").to_string();
        let path = m["path"].as_str().unwrap_or_default();
        let bytes = std::fs::read(path).unwrap_or_else(|e| fail(&format!("{path}: {e}")));
        let converter = Converter::new(options(&m["options"]).unwrap_or_else(|e| fail(&e)))
            .unwrap_or_else(|e| fail(&format!("{name}: {e}")));
        messages.push((name, bytes, converter));
    }
    let failed: Vec<String> = messages
        .iter()
        .filter(|(_, bytes, c)| c.convert(bytes).ack_code != AckCode::Accept)
        .map(|(name, _, _)| name.clone())
        .collect();
    if !failed.is_empty() || count == 0 || messages.is_empty() {
        println!("{}", line(0, 0.0, &failed));
        return;
    }
    let started = Instant::now();
    let mut empty = 0usize;
    for i in 0..count {
        let (_, bytes, converter) = &messages[i % messages.len()];
        let mut conv = converter.convert(black_box(bytes));
        match conv.take_bundle_json() {
            Some(json) => {
                black_box(json);
            }
            None => empty += 1,
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    if empty > 0 {
        fail(&format!(
            "{empty} of {count} messages gave no Bundle in the loop"
        ));
    }
    println!("{}", line(count, seconds, &[]));
}

/// The Hl7Options of a message's options object.
fn options(o: &Value) -> Result<Hl7Options, String> {
    let s = |k: &str| o[k].as_str().map(str::to_string);
    let mut opts = Hl7Options::default();
    for (ns, system) in o["namespaces"].as_object().into_iter().flatten() {
        let system = system.as_str().unwrap_or_default();
        opts.add_namespace(&format!("{ns}={system}"))
            .map_err(|e| e.to_string())?;
    }
    for a in o["authorities"].as_array().into_iter().flatten() {
        opts.extra_authorities
            .push(a.as_str().unwrap_or_default().to_string());
    }
    if let Some(tz) = s("tz") {
        opts.utc_offset = Some(parse_offset(&tz).ok_or("tz: not an offset")?);
    }
    opts.org_id = s("org_id");
    opts.source_endpoint = s("source_endpoint");
    opts.patient_id = s("patient_id");
    if let Some(c) = s("charset") {
        opts.default_charset = Charset::from_msh18(&c).ok_or("charset: unknown")?;
    }
    if let Some(n) = o["max_bytes"].as_u64() {
        opts.limits.max_bytes = usize::try_from(n).map_err(|e| e.to_string())?;
    }
    Ok(opts)
}

fn line(count: usize, seconds: f64, failed: &[String]) -> String {
    serde_json::json!({"tool": "pfhir-native", "count": count, "seconds": seconds, "failed": failed})
        .to_string()
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(2)
}
