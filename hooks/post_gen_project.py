"""Leave out the example app unless it was chosen, write backend/.env (fresh DJANGO_SECRET_KEY),
then say what to do next."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

# The current directory is the generated project.

# --- The example app (support requests): option example_app -------------------------------------

EXAMPLE_APP = "{{ cookiecutter.example_app }}" == "y"

# Its own files and folders (glob patterns): deleted without it.
EXAMPLE_APP_FILES = [
    "backend/support",
    "backend/tests/test_support_*.py",
    "web/src/app/(signed-in)/requests",
    "web/src/lib/api/support.ts",
    "web/src/lib/api/support.test.ts",
    "e2e/test_support*.py",
]
# The lines of other files that only it needs (its INSTALLED_APPS entry, its URLs, a link to
# its pages) end with this comment: deleted without it, the comment removed with it.
MARKER = re.compile(r"\s*(?:#|//) example_app$")
# The web client's API types, generated with and without it (`make api-types` at the template's
# root writes both).
API_TYPES = Path("web/src/lib/api/schema.d.ts")
API_TYPES_WITHOUT_EXAMPLE_APP = Path("web/src/lib/api/schema.without-example-app.d.ts")


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink()


def apply_markers(path: Path, keep: bool) -> None:
    try:
        text = path.read_bytes().decode("utf-8")  # bytes: line endings stay as they are
    except UnicodeDecodeError:
        return  # binary
    if "example_app" not in text:
        return
    lines = []
    for line in text.splitlines(keepends=True):
        content = line.rstrip("\r\n")
        if MARKER.search(content):
            if not keep:
                continue
            line = MARKER.sub("", content) + line[len(content) :]
        lines.append(line)
    path.write_bytes("".join(lines).encode("utf-8"))


if EXAMPLE_APP:
    API_TYPES_WITHOUT_EXAMPLE_APP.unlink()
else:
    for pattern in EXAMPLE_APP_FILES:
        for path in sorted(Path().glob(pattern)):
            remove(path)
    API_TYPES_WITHOUT_EXAMPLE_APP.replace(API_TYPES)
for path in sorted(Path().rglob("*")):
    if path.is_file():
        apply_markers(path, keep=EXAMPLE_APP)

# --- backend/.env, next steps -------------------------------------------------------------------

result = subprocess.run([sys.executable, "backend/scripts/init_env.py"], check=False)
if result.returncode != 0:
    print("ERROR: backend/scripts/init_env.py failed: backend/.env not written", file=sys.stderr)
    sys.exit(1)

print(
    """
Next steps:
  cd {{ cookiecutter.project_slug }}
  make superuser   a user to sign in with (installs what it needs first)
  make dev         the web client on http://localhost:{{ cookiecutter.web_port }}
                   and the API on http://localhost:{{ cookiecutter.api_port }}/api/
  make test        every test; `make help` lists the other commands
"""
)
