"""`make demo`: bake the template with its default answers into .demo/, add demo users and data,
start the dev stack. A second run reuses the bake (and its data) while the template is unchanged:
a warm start in seconds. `make demo-reset` starts over."""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from template_copy import copy_template  # noqa: E402

DEMO = ROOT / ".demo"
STAMP = DEMO / ".template-hash"  # the hash of the template the bake came from
PASSWORD = "demo-portal-password"
USERS = {  # who the demo's sign-in lines offer (seed_demo's default addresses)
    "a client": "client@example.com",
    "staff": "staff@example.com",
}


def template_hash(copy: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in copy.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(copy)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def bake(copy: Path) -> Path:
    for old in DEMO.iterdir() if DEMO.exists() else ():
        shutil.rmtree(old) if old.is_dir() else old.unlink()
    DEMO.mkdir(exist_ok=True)
    # The hook's "next steps" would tell the user to run what this script runs next: not shown.
    result = subprocess.run(
        [Path(sys.executable).parent / "cookiecutter", "--no-input", "--output-dir", DEMO, copy],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"cookiecutter failed:\n{result.stdout}{result.stderr}")
    return project()


def project() -> Path | None:
    found = [p for p in DEMO.glob("*/") if p.is_dir() and (p / "Makefile").exists()]
    return found[0] if found else None


def make(target_dir: Path, *args: str) -> None:
    subprocess.run(["make", "--no-print-directory", "-C", target_dir, *args], check=True)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        copy = copy_template(Path(tmp) / "template")
        wanted = template_hash(copy)
        baked = project()
        if baked and STAMP.exists() and STAMP.read_text() == wanted:
            print(f"Template unchanged: starting {baked.relative_to(ROOT)} again, data kept")
            print("(`make demo-reset` starts over from a fresh bake)")
        else:
            if baked:
                print("The template changed since the last demo: baking it again (data reset)")
            baked = bake(copy)
            STAMP.unlink(missing_ok=True)

    make(baked, "install")
    if not STAMP.exists():
        subprocess.run(
            [
                "make",
                "--no-print-directory",
                "-C",
                baked,
                "manage",
                f"ARGS=seed_demo --password {PASSWORD}",
            ],
            check=True,
        )
        STAMP.write_text(wanted)  # only once the bake is installed and seeded

    # Staff must have two-factor (TWO_FACTOR_REQUIRED_ROLES): their first sign-in enrols them.
    then = {"staff": " (then set up two-factor: staff must)"}
    ready = "|".join(
        f"Sign in as {role}: {email} / {PASSWORD}{then.get(role, '')}"
        for role, email in USERS.items()
    )
    os.execvp(
        "make", ["make", "--no-print-directory", "-C", str(baked), "dev", f"DEV_READY={ready}"]
    )


if __name__ == "__main__":
    sys.exit(main())
