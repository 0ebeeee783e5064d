"""`make bench`: what the project's auth costs, side by side with the seeds' plain setup and
with dj-rest-auth's cookie JWT setup.

Bakes the template with its default answers into a temporary folder, serves its backend,
bench/baseline (the seed articles' simplejwt setup) and bench/djrestauth (dj-rest-auth, httpOnly
cookies, rotation and the blacklist) with the same gunicorn command, production settings, on
SQLite and (when it answers on 127.0.0.1:5432) PostgreSQL, with Redis (127.0.0.1:6379,
database 14) as the cache when it answers, and drives them with wrk. Prints one table, then the
growth and housekeeping results, and ends with the line

    bench: me/ceiling=R me_cookie/ceiling=R me/baseline=R refresh/baseline=R \
        me_cookie/djrestauth=R refresh/djrestauth=R

(16 connections, on the database where the project's `me` cost the least CPU). Each ratio is
the other's server CPU per request divided by ours (> 1: ours is cheaper). It exits with 1 when
a target of that line is missed (report.TARGETS), or authentication needs more than one query.
The results go to bench/RESULTS.md, between its markers. Progress goes to stderr. See
README.md, "Benchmarks".

Only 127.0.0.1 is contacted; every process started is stopped and every database created is
dropped on the way out, also on errors and Ctrl-C.
"""

import argparse
import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import BENCH, ROOT, STARTED, log
from bench.load import DURATION
from bench.report import Results, bench_line, machine, missed, render, versions, write_results
from bench.scenarios import Bench
from bench.stack import App, Database, add_overlay, bake, reachable, redis_flush, server_env


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=DURATION, help="seconds per run")
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgresql"],
        action="append",
        help="only this one (again for both); default: SQLite, and PostgreSQL when it answers",
    )
    parser.add_argument("--no-growth", action="store_true", help="skip growth and housekeeping")
    parser.add_argument("--no-write", action="store_true", help="leave bench/RESULTS.md alone")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make bench` installs it (apt-get install wrk)")
    load_before = os.getloadavg()
    if load_before[0] > 0.5:
        log(f"note: load average {load_before[0]:.2f} before the run (other work on this machine)")
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    dbs = []
    redis = reachable(6379)
    base_env = server_env(redis)
    try:
        log(f"baking the template into {work}")
        backend = bake(work) / "backend"
        uv = shutil.which("uv") or str(ROOT / ".venv" / "bin" / "uv")
        subprocess.run([uv, "sync", "--locked", "--quiet"], cwd=backend, check=True, timeout=600)
        add_overlay(backend)
        shutil.copytree(
            BENCH / "baseline",
            work / "baseline",
            ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3*"),
        )
        venv = backend / ".venv"  # the baselines run on the same packages (the project's uv.lock)
        djrestauth_path = add_djrestauth(work, uv, venv)
        project = App("project", backend, "bench_settings", "config.wsgi", venv, dict(base_env))
        baseline = App(
            "baseline",
            work / "baseline",
            "baseline.settings",
            "baseline.wsgi",
            venv,
            dict(base_env),
        )
        djrestauth = App(
            "djrestauth",
            work / "djrestauth",
            "djrestauth.settings",
            "djrestauth.wsgi",
            venv,
            {**base_env, "PYTHONPATH": str(djrestauth_path)},
        )
        if redis:
            redis_flush()
        tag = f"{os.getpid()}_{secrets.token_hex(2)}"
        names = args.database or ["sqlite"] + (["postgresql"] if reachable(5432) else [])
        dbs += [Database(name, work, tag) for name in names]
        measured = [db.name for db in dbs]
        bench = Bench(args.duration, work, project, baseline, djrestauth, dbs)
        for db in list(dbs):
            bench.matrix(db)
        results = Results(bench, measured)
        growth = None
        if not args.no_growth:
            growth_db = next((db for db in dbs if db.name == "postgresql"), dbs[0])
            growth = bench.growth(growth_db)
        info = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(),
            "versions": versions(project, djrestauth),
            "postgresql": next(
                (getattr(db, "server_version", None) for db in dbs if db.name == "postgresql"),
                None,
            ),
            "redis": redis,
            "load_before": load_before,
            "load_after": os.getloadavg(),
            "seconds": time.monotonic() - STARTED,
        }
        report = render(results, growth, info, args)
        print("\n".join(report["stdout"]))
        if not args.no_write:
            write_results(report["markdown"])
        failed = missed(results)
        if failed:
            print("below target: " + ", ".join(failed))
        print(bench_line(results))
        return 1 if failed else 0
    finally:
        for db in dbs:
            db.drop_all()
        if redis:
            with contextlib.suppress(OSError):
                redis_flush()
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def add_djrestauth(work: Path, uv: str, venv: Path) -> Path:
    """bench/djrestauth into `work`, and dj-rest-auth (bench/djrestauth/requirements.txt) in a
    folder of its own, without dependencies: the app runs on the project's virtualenv with that
    folder on PYTHONPATH, so Django, DRF and simplejwt are exactly the project's."""
    shutil.copytree(
        BENCH / "djrestauth",
        work / "djrestauth",
        ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3*"),
    )
    target = work / "djrestauth-packages"
    requirements = BENCH / "djrestauth" / "requirements.txt"
    subprocess.run(
        [uv, "pip", "install", "--quiet", "--no-deps", "--python", str(venv / "bin" / "python")]
        + ["--target", str(target), "-r", str(requirements)],
        check=True,
        timeout=600,
    )
    return target


if __name__ == "__main__":
    sys.exit(main())
