"""`make bench-web` (`python -m bench.web`): Lighthouse 12.2.3 (Debian's Chromium) over the
default bake's production web build, signed out and signed in, and the first-load JavaScript of
each page. The last line: `bench-web: performance=N accessibility=N best_practices=N`, each
the minimum over the pages. Targets: performance >= 95, accessibility 100, best practices >= 95.

The API runs under gunicorn with DEBUG off (LOCAL_TRIAL: plain http on this machine) on the
bake's SQLite database, seeded with the demo's users and support requests.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import BENCH, log
from bench.stack import bake, server_env
from processes import ServerProcess, StartError, free_port

LIGHTHOUSE = BENCH / "lighthouse"
PASSWORD = "bench-web-password-1"
PUBLIC = ["/login", "/forgot-password"]
SIGNED_IN = ["/", "/requests", "/settings"]  # home, the example app's list, settings
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 95}


def run(command: list, cwd: Path, env: dict | None = None) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"`{' '.join(map(str, command))}` failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def api_env(project: Path, web_port: int) -> dict:
    """The benchmark's production settings over http on this machine (bench/stack.py), with
    the bake's own virtualenv, the web client's origin and a database of its own."""
    env = server_env(redis=False)
    env.update(
        PATH=f"{project / 'backend' / '.venv' / 'bin'}{os.pathsep}{env['PATH']}",
        WEB_ORIGIN=f"http://localhost:{web_port}",
        DATABASE_URL=f"sqlite:///{project / 'backend' / 'bench-web.sqlite3'}",
    )
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--preset", choices=["mobile", "desktop"], default="mobile")
    args = parser.parse_args()

    run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], LIGHTHOUSE)
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        work = Path(tmp)
        log("baking and installing the default answers")
        project = bake(work)
        run(["make", "install"], project)
        api_port, web_port = free_port(), free_port()
        env = api_env(project, web_port)
        backend = project / "backend"
        for command in (["migrate", "--noinput"], ["seed_demo", "--force", "--password", PASSWORD]):
            run(["python", "manage.py", *command], backend, env)
        web_env = {
            **os.environ,
            "NEXT_PUBLIC_API_URL": f"http://localhost:{api_port}",
            "NEXT_TELEMETRY_DISABLED": "1",
        }
        log("building the web client for production")
        run(["npx", "--no-install", "next", "build"], project / "web", web_env)
        sizes = run(["node", "scripts/first-load-js.mjs"], project / "web", web_env)

        api = ServerProcess(
            ["gunicorn", "config.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{api_port}"],
            backend,
            env,
            work / "api.log",
        )
        web = ServerProcess(
            ["npx", "--no-install", "next", "start", "-H", "localhost", "-p", str(web_port)],
            project / "web",
            web_env,
            work / "web.log",
        )
        try:
            api.wait_until_answers(api_port, "/api/health/", ready=lambda status: status == 200)
            web.wait_until_answers(web_port, "/login", ready=lambda status: status == 200)
            log(f"Lighthouse ({args.preset}) on {', '.join(PUBLIC + SIGNED_IN)}")
            command = [
                "node", "run.mjs", "--web", f"http://localhost:{web_port}",
                "--email", "client@example.com", "--password", PASSWORD,
                "--preset", args.preset,
                *(f"--public={path}" for path in PUBLIC),
                *(f"--signed-in={path}" for path in SIGNED_IN),
            ]  # fmt: skip
            chrome = {
                **os.environ,
                "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium"),
            }
            results = json.loads(run(command, LIGHTHOUSE, chrome).strip().splitlines()[-1])
        except StartError as error:
            sys.exit(str(error))
        finally:
            web.stop()
            api.stop()

    print(f"\nLighthouse {args.preset}, Debian's Chromium, production build:")
    print(f"  {'page':<18} {'performance':>11} {'accessibility':>13} {'best practices':>14}")
    for page, result in results.items():
        print(
            f"  {page:<18} {result['performance']:>11} {result['accessibility']:>13}"
            f" {result['best-practices']:>14}"
        )
        for failure in result["failed"]:
            print(f"      {failure}")
    print("\nFirst-load JavaScript per page (raw, gzipped):\n" + sizes)
    low = {name: min(r[name] for r in results.values()) for name in TARGETS}
    missed = [
        f"{name} {low[name]} < {target}" for name, target in TARGETS.items() if low[name] < target
    ]
    if missed:
        print("below target: " + ", ".join(missed))
    print(
        f"bench-web: performance={low['performance']} accessibility={low['accessibility']}"
        f" best_practices={low['best-practices']}"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
