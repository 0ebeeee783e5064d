"""Baking the template and running a baked project's commands: what the tests share."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cookiecutter.main import cookiecutter

VENV_BIN = Path(sys.executable).parent  # the repo venv: uv, ruff, pytest


def bake_into(template: Path, output_dir: Path, extra_context: dict) -> Path:
    project = cookiecutter(
        str(template), no_input=True, output_dir=str(output_dir), extra_context=extra_context
    )
    return Path(project)


def project_env(**overrides: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        # Nothing from an enclosing make, virtualenv or pytest run leaks into the project's.
        if not key.startswith(("MAKE", "MFLAGS", "VIRTUAL_ENV", "PYTEST_", "JWT_", "DJANGO_"))
        and key not in {"DATABASE_URL", "REDIS_URL", "WEB_ORIGIN", "NUM_PROXIES", "LOCAL_TRIAL"}
    }
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env.update(overrides)
    return env


ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def run(cmd: list[str], cwd: Path, **env: str) -> str:
    """Run cmd; on failure, fail the test with its whole output (colour codes removed)."""
    result = subprocess.run(
        cmd,
        cwd=cwd,
        env=project_env(**env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"`{' '.join(cmd)}` failed (exit {result.returncode}) in {cwd}:\n"
            + ANSI.sub("", result.stdout),
            pytrace=False,
        )
    return ANSI.sub("", result.stdout)
