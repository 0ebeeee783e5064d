"""The optional parts of the project (options example_app and signup) as the post-generation
hook applies them, for the tests: each part's files (read from the hook itself, where they are
listed), what the hook does to the lines that carry a part's marker, and which API types file
the answers get."""

import ast
import fnmatch
import re
from itertools import product
from pathlib import Path

from template_copy import ROOT

HOOK = ROOT / "hooks" / "post_gen_project.py"
MARKER = re.compile(r"\s*(?:#|//) (example_app|signup)$")
API_DIR = "web/src/lib/api"
API_TYPES = f"{API_DIR}/schema.d.ts"


def _hook_list(name: str) -> list[str]:
    for node in ast.parse(HOOK.read_text()).body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets] == [name]:
            return ast.literal_eval(node.value)
    raise AssertionError(f"no {name} in {HOOK}")


def example_app_files() -> list[str]:
    """The hook's EXAMPLE_APP_FILES: glob patterns, from the project's root."""
    return _hook_list("EXAMPLE_APP_FILES")


def signup_files() -> list[str]:
    """The hook's SIGNUP_FILES: glob patterns, from the project's root."""
    return _hook_list("SIGNUP_FILES")


def chosen(answers: dict) -> dict[str, bool]:
    """Which optional parts the answers keep."""
    return {"example_app": answers["example_app"] == "y", "signup": answers["signup"] == "open"}


def _matches(relative: str, patterns: list[str]) -> bool:
    parts = Path(relative).parts
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return any(fnmatch.fnmatch(p, pattern) for p in prefixes for pattern in patterns)


def left_out(relative: str, kept: dict[str, bool]) -> bool:
    """Whether the project's file `relative` belongs to a part the answers leave out."""
    files = {"example_app": example_app_files(), "signup": signup_files()}
    return any(not kept[name] and _matches(relative, files[name]) for name in files)


def after_hook(text: str, kept: dict[str, bool]) -> str:
    """A file as the hook leaves it: the marked lines without their marker, or gone."""
    lines = []
    for line in text.splitlines(keepends=True):
        content = line.rstrip("\r\n")
        if match := MARKER.search(content):
            if not kept[match.group(1)]:
                continue
            line = MARKER.sub("", content) + line[len(content) :]
        lines.append(line)
    return "".join(lines)


def api_types_file(kept: dict[str, bool]) -> str:
    """The template's API types for these answers (the hook's api_types_name)."""
    differences = []
    if not kept["example_app"]:
        differences.append("without-example-app")
    if kept["signup"]:
        differences.append("with-signup")
    return f"{API_DIR}/" + ".".join(["schema", *differences, "d.ts"])


def every_choice() -> list[dict[str, bool]]:
    return [
        {"example_app": example_app, "signup": signup}
        for example_app, signup in product((True, False), repeat=2)
    ]


def answers_for(kept: dict[str, bool]) -> dict[str, str]:
    return {
        "example_app": "y" if kept["example_app"] else "n",
        "signup": "open" if kept["signup"] else "invite",
    }
