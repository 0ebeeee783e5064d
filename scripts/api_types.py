"""`make api-types`: regenerate the generated project's web API types, for both answers of
example_app, each by a bake's own `make api-types`:

- web/src/lib/api/schema.d.ts: with the example app (the default);
- web/src/lib/api/schema.without-example-app.d.ts: without it. The post-generation hook puts
  it in place of schema.d.ts when the example app is left out, and deletes it otherwise.

Run it after changing the backend's API; a bake's `make test` fails while they are stale.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from bake import bake_into, project_env  # noqa: E402
from template_copy import TEMPLATE_DIR, copy_template  # noqa: E402

API_DIR = Path("web/src/lib/api")
OUTPUTS = {"y": "schema.d.ts", "n": "schema.without-example-app.d.ts"}


def make_api_types(project: Path) -> None:
    result = subprocess.run(
        ["make", "--no-print-directory", "api-types"],
        cwd=project,
        env=project_env(),
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"`make api-types` failed in {project}")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        copy = copy_template(Path(tmp) / "template")
        projects = {
            answer: bake_into(copy, Path(tmp) / answer, {"example_app": answer})
            for answer in OUTPUTS
        }
        installed = None  # the first bake's web/node_modules
        for answer, project in projects.items():
            if installed is None:
                installed = project / "web" / "node_modules"
            else:  # the same package-lock.json, and installed after it was baked: borrowed
                (project / "web" / "node_modules").symlink_to(installed)
            make_api_types(project)
            target = ROOT / TEMPLATE_DIR / API_DIR / OUTPUTS[answer]
            shutil.copyfile(project / API_DIR / "schema.d.ts", target)
            print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
