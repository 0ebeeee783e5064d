"""The generated README's "Add an endpoint" recipe, followed on a fresh bake (slow): its files
are taken from the README itself, so the recipe and this test cannot drift apart."""

import re

import pytest

from bake import bake_into, run

pytestmark = pytest.mark.slow

# A fenced block whose first line names the file it is: "# backend/x.py" or "// web/src/x.ts".
FILE_BLOCK = re.compile(r"^```(?:python|ts)\n(?:#|//) (\S+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def recipe(readme: str, title: str) -> str:
    start = readme.index(f"### {title}\n")
    end = readme.find("\n### ", start + 1)
    return readme[start : end if end != -1 else None]


def insert_after(path, anchor: str, line: str) -> None:
    text = path.read_text()
    assert anchor in text, f"{anchor!r} not in {path}"
    path.write_text(text.replace(anchor, anchor + line, 1))


def test_add_an_endpoint_recipe(template_copy, tmp_path):
    project = bake_into(template_copy, tmp_path, {})
    steps = recipe((project / "README.md").read_text(), "Add an endpoint")

    # 1. The app's files.
    files = FILE_BLOCK.findall(steps)
    assert {path for path, _ in files} >= {
        "backend/notes/models.py",
        "backend/notes/views.py",
        "backend/notes/urls.py",
        "backend/tests/test_notes.py",
        "web/src/lib/api/notes.ts",
    }
    assert "`backend/notes/__init__.py` and\n   `backend/notes/migrations/__init__.py`" in steps
    (project / "backend/notes/migrations").mkdir(parents=True)
    for empty in ("backend/notes/__init__.py", "backend/notes/migrations/__init__.py"):
        (project / empty).write_text("")
    for path, body in files:
        (project / path).write_text(body)
    # 2. Registered, as the README says.
    assert '`"notes",` to `INSTALLED_APPS`' in steps
    insert_after(project / "backend/config/settings.py", '    "accounts",\n', '    "notes",\n')
    url = 'path("api/notes/", include("notes.urls")),'
    assert url in steps
    insert_after(project / "backend/config/urls.py", "urlpatterns = [\n", f"    {url}\n")

    run(["make", "install"], project)
    # 3. and 4.
    run(["make", "makemigrations"], project)
    assert (project / "backend/notes/migrations/0001_initial.py").is_file()
    run(["make", "api-types"], project)
    types = (project / "web/src/lib/api/schema.d.ts").read_text()
    assert '"/api/notes/"' in types and "Note:" in types
    # 5. Lint (ruff, ESLint, tsc over notes.ts), migrations and deploy checks, the tests. The web
    # build is left out: nothing renders the new functions.
    run(["make", "lint", "check"], project)
    output = run(["make", "test-backend", "check-api-types"], project)
    assert re.search(r"^tests/test_notes\.py \.", output, re.MULTILINE), output  # it ran, passed
    assert re.search(r"^=+ \d+ passed", output, re.MULTILINE), output
