"""Leave out the optional parts that were not chosen (the example app, open sign-up), put the
matching API types in place, write backend/.env (fresh DJANGO_SECRET_KEY), then say what to do
next."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

# The current directory is the generated project.

# --- Optional parts: options example_app and signup ----------------------------------------------

# Each optional part: whether it was chosen, and its own files and folders (glob patterns),
# deleted when it was not. The lines of other files that only it needs (an INSTALLED_APPS entry,
# URLs, a link to its pages) end with a comment naming it, `# <name>` or `// <name>`: deleted
# when it was not chosen, the comment removed when it was.
EXAMPLE_APP = "{{ cookiecutter.example_app }}" == "y"
EXAMPLE_APP_FILES = [
    "backend/support",
    "backend/tests/test_support_*.py",
    "web/src/app/(signed-in)/requests",
    "web/src/lib/api/support.ts",
    "web/src/lib/api/support.test.ts",
    "e2e/test_support*.py",
]
SIGNUP = "{{ cookiecutter.signup }}" == "open"
SIGNUP_FILES = [
    "backend/accounts/signup.py",
    "backend/tests/test_signup.py",
    "backend/templates/emails/verify_email*",
    "backend/templates/emails/signup_existing*",
    "web/src/app/(public)/signup",
    "web/src/app/(public)/verify-email",
    "web/src/lib/api/signup.ts",
    "e2e/test_signup*.py",
]
PARTS = {
    "example_app": (EXAMPLE_APP, EXAMPLE_APP_FILES),
    "signup": (SIGNUP, SIGNUP_FILES),
}
MARKER = re.compile(r"\s*(?:#|//) (example_app|signup)$")

# The web client's API types, generated for each combination of the parts (`make api-types` at
# the template's root writes them all): schema.d.ts for the defaults, the others named after
# what differs. The one for these answers takes the place of schema.d.ts; the rest go.
API_DIR = Path("web/src/lib/api")


def api_types_name(example_app: bool, signup: bool) -> str:
    differences = []
    if not example_app:
        differences.append("without-example-app")
    if signup:
        differences.append("with-signup")
    return ".".join(["schema", *differences, "d.ts"])


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink()


def apply_markers(path: Path, chosen: dict[str, bool]) -> None:
    try:
        text = path.read_bytes().decode("utf-8")  # bytes: line endings stay as they are
    except UnicodeDecodeError:
        return  # binary
    if not any(name in text for name in chosen):
        return
    lines = []
    for line in text.splitlines(keepends=True):
        content = line.rstrip("\r\n")
        if match := MARKER.search(content):
            if not chosen[match.group(1)]:
                continue
            line = MARKER.sub("", content) + line[len(content) :]
        lines.append(line)
    path.write_bytes("".join(lines).encode("utf-8"))


for kept, patterns in PARTS.values():
    if not kept:
        for pattern in patterns:
            for path in sorted(Path().glob(pattern)):
                remove(path)
wanted = API_DIR / api_types_name(EXAMPLE_APP, SIGNUP)
for path in API_DIR.glob("schema.*.d.ts"):
    if path != wanted:
        path.unlink()
if wanted.name != "schema.d.ts":
    wanted.replace(API_DIR / "schema.d.ts")
chosen = {name: kept for name, (kept, _) in PARTS.items()}
for path in sorted(Path().rglob("*")):
    if path.is_file():
        apply_markers(path, chosen)

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
