"""The driver of the HL7 v2 part of scripts/bench-peers: takes the valid ADT messages of the
corpus (expected ACK AA), has every tool check them once, keeps those all tools handle, then
runs the tools in turn (alternating, `runs` rounds; each in its own process, timing only its
loop: hl7_worker.py) and prints µs per message, messages/s, the ratios and the goal line.

Standard library only. Usage: see scripts/bench-peers (it passes every argument).
"""
import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

# Fewer messages for hl7apy (milliseconds each); its time per message is what is compared.
HL7APY_DIVISOR = 50


def peer_text(raw: bytes, charset: str) -> str:
    """The message as the Python peers take it: MLLP frame and BOM stripped, decoded in its
    character set (MSH-18, else the corpus option), segments ended by \\r."""
    if raw.startswith(b"\x0b"):
        raw = raw[1:]
    if raw.endswith(b"\x1c\r"):
        raw = raw[:-2]
    elif raw.endswith(b"\x1c"):
        raw = raw[:-1]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    msh = raw.replace(b"\r\n", b"\r").replace(b"\n", b"\r").split(b"\r", 1)[0]
    fields = msh.split(msh[3:4])
    msh18 = fields[17].decode("ascii", "replace") if len(fields) > 17 else ""
    encoding = "latin-1" if "8859" in (msh18 or charset or "") else "utf-8"
    text = raw.decode(encoding).replace("\r\n", "\r").replace("\n", "\r")
    return "\r".join(s for s in text.split("\r") if s) + "\r"


def pfhir_options(corpus: Path, name: str) -> dict:
    """The corpus options of a message as Hl7Options fields (like bindings/python/tests/
    test_hl7.py), without the ones that only make the output reproducible (fixed ids, the
    ACK's MSH-7 and MSH-10): the bench runs the production path (fresh UUIDs, the clock)."""
    opts = json.loads((corpus / "options.json").read_text(encoding="utf-8"))
    own = corpus / f"{name}.options.json"
    if own.exists():
        opts.update(json.loads(own.read_text(encoding="utf-8")))
    fields = {
        "namespaces": dict(s.split("=", 1) for s in opts.get("hl7Authorities", [])),
        "authorities": tuple(opts.get("authorities", [])),
        "org_id": opts.get("orgId"),
        "source_endpoint": opts.get("sourceEndpoint"),
        "patient_id": opts.get("patientId"),
        "tz": opts.get("tz"),
        "charset": opts.get("charset"),
        "max_bytes": opts.get("maxBytes"),
    }
    return {k: v for k, v in fields.items() if v not in (None, {}, ())}


def corpus_messages(corpus: Path) -> list:
    """The messages whose expected ACK is AA, with their raw bytes (base64), peer text and
    pfhir options."""
    out = []
    for path in sorted(corpus.glob("*.hl7")):
        if path.name.endswith(".ack.hl7"):
            continue
        name = path.name[: -len(".hl7")]
        expected = json.loads((corpus / f"{name}.expected.json").read_text(encoding="utf-8"))
        if expected["ack"] != "AA":
            continue
        raw = path.read_bytes()
        options = pfhir_options(corpus, name)
        out.append({"name": name, "path": str(path.resolve()),
                    "raw": base64.b64encode(raw).decode("ascii"), "size": len(raw),
                    "text": peer_text(raw, options.get("charset", "")), "options": options})
    return out


