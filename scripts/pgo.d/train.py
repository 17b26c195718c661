"""The training NDJSON of scripts/pgo: the repository's own partner data, never the benchmark's.

Writes to OUT one compact line per document: the valid partner Bundles of tests/fixtures
(hl7v2/*.bundle.json, build/*.bundle.json; not partner/good-bundle.json, the template that
scripts/bench-peers varies) 100 times over, and every tenth time the documents of the
validation corpus that are JSON (their errors: wrong types, unknown elements, bad codes...), so
that about one line in five is invalid. Standard library only.

Usage: python3 scripts/pgo.d/train.py ROOT OUT
"""
import glob
import json
import sys


def compact(raw: bytes) -> str:
    return json.dumps(json.loads(raw), ensure_ascii=False, separators=(",", ":"))


def main() -> None:
    root, out = sys.argv[1], sys.argv[2]
    fixtures = f"{root}/tests/fixtures"
    valid = [compact(open(p, "rb").read())
             for p in sorted(glob.glob(f"{fixtures}/hl7v2/*.bundle.json") +
                             glob.glob(f"{fixtures}/build/*.bundle.json"))]
    corpus = []
    for p in sorted(glob.glob(f"{fixtures}/validation/*.json")):
        if p.endswith((".expected.json", ".outcome.json")):
            continue
        try:
            corpus.append(compact(open(p, "rb").read()))
        except ValueError:
            pass  # not JSON: the files themselves are validated too (scripts/pgo)
    if len(valid) < 20 or len(corpus) < 50:
        sys.exit(f"error: too few training documents ({len(valid)} valid, {len(corpus)} corpus)")
    # Lone surrogates (\ud83d) of the corpus stay as they are: pfhir refuses them.
    with open(out, "w", encoding="utf-8", errors="surrogatepass") as f:
        for i in range(100):
            f.writelines(line + "\n" for line in valid)
            if i % 10 == 0:
                f.writelines(line + "\n" for line in corpus)
    print(f"{len(valid)} valid Bundles x 100, {len(corpus)} corpus documents x 10")


if __name__ == "__main__":
    main()
