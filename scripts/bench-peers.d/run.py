"""The driver of scripts/bench-peers: generates the NDJSON, runs every tool on it in turn
(alternating, one untimed round then `runs` timed ones), checks each one's counts, prints the
table and the goal line.

Standard library only. Usage: see scripts/bench-peers (it passes every argument).
"""
import argparse
import json
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

FAMILIES = ["Pérez Fuster", "García López", "Martín Ruiz", "Sánchez Gil", "Fernández Roca",
            "Jiménez Vidal", "Moreno Soler", "Álvarez Costa", "Romero Pons", "Navarro Ferrer"]
GIVEN = ["Manolo", "Lucía", "Jordi", "María José", "Iñaki", "Núria", "Pablo", "Carmen",
         "Andreu", "Elena", "Xavier", "Marta"]
CONDITIONS = [("46635009", "Diabetes mellitus type 1"), ("44054006", "Diabetes mellitus type 2"),
              ("11687002", "Gestational diabetes mellitus"), ("73211009", "Diabetes mellitus")]
GENDERS = ["male", "female", "other", "unknown"]
# Lines that every tool must refuse: a wrong JSON type, an unknown element, an array where
# one value goes, and a line cut short (not JSON).
INVALID_KINDS = ["active-type", "unknown-element", "family-array", "truncated"]


def bundle(rng: random.Random, template: dict, n: int) -> dict:
    """The template Bundle with its ids, names, dates and codes varied by `rng`."""
    doc = json.loads(json.dumps(template))
    header, patient, condition = (e["resource"] for e in doc["entry"])
    ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(3)]
    header["id"], patient["id"], condition["id"] = ids
    for entry, rid in zip(doc["entry"], ids):
        entry["fullUrl"] = f"urn:uuid:{rid}"
    header["timestamp"] = (f"20{rng.randint(10, 25):02d}-{rng.randint(1, 12):02d}-"
                           f"{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:"
                           f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}."
                           f"{rng.randint(0, 999):03d}Z")
    patient["identifier"][0]["value"] = f"{''.join(rng.choices('ABCDEFGHJKLMNPRSTVWXYZ', k=4))}{rng.randint(0, 10**10 - 1):010d}"
    patient["name"][0]["family"] = rng.choice(FAMILIES)
    patient["name"][0]["given"] = rng.sample(GIVEN, rng.randint(1, 2))
    patient["telecom"][0]["value"] = f"{rng.randint(600000000, 999999999)}"
    patient["gender"] = rng.choice(GENDERS)
    patient["birthDate"] = f"{rng.randint(1930, 2020)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    code, display = rng.choice(CONDITIONS)
    condition["code"]["coding"][0].update(code=code, display=display)
    condition["subject"]["reference"] = f"Patient/{ids[1]}"
    condition["onsetDateTime"] = f"{rng.randint(1990, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return doc


