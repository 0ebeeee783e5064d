"""Copy the template (cookiecutter.json, hooks/, the template folder) without local junk.

Bakes use the copy so they never pick up a developer's .venv, .env, databases or caches.
`python tests/template_copy.py DEST` does the same for `make demo`.
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIR = "{{cookiecutter.project_slug}}"
IGNORE = shutil.ignore_patterns(
    ".venv",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "*.sqlite3*",
    ".env",  # only the exact name: .env.example is kept
    "node_modules",
    ".next",
    ".tools",
)


def copy_template(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "cookiecutter.json", dest)
    for name in ("hooks", TEMPLATE_DIR):
        shutil.copytree(ROOT / name, dest / name, ignore=IGNORE, symlinks=True)
    return dest


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/template_copy.py DEST")
    target = Path(sys.argv[1])
    if target.exists():
        shutil.rmtree(target)
    print(copy_template(target))
