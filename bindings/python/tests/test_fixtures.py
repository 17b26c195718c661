"""The conformance corpus (tests/fixtures/validation/): the same issues as the Rust test and
an OperationOutcome byte-equal to each .outcome.json."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

import pfhir
from conftest import REPO

CORPUS = REPO / "tests" / "fixtures" / "validation"


def inputs() -> List[Path]:
    return sorted(
        p
        for p in CORPUS.iterdir()
        if p.is_file()
        and not p.name.endswith((".expected.json", ".outcome.json", ".md"))
    )


def sibling(path: Path, suffix: str) -> Path:
    stem = path.name[: -len(".json")] if path.name.endswith(".json") else path.name
    return path.with_name(stem + suffix)


INPUTS = inputs()


def test_corpus_is_there() -> None:
    assert len(INPUTS) >= 40, f"the corpus needs at least 40 inputs, found {len(INPUTS)} in {CORPUS}"
    for p in INPUTS:
        assert sibling(p, ".expected.json").is_file(), f"{p.name} has no .expected.json"
        assert sibling(p, ".outcome.json").is_file(), f"{p.name} has no .outcome.json"


def replay(validator: pfhir.Validator, path: Path) -> Tuple[List[Dict[str, object]], bytes, pfhir.Outcome]:
    outcome = validator.validate(path.read_bytes())
    return [i.to_dict() for i in outcome.issues], outcome.to_json().encode("utf-8"), outcome


@pytest.mark.parametrize("path", INPUTS, ids=[p.name for p in INPUTS])
def test_fixture(path: Path) -> None:
    expected = json.loads(sibling(path, ".expected.json").read_text(encoding="utf-8"))
    options = pfhir.ValidatorOptions.from_fixture(expected)
    with pfhir.Validator(options) as validator:
        issues, outcome_json, outcome = replay(validator, path)
    assert issues == expected["issues"]
    assert outcome_json == sibling(path, ".outcome.json").read_bytes(), (
        f"{path.name}: OperationOutcome differs from its .outcome.json"
    )
    severities = {i.severity for i in outcome.issues}
    assert outcome.has_errors == bool(severities & {pfhir.Severity.FATAL, pfhir.Severity.ERROR})
    assert all(i.message and i.message_id.startswith("PFHIR-") for i in outcome.issues)


def test_one_validator_shared_by_four_threads() -> None:
    """A validator is thread-safe: 4 threads replay the default-option fixtures at once and
    get what one thread gets."""
    cases = []
    for path in INPUTS:
        expected = json.loads(sibling(path, ".expected.json").read_text(encoding="utf-8"))
        if expected.get("profile", "partner") == "partner" and not expected.get("options"):
            cases.append((path, expected["issues"], sibling(path, ".outcome.json").read_bytes()))
    assert len(cases) >= 40
    failures: List[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(4)
    with pfhir.Validator() as validator:

        def work(n: int) -> None:
            barrier.wait()
            for round_ in range(3):
                for path, want_issues, want_json in cases[n::2] + cases[: n * 5]:
                    try:
                        issues, got_json, _ = replay(validator, path)
                    except Exception as e:  # collected, then failed below
                        issues, got_json = [{"exception": repr(e)}], b""
                    if issues != want_issues or got_json != want_json:
                        with lock:
                            failures.append(f"thread {n} round {round_}: {path.name}")

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert not any(t.is_alive() for t in threads), "a validation thread hung"
    assert not failures, "\n".join(failures)