def make_invalid(line: str, kind: str) -> str:
    """`line` made invalid in the way `kind` names (each tool must refuse it)."""
    if kind == "active-type":
        out = line.replace('"active":true', '"active":[1]', 1)
    elif kind == "unknown-element":
        out = line.replace('"gender":', '"foo":1,"gender":', 1)
    elif kind == "family-array":
        out = line.replace('"family":"', '"family":["', 1).replace('","given"', '"],"given"', 1)
    else:
        out = line[: len(line) // 2]
    assert out != line, kind
    return out


def generate(path: Path, template: dict, count: int) -> dict:
    """Writes `count` Bundles, one per line; returns the expected counts."""
    rng = random.Random(20261130)
    invalid = truncated = 0
    with open(path, "w", encoding="utf-8") as out:
        for n in range(count):
            line = json.dumps(bundle(rng, template, n), ensure_ascii=False, separators=(",", ":"))
            if n % 997 == 13:
                kind = INVALID_KINDS[invalid % len(INVALID_KINDS)]
                line = make_invalid(line, kind)
                invalid += 1
                truncated += kind == "truncated"
            out.write(line + "\n")
    return {"count": count, "invalid": invalid, "truncated": truncated}


def run_once(cmd: list, expect_status: set) -> tuple:
    """Runs `cmd`, whole process; its wall time in seconds and its standard output."""
    started = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    secs = time.perf_counter() - started
    if done.returncode not in expect_status:
        sys.exit(f"error: {cmd[0]} exited with {done.returncode}: {done.stderr.decode(errors='replace')[-2000:]}")
    return secs, done.stdout.decode(errors="replace")


def check_peer(name: str, out: str, valid: int, invalid: int) -> None:
    """A peer's "valid N invalid M" must be the expected counts."""
    want = f"valid {valid} invalid {invalid}"
    if out.strip() != want:
        sys.exit(f"error: {name} printed {out.strip()!r}, expected {want!r}")


def check_pfhir(name: str, out: str, path: Path, valid: int, invalid: int) -> None:
    """pfhir's NDJSON summary must count the expected lines."""
    want = f"{path}: validated {valid + invalid}, valid {valid}, invalid {invalid};"
    if want not in out:
        sys.exit(f"error: {name}: no {want!r} in its summary: {out.strip().splitlines()[-1:]}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--count", type=int, default=10_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--pfhir", required=True)
    p.add_argument("--python", required=True, help="the venv's python, with fhir.resources")
    p.add_argument("--node", default="node")
    p.add_argument("--schema", required=True)
    p.add_argument("--template", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--fhir-resources-version", required=True)
    p.add_argument("--ajv-version", required=True)
    a = p.parse_args()
    if a.count < 1 or a.runs < 1:
        sys.exit("error: --count and --runs must be at least 1")
    here = Path(__file__).resolve().parent
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    data = work / f"bundles-{a.count}.ndjson"
    expected = generate(data, json.load(open(a.template, encoding="utf-8")), a.count)
    valid, invalid = a.count - expected["invalid"], expected["invalid"]
    size = data.stat().st_size
    cores = len(__import__("os").sched_getaffinity(0))
    pfhir_status = {1} if invalid else {0}
    tools = [
        (f"pfhir --jobs {cores} (default)", [a.pfhir, "validate", "--ndjson", str(data)], pfhir_status,
         lambda n, o: check_pfhir(n, o, data, valid, invalid)),
        ("pfhir --jobs 1", [a.pfhir, "validate", "--ndjson", "--jobs", "1", str(data)], pfhir_status,
         lambda n, o: check_pfhir(n, o, data, valid, invalid)),
        (f"fhir.resources {a.fhir_resources_version}", [a.python, str(here / "fhir_resources_peer.py"), str(data)],
         {0}, lambda n, o: check_peer(n, o, valid, invalid)),
        (f"ajv {a.ajv_version} + STU3 schema", [a.node, str(here / "ajv_peer.js"), a.schema, str(data)],
         {0}, lambda n, o: check_peer(n, o, valid, invalid)),
        ("python json.loads (reference)", [a.python, str(here / "json_loads_reference.py"), str(data)],
         {0}, lambda n, o: check_peer(n, o, a.count - expected["truncated"], expected["truncated"])),
    ]
    print(f"{a.count} partner message Bundles ({invalid} invalid), {size / 1e6:.1f} MB of NDJSON, "
          f"{cores} cores; whole-process wall time, median of {a.runs} after one untimed round, "
          f"tools alternating")
    # The untimed round (outputs checked as in the others): a tool's first run also pays for
    # loading it and for reading the new file into the page cache (pfhir's first run took
    # about twice its later ones, so with 3 runs the median was the slower of the others).
    for name, cmd, status, check in tools:
        _, out = run_once(cmd, status)
        check(name, out)
    times = {name: [] for name, *_ in tools}
    for r in range(a.runs):
        for name, cmd, status, check in tools:
            secs, out = run_once(cmd, status)
            check(name, out)
            times[name].append(secs)
            print(f"  run {r + 1}: {name}: {secs:.3f} s", file=sys.stderr)
    med = {name: statistics.median(t) for name, t in times.items()}
    all_cores, one_core = med[tools[0][0]], med[tools[1][0]]
    print()
    print(f"{'tool':<34} {'seconds':>8} {'Bundles/s':>10} {'MB/s':>7} {'x pfhir all':>12} {'x pfhir 1':>10}")
    for name, *_ in tools:
        s = med[name]
        print(f"{name:<34} {s:>8.3f} {a.count / s:>10.0f} {size / 1e6 / s:>7.1f} "
              f"{s / all_cores:>11.1f}x {s / one_core:>9.1f}x")
    peers = [tools[2][0], tools[3][0]]
    worst = min(med[p] / all_cores for p in peers)
    worst_one = min(med[p] / one_core for p in peers)
    print()
    print("(x pfhir: how many times the tool's time is pfhir's; a peer's is how much faster pfhir is)")
    print(f"pfhir vs the slower-to-beat peer: {worst:.1f}x on all cores, {worst_one:.1f}x on one")
    print(f"goal: >= 100x both peers on this machine: {'met' if worst >= 100 else 'not met'}")


if __name__ == "__main__":
    main()
