"""Every combination renders completely, puts each answer where it belongs, and passes ruff."""

import fnmatch
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from combinations import COMBINATIONS, answers, options
from optional_parts import API_DIR, API_TYPES, after_hook, api_types_file, chosen, left_out
from template_copy import ROOT, TEMPLATE_DIR

LEFTOVER = re.compile(r"\{\{|\{%|\{#|\bcookiecutter\b", re.IGNORECASE)
COOKIECUTTER = re.compile(r"\bcookiecutter\b", re.IGNORECASE)


@pytest.fixture(params=COMBINATIONS)
def baked(request, bake):
    """(project path, its answers) for each combination."""
    return bake(**COMBINATIONS[request.param]), answers(request.param)


def test_custom_changes_every_option():
    defaults = answers("defaults")
    custom = COMBINATIONS["custom"]
    assert set(custom) == set(options()), "custom must set every option of cookiecutter.json"
    assert [key for key in custom if custom[key] == defaults[key]] == []


def copied_without_render(relative: str) -> bool:
    patterns = json.loads((ROOT / "cookiecutter.json").read_text())["_copy_without_render"]
    parts = Path(relative).parts
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return any(fnmatch.fnmatch(p, pattern) for p in prefixes for pattern in patterns)


def test_no_template_syntax_left(baked):
    """No Jinja syntax or `cookiecutter` left in rendered files. Files copied without rendering
    (JSX has `{{ }}` of its own) may hold braces, never a `cookiecutter` variable."""
    project, _ = baked
    problems = []
    for path in sorted(project.rglob("*")):
        relative = path.relative_to(project)
        if re.search(r"[{}]", path.name):
            problems.append(f"{relative}: braces in the name")
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary
        raw = copied_without_render(relative.as_posix())
        for number, line in enumerate(text.splitlines(), 1):
            if (COOKIECUTTER if raw else LEFTOVER).search(line):
                problems.append(f"{relative}:{number}: {line.strip()}")
    assert not problems, "template leftovers:\n" + "\n".join(problems)


def test_files_copied_without_render_are_untouched(baked):
    """JSX and the like reach the project byte for byte (Jinja would eat their `{{ }}`), but
    for what the optional parts' options do to them (tests/optional_parts.py)."""
    project, a = baked
    kept = chosen(a)
    source = ROOT / TEMPLATE_DIR
    raw = [
        path.relative_to(source)
        for path in source.rglob("*")
        if path.is_file() and copied_without_render(path.relative_to(source).as_posix())
    ]
    assert any(path.suffix == ".tsx" for path in raw), "the web client must be copied raw"
    # The API types: the right ones in place, the others gone.
    assert read(project, API_TYPES) == (source / api_types_file(kept)).read_text(encoding="utf-8")
    assert [p.name for p in (project / API_DIR).glob("schema.*.d.ts")] == []
    for relative in raw:
        name = relative.as_posix()
        if any(part in {"node_modules", ".next"} for part in relative.parts):
            continue
        if re.fullmatch(rf"{API_DIR}/schema\..*d\.ts", name):
            continue
        if left_out(name, kept):
            assert not (project / relative).exists(), relative
            continue
        expected = (source / relative).read_bytes()
        if b"example_app" in expected or b"signup" in expected:
            expected = after_hook(expected.decode("utf-8"), kept).encode("utf-8")
        assert (project / relative).read_bytes() == expected, relative


def test_the_rendered_web_files_use_the_answers(baked):
    project, a = baked
    config = read(project, "web/src/config.ts")
    assert f'APP_NAME = "{a["project_name"]}"' in config
    assert f'"http://localhost:{a["api_port"]}"' in config
    assert f"NEXT_PUBLIC_API_URL=http://localhost:{a['api_port']}\n" in read(
        project, "web/.env.example"
    )


def read(project: Path, relative: str) -> str:
    return (project / relative).read_text(encoding="utf-8")


def test_answers_show_up(baked):
    project, a = baked
    makefile = read(project, "Makefile")
    env_example = read(project, "backend/.env.example")
    settings = read(project, "backend/config/settings.py")
    pyproject = tomllib.loads(read(project, "backend/pyproject.toml"))

    assert project.name == a["project_slug"]
    assert makefile.startswith(f"# {a['project_name']}:")
    assert re.search(rf"^API_PORT \?= {a['api_port']}$", makefile, re.MULTILINE)
    assert re.search(rf"^WEB_PORT \?= {a['web_port']}$", makefile, re.MULTILINE)

    assert f"\nWEB_ORIGIN=http://localhost:{a['web_port']}\n" in env_example
    access_seconds = int(a["access_token_lifetime_minutes"]) * 60
    refresh_seconds = int(a["refresh_token_lifetime_days"]) * 86400
    assert f"\nJWT_ACCESS_TOKEN_LIFETIME={access_seconds}\n" in env_example
    assert f"\nJWT_REFRESH_TOKEN_LIFETIME={refresh_seconds}\n" in env_example
    assert f"api.{a['domain_name']}" in env_example
    assert f"https://app.{a['domain_name']}" in env_example

    assert f'PROJECT_NAME = "{a["project_name"]}"' in settings  # the API docs' title, the mails
    assert f'"DESCRIPTION": "{a["description"]}"' in settings
    assert f'"http://localhost:{a["web_port"]}"' in settings
    assert f'"{a["project_name"]} admin"' in read(project, "backend/config/urls.py")

    assert pyproject["project"]["description"] == a["description"]
    assert pyproject["project"]["authors"] == [{"name": a["author_name"], "email": a["email"]}]

    # The example values for the custom bake, spelled out.
    if a["project_slug"] == "acme-portal":
        assert "JWT_ACCESS_TOKEN_LIFETIME=300\n" in env_example
        assert "JWT_REFRESH_TOKEN_LIFETIME=172800\n" in env_example
        assert "API_PORT ?= 8123" in makefile


def ruff(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--no-cache", "."],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_ruff_passes_on_baked_backend(baked):
    backend = baked[0] / "backend"
    assert (backend / "pyproject.toml").is_file()  # ruff's config: the backend's own
    for args in (("check",), ("format", "--check")):
        result = ruff(*args, cwd=backend)
        assert result.returncode == 0, f"ruff {' '.join(args)}:\n{result.stdout}{result.stderr}"
