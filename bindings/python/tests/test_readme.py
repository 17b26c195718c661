"""The README's quickstart is the code that runs: its ```python block(s) marked with a
preceding ``<!-- quickstart -->`` line are extracted from bindings/python/README.md and run, in
a fresh interpreter from an empty folder, against a sandbox over mutual TLS with the settings
the README names (environment variables)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import List

import pfhir
from conftest import BINDING, CLIENT_SECRET, Sandbox

README = BINDING / "README.md"
MARK = "<!-- quickstart -->"


def quickstart_blocks(text: str, lang: str) -> List[str]:
    """The bodies of the fenced ```LANG blocks that directly follow a quickstart mark (blank
    lines between the two allowed); fails on a mark with no such block or an unclosed fence."""
    lines = text.splitlines()
    blocks: List[str] = []
    i = 0
    while i < len(lines):
        if lines[i].strip() != MARK:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        assert j < len(lines) and lines[j].strip() == f"```{lang}", (
            f"line {i + 1}: {MARK} is not followed by a ```{lang} block"
        )
        end = j + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        assert end < len(lines), f"line {j + 1}: the ```{lang} block is never closed"
        blocks.append("\n".join(lines[j + 1 : end]) + "\n")
        i = end + 1
    return blocks


def test_extraction_finds_marked_blocks_only() -> None:
    text = "\n".join(
        ["```python", "skipped()", "```", MARK, "", "```python", "a = 1", "```",
         MARK, "```python", "b = 2", "```"]
    )
    assert quickstart_blocks(text, "python") == ["a = 1\n", "b = 2\n"]


def test_readme_has_one_quickstart() -> None:
    blocks = quickstart_blocks(README.read_text(encoding="utf-8"), "python")
    assert len(blocks) == 1, f"{README} has {len(blocks)} quickstart blocks, expected 1"
    compile(blocks[0], str(README), "exec")


def test_readme_names_every_setting_the_quickstart_reads() -> None:
    text = README.read_text(encoding="utf-8")
    code = "".join(quickstart_blocks(text, "python"))
    read = set(re.findall(r"os\.environ(?:\.get\(|\[)\"([A-Z_]+)\"", code))
    assert read, "the quickstart reads no environment variable: the pattern is out of date"
    settings = text[text.index("## Settings") : text.index("## Quickstart")]
    missing = sorted(v for v in read if f"`{v}`" not in settings)
    assert not missing, f"the README's Settings table does not name {missing}"


def test_readme_quickstart_runs_against_the_sandbox(sandbox: Sandbox) -> None:
    code = "".join(quickstart_blocks(README.read_text(encoding="utf-8"), "python"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PFHIR_")}
    env.update(
        PFHIR_LIBRARY=os.environ["PFHIR_LIBRARY"],
        PYTHONPATH=str(BINDING),
        PFHIR_BASE_URL=sandbox.base_url,
        PFHIR_CERT=str(sandbox.certs / "client.pem"),
        PFHIR_KEY=str(sandbox.certs / "client-key.pem"),
        PFHIR_CA=str(sandbox.certs / "ca.pem"),
        PFHIR_CLIENT_SECRET=CLIENT_SECRET,
    )
    with tempfile.TemporaryDirectory(prefix="pfhir-quickstart-") as cwd:
        script = Path(cwd, "quickstart.py")
        script.write_text(code, encoding="utf-8")
        run = subprocess.run(
            [sys.executable, str(script)], cwd=cwd, env=env, capture_output=True, text=True,
            timeout=120,
        )
    out = run.stdout
    assert run.returncode == 0, f"the quickstart failed:\n{out}\n{run.stderr}"
    assert re.search(r"^valid \d+ issue\(s\)$", out, re.M), out
    created = re.search(r"^created (\S+) request (\S+)$", out, re.M)
    assert created, out
    assert re.search(r"^updated 20[01]$", out, re.M), out
    assert re.search(r"^read \[.*'family': 'Test'", out, re.M), out
    # The update reached the platform: the patient read back has the e-mail it added.
    with pfhir.Client(sandbox.config()) as client:
        telecom = client.read(created.group(1)).patient.get("telecom", [])
    assert any(
        t.get("system") == "email" and t.get("value") == "test@example.org" for t in telecom
    ), telecom