def run_worker(a, tool: str, messages: Path, count: int) -> dict:
    """Runs hl7_worker.py for `tool` (the native example for pfhir-native); its JSON line."""
    env = dict(os.environ, PFHIR_LIBRARY=a.pfhir_lib, PYTHONPATH=a.pythonpath)
    if tool == "pfhir-native":
        cmd = [a.pfhir_native, str(messages), str(count)]
    else:
        cmd = [a.python, str(Path(__file__).resolve().parent / "hl7_worker.py"), tool, str(messages), str(count)]
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    if done.returncode != 0:
        sys.exit(f"error: {tool} worker exited with {done.returncode}: "
                 f"{done.stderr.decode(errors='replace')[-2000:]}")
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--count", type=int, default=10_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--corpus", required=True)
    p.add_argument("--python", required=True, help="the venv's python, with hl7 and hl7apy")
    p.add_argument("--pfhir-lib", required=True)
    p.add_argument("--pythonpath", required=True, help="bindings/python")
    p.add_argument("--pfhir-native", required=True,
                   help="the hl7_bench example of pfhir-core (release): pfhir in Rust, no binding")
    p.add_argument("--work", required=True)
    p.add_argument("--versions", required=True, help="'python-hl7 X, hl7apy Y'")
    a = p.parse_args()
    if a.count < 1 or a.runs < 1:
        sys.exit("error: --count and --runs must be at least 1")
    corpus = Path(a.corpus)
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    messages = corpus_messages(corpus)
    if not messages:
        sys.exit(f"error: no message with expected ACK AA in {corpus}")
    tools = ["python-hl7", "hl7apy", "pfhir", "pfhir-native"]

    # Every tool checks every message once; the bench uses those all of them handle.
    all_file = work / "hl7-all.json"
    all_file.write_text(json.dumps(messages), encoding="utf-8")
    left_out = {}
    for tool in tools:
        failed = run_worker(a, tool, all_file, 0)["failed"]
        if tool.startswith("pfhir") and failed:
            sys.exit("error: pfhir did not give AA for: " + "; ".join(failed))
        for entry in failed:
            name, _, reason = entry.partition(" ")
            left_out.setdefault(name, []).append(f"{tool} {reason}".strip())
    bench = [m for m in messages if m["name"] not in left_out]
    if not bench:
        sys.exit("error: no message that every tool handles")
    bench_file = work / "hl7-bench.json"
    bench_file.write_text(json.dumps(bench), encoding="utf-8")
    n = len(bench)
    counts = {"python-hl7": a.count, "pfhir": a.count, "pfhir-native": a.count,
              "hl7apy": max(1, round(a.count / HL7APY_DIVISOR / n)) * n}

    mean_size = statistics.mean(m["size"] for m in bench)
    print(f"HL7 v2: {n} valid ADT messages of tests/fixtures/hl7v2 (expected ACK AA; mean "
          f"{mean_size:.0f} bytes), cycled; {a.versions}; loop time inside each process, "
          f"median of {a.runs}, tools alternating")
    for name, by in sorted(left_out.items()):
        print(f"  left out of every tool's loop: {name}: failed in {', '.join(by)}")
    secs = {t: [] for t in tools}
    for r in range(a.runs):
        for tool in tools:
            out = run_worker(a, tool, bench_file, counts[tool])
            if out["failed"] or out["count"] != counts[tool]:
                sys.exit(f"error: {tool}: {out}")
            secs[tool].append(out["seconds"])
            print(f"  run {r + 1}: {tool}: {out['seconds']:.3f} s for {counts[tool]}", file=sys.stderr)
    us = {t: statistics.median(secs[t]) / counts[t] * 1e6 for t in tools}
    labels = {
        "python-hl7": "python-hl7 parse + PID-5 (Python)",
        "hl7apy": "hl7apy parse_message + PID-5 (Python)",
        "pfhir": "pfhir convert, Python binding",
        "pfhir-native": "pfhir convert, Rust (no binding)",
    }
    print()
    print(f"{'tool':<38} {'messages':>8} {'us/message':>11} {'messages/s':>11} "
          f"{'x pfhir-Rust':>12} {'x pfhir-Py':>10}")
    for t in tools:
        print(f"{labels[t]:<38} {counts[t]:>8} {us[t]:>11.1f} {1e6 / us[t]:>11.0f} "
              f"{us[t] / us['pfhir-native']:>11.1f}x {us[t] / us['pfhir']:>9.1f}x")
    print()
    print(f"(hl7apy runs {counts['hl7apy']} messages, not {a.count}: it is slow; its us/message "
          f"is its loop time / {counts['hl7apy']}, i.e. scaled, and the ratios compare per message)")
    print("(pfhir convert = parse + map + build + validate, production options: fresh UUIDs, the "
          "clock; it takes the Bundle's JSON. Rust: the hl7_bench example of pfhir-core, what the C "
          "ABI, the CLI and the relay run. Python binding: pfhir.hl7_to_bundle through ctypes, "
          "reading the Bundle and the ACK code; the ACK bytes are made when read, and it does not "
          "read them)")
    for t, how in (("pfhir-native", "in Rust"), ("pfhir", "through the Python binding")):
        ratio = us["python-hl7"] / us[t]
        print(f"goal: pfhir parse+map+build+validate >= 10x faster than python-hl7 parse, {how}: "
              f"{'met' if ratio >= 10 else 'not met'} ({ratio:.1f}x)")

if __name__ == "__main__":
    main()
