"""The example_app option as the post-generation hook applies it, for the tests: the example
app's files (read from the hook itself, where they are listed) and what the hook does to the
lines that carry its marker."""

import ast
import fnmatch
import re
from pathlib import Path

from template_copy import ROOT

HOOK = ROOT / "hooks" / "post_gen_project.py"
MARKER = re.compile(r"\s*(?:#|//) example_app$")
API_TYPES = "web/src/lib/api/schema.d.ts"
API_TYPES_WITHOUT_EXAMPLE_APP = "web/src/lib/api/schema.without-example-app.d.ts"


def example_app_files() -> list[str]:
    """The hook's EXAMPLE_APP_FILES: glob patterns, from the project's root."""
    for node in ast.parse(HOOK.read_text()).body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets] == ["EXAMPLE_APP_FILES"]:
            return ast.literal_eval(node.value)
    raise AssertionError(f"no EXAMPLE_APP_FILES in {HOOK}")


def is_example_app_file(relative: str) -> bool:
    """Whether the project's file `relative` is the example app's own (or in its folders)."""
    parts = Path(relative).parts
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return any(fnmatch.fnmatch(p, pattern) for p in prefixes for pattern in example_app_files())


def after_hook(text: str, example_app: bool) -> str:
    """A file as the hook leaves it: the marked lines without their marker, or gone."""
    lines = []
    for line in text.splitlines(keepends=True):
        content = line.rstrip("\r\n")
        if MARKER.search(content):
            if not example_app:
                continue
            line = MARKER.sub("", content) + line[len(content) :]
        lines.append(line)
    return "".join(lines)
