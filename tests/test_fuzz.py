"""Schemathesis against the default bake's API (tests/fuzz.py, also `make fuzz`): no 5xx, and
every response as the OpenAPI schema documents it, anonymous and signed in both ways (slow)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fuzz import MODES, Backend, fuzz

pytestmark = pytest.mark.slow

EXAMPLES = 25  # per operation, way of signing in and kind of input (valid, invalid)


def test_the_api_answers_every_generated_request_as_its_schema_says(bake, tmp_path, capsys):
    project = bake()
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    subprocess.run([uv, "sync", "--locked", "--quiet"], cwd=project / "backend", check=True)
    backend = Backend(project / "backend", tmp_path).start()
    try:
        outcome = fuzz(backend.url, EXAMPLES, log=lambda line: None)
    finally:
        backend.stop()

    with capsys.disabled():
        print(f"\nfuzz: {outcome.cases} cases, {len(outcome.failures)} failures")
    assert not outcome.failures, "\n".join(sorted(set(outcome.failures)))
    # Every way of calling got through somewhere: the credentials worked.
    for mode in MODES:
        assert outcome.statuses[(mode, 200)] > 0, mode
    assert outcome.cases > 1000
