"""`make api-types`: regenerate the generated project's web API types, for every combination
of the options that change the API (example_app, signup), each by a bake's own `make api-types`:

- web/src/lib/api/schema.d.ts: the defaults (the example app, sign-up by invitation);
- web/src/lib/api/schema.<what differs>.d.ts for the others (without-example-app,
  with-signup, or both). The post-generation hook puts the one for the answers in place of
  schema.d.ts and deletes the rest (its api_types_name).

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
from optional_parts import answers_for, api_types_file, every_choice  # noqa: E402
from template_copy import TEMPLATE_DIR, copy_template  # noqa: E402

API_TYPES = Path("web/src/lib/api/schema.d.ts")


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
        projects = {}
        for number, kept in enumerate(every_choice()):
            answers = answers_for(kept)
            projects[api_types_file(kept)] = bake_into(copy, Path(tmp) / str(number), answers)
        installed = None  # the first bake's web/node_modules
        for output, project in projects.items():
            if installed is None:
                installed = project / "web" / "node_modules"
            else:  # the same package-lock.json, and installed after it was baked: borrowed
                (project / "web" / "node_modules").symlink_to(installed)
            make_api_types(project)
            target = ROOT / TEMPLATE_DIR / output
            shutil.copyfile(project / API_TYPES, target)
            print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
