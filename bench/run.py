"""`make bench`: what the project's auth costs, side by side with the seeds' plain setup.

Bakes the template with its default answers into a temporary folder, serves its backend and
bench/baseline (the seed articles' simplejwt setup) with the same gunicorn command, production
settings, on SQLite and (when it answers on 127.0.0.1:5432) PostgreSQL, with Redis
(127.0.0.1:6379, database 14) as the cache when it answers, and drives both with wrk. Prints one
table, then the growth and housekeeping results, and ends with the line

    bench: me/ceiling=R me/baseline=R refresh/baseline=R

(16 connections, on the database where the project's `me` was fastest). The results go to
bench/RESULTS.md, between its markers. Progress goes to stderr. See README.md, "Benchmarks".

Only 127.0.0.1 is contacted; every process started is stopped and every database created is
dropped on the way out, also on errors and Ctrl-C.
"""

import argparse
import contextlib
import json
import os
import platform
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT / "tests"))

from processes import free_port  # noqa: E402  (tests/, on the path just above)

CONNECTIONS = (1, 16, 64)
HEADLINE_CONNECTIONS = 16
# The headline runs (16 connections) are repeated, interleaved, and the median kept: on a
# shared 2-core machine one run can be a few percent off either way.
HEADLINE_REPEATS = 3
WORKERS = 2
DURATION = 3  # seconds per measured run
ME_TOKENS = 64  # distinct signed-in sessions the `me` runs cycle through
GROWTH_SIZES = (10_000, 100_000, 1_000_000)
REDIS_DB = 14
CALIBRATION_TOKENS = 800
TOKEN_MARGIN = 1.35  # refresh tokens prepared per expected request
HEALTH_TIMEOUT = 30
STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


def reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def redis_flush() -> None:
    """FLUSHDB on the benchmark's own Redis database, nothing else."""
    with socket.create_connection(("127.0.0.1", 6379), timeout=5) as s:
        db = str(REDIS_DB)
        s.sendall(f"*2\r\n$6\r\nSELECT\r\n${len(db)}\r\n{db}\r\n*1\r\n$7\r\nFLUSHDB\r\n".encode())
        reply = b""
        while reply.count(b"\r\n") < 2:
            chunk = s.recv(64)
            if not chunk:
                break
            reply += chunk
    if reply != b"+OK\r\n+OK\r\n":
        raise RuntimeError(f"Redis FLUSHDB {REDIS_DB} failed: {reply!r}")


# --- The two applications -----------------------------------------------------------------------


@dataclass
class App:
    name: str  # "project" or "baseline"
    cwd: Path
    settings: str
    wsgi: str
    venv: Path
    env: dict = field(default_factory=dict)

    def python(self, *args, fast_hasher=False, check=True, extra_env=None) -> dict | str:
        env = {**self.env, "DJANGO_SETTINGS_MODULE": self.settings, **(extra_env or {})}
        if fast_hasher:
            # Token preparation: a cheap hasher, and a private cache (the throttling counters
            # of thousands of sign-ins need not go to Redis).
            env.update(BENCH_FAST_HASHER="1", REDIS_URL="")
        result = subprocess.run(
            [str(self.venv / "bin" / "python"), *args],
            cwd=self.cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"{self.name}: {' '.join(args[:2])} failed:\n{result.stderr[-3000:]}"
            )
        return result.stdout

    def helper(self, command: str, *args, fast_hasher=True) -> dict:
        out = self.python(
            str(BENCH / "inproc.py"), command, "--flavor", self.name, *args, fast_hasher=fast_hasher
        )
        return json.loads(out.strip().splitlines()[-1])

    def manage(self, *args, **kwargs) -> str:
        return self.python("manage.py", *args, **kwargs)


class Server:
    """gunicorn serving one app: `workers` sync workers on a free port of 127.0.0.1."""

    def __init__(self, app: App, logs: Path, workers: int = WORKERS):
        self.app, self.port, self.proc, self.worker_count = app, free_port(), None, workers
        self.log_path = logs / f"gunicorn-{app.name}-{self.port}.log"

    def start(self) -> "Server":
        env = {**self.app.env, "DJANGO_SETTINGS_MODULE": self.app.settings}
        self.log_file = open(self.log_path, "a")  # noqa: SIM115  (a restart appends)
        self.proc = subprocess.Popen(
            [
                str(self.app.venv / "bin" / "gunicorn"),
                self.app.wsgi,
                "--workers",
                str(self.worker_count),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=self.app.cwd,
            env=env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + HEALTH_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"gunicorn ({self.app.name}) exited: {self.log_path.read_text()}"
                )
            if self._answers() and len(self.workers()) == self.worker_count:
                return self
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn ({self.app.name}) did not answer in {HEALTH_TIMEOUT}s")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
                s.sendall(b"GET /api/auth/me/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                return s.recv(12).startswith(b"HTTP/1.")
        except OSError:
            return False

    def workers(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.proc.pid:
                    pids.append(int(entry.name))
        return pids

    def cpu_seconds(self) -> float:
        """CPU time (user + system) of the master and its workers so far."""
        total = 0
        for pid in [self.proc.pid, *self.workers()]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def wait_idle(self, limit: float = 30) -> None:
        """Until the workers stop burning CPU: requests wrk gave up on are still queued."""
        deadline = time.monotonic() + limit
        last = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(0.3)
            now = self.cpu_seconds()
            if now - last < 0.02:
                return
            last = now

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGINT)  # gunicorn: quick shutdown, workers included
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.log_file.close()

    def kill(self) -> None:
        """SIGKILL, master and workers at once: a crash, not a shutdown."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
            self.log_file.close()


# --- Load ---------------------------------------------------------------------------------------


def raw_request(method: str, path: str, port: int, headers=(), body: str = "") -> str:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", *headers]
    if method == "POST":
        lines.append(f"Content-Length: {len(body.encode())}")
    return "\r\n".join(lines) + "\r\n\r\n" + body


def write_requests(path: Path, requests: list[str]) -> Path:
    path.write_text("\0".join(requests))
    return path


@dataclass
class Run:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: dict
    exhausted: int
    server_cpu_us: float  # per request
    wrk_cpu_pct: float  # of one core, over the run

    @property
    def failed(self) -> int:
        return sum(self.errors.values())


def wrk(server: Server, requests: Path, mode: str, connections: int, duration=DURATION) -> Run:
    threads = min(connections, 2)
    command = [
        shutil.which("wrk") or "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "60s",
        "-s",
        str(BENCH / "requests.lua"),
        f"http://127.0.0.1:{server.port}",
        "--",
        str(requests),
        mode,
        str(threads),
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_before = server.cpu_seconds()
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 120)
    cpu_after = server.cpu_seconds()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next((x for x in result.stdout.splitlines() if x.startswith("BENCH ")), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed: {result.stdout}\n{result.stderr}")
    data = json.loads(line[len("BENCH ") :])
    seconds = data["duration_us"] / 1e6
    n = max(1, data["requests"])
    wrk_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(
        requests=data["requests"],
        seconds=seconds,
        rps=data["requests"] / seconds,
        p50_ms=data["latency_us"]["p50"] / 1000,
        p99_ms=data["latency_us"]["p99"] / 1000,
        errors=data["errors"],
        exhausted=data["exhausted"],
        server_cpu_us=(cpu_after - cpu_before) / n * 1e6,
        wrk_cpu_pct=wrk_cpu / seconds * 100,
    )


# --- Databases ----------------------------------------------------------------------------------


@dataclass
class Database:
    name: str  # "sqlite" or "postgresql"
    work: Path
    tag: str
    created: list = field(default_factory=list)

    def url(self, app: str) -> str:
        if self.name == "sqlite":
            return f"sqlite:///{self.work / f'{app}.sqlite3'}"
        return f"postgres://postgres@127.0.0.1:5432/bench_{self.tag}_{app}"

    def create(self, helper_app: App, app: str) -> None:
        if self.name == "postgresql":
            out = helper_app.python(str(BENCH / "inproc.py"), "pg", "--url", self.url(app))
            self.created.append((helper_app, self.url(app)))
            self.server_version = json.loads(out)["server_version"]

    def drop_all(self) -> None:
        for helper_app, url in self.created:
            try:
                helper_app.python(str(BENCH / "inproc.py"), "pg", "--url", url, "--action", "drop")
            except Exception as error:  # noqa: BLE001  (keep dropping the others)
                log(f"could not drop {url}: {error}")
        self.created.clear()


def in_parallel(*calls):
    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(call) for call in calls]
        return [f.result() for f in futures]


# --- One database: the whole matrix -------------------------------------------------------------


class Bench:
    def __init__(self, args, work: Path, project: App, baseline: App, dbs: list):
        self.args, self.work, self.project, self.baseline = args, work, project, baseline
        self.dbs = dbs  # every Database created, so that main() drops them all
        self.rows = []  # (db, scenario, connections, app name, Run)
        self.queries = {}  # (db, app name) -> helper output
        self.profiles = {}  # db -> in-process profiles
        self.login_hashers = {}  # app name -> "algorithm (parameters)" of its login user
        self.prep_offset = {}
        self.duration = args.duration

    def apps(self):
        return (self.project, self.baseline)

    def setup_database(self, db: Database, apps) -> None:
        for app in apps:
            db.create(self.project, app.name)
        for app in apps:
            app.env["DATABASE_URL"] = db.url(app.name)
        in_parallel(*[lambda a=app: a.manage("migrate", "--noinput", "-v0") for app in apps])
        users = in_parallel(*[lambda a=app: a.helper("users") for app in apps])
        for app, made in zip(apps, users, strict=True):
            self.login_hashers[app.name] = (
                f"{made['login_hasher']} ({made['login_hasher_parameters']})"
            )
        for app in apps:
            self.prep_offset[app.name] = 0

    def prep(self, app: App, count: int) -> list:
        offset = self.prep_offset[app.name]
        self.prep_offset[app.name] += count
        return app.helper("prep", "--count", str(count), "--offset", str(offset))["pairs"]

    def record(self, db, scenario, connections, app, run: Run) -> Run:
        self.rows.append((db.name, scenario, connections, app.name, run))
        bad = f", {run.failed} failed" if run.failed else ""
        log(
            f"  {db.name:10s} {scenario:14s} c={connections:<3d} {app.name:8s} "
            f"{run.rps:8.1f} req/s  p50 {run.p50_ms:7.2f} ms  p99 {run.p99_ms:7.2f} ms  "
            f"{run.server_cpu_us:6.0f} us CPU/req{bad}"
        )
        return run

    def matrix(self, db: Database) -> None:
        log(f"{db.name}: migrate, users, tokens")
        self.setup_database(db, self.apps())
        me_pairs = in_parallel(*[lambda a=app: self.prep(a, ME_TOKENS) for app in self.apps()])
        me_tokens = {
            app.name: [p[0] for p in pairs]
            for app, pairs in zip(self.apps(), me_pairs, strict=True)
        }
        # In-process measurements, before any server runs: queries per request, and where
        # the time of `me` and of a refresh goes.
        # (The profiles are timed: at most one process per core.)
        queries_p, queries_b = in_parallel(
            lambda: self.project.helper("queries"),
            lambda: self.baseline.helper("queries"),
        )
        refresh_p, refresh_b = in_parallel(
            lambda: self.project.helper("refresh-profile", "--count", "300"),
            lambda: self.baseline.helper("refresh-profile", "--count", "300"),
        )
        profile = self.project.helper("profile", "--count", "1500")
        self.queries[(db.name, "project")] = queries_p
        self.queries[(db.name, "baseline")] = queries_b
        self.profiles[db.name] = {
            "me": profile,
            "refresh": {"project": refresh_p, "baseline": refresh_b},
        }
        servers = {app.name: Server(app, self.work).start() for app in self.apps()}
        try:
            self.me_runs(db, servers, me_tokens)
            self.refresh_runs(db, servers)
            self.login_runs(db, servers)
        finally:
            for server in servers.values():
                server.stop()

    def me_runs(self, db, servers, tokens) -> None:
        project = servers["project"]
        files = {}
        for name, server in servers.items():
            bearer = [f"Authorization: Bearer {t}" for t in tokens[name]]
            files[(name, "me_bearer")] = [
                raw_request("GET", "/api/auth/me/", server.port, [h]) for h in bearer
            ]
        files[("project", "ceiling")] = [
            raw_request("GET", "/api/bench/me/", project.port, [h])
            for h in (f"Authorization: Bearer {t}" for t in tokens["project"])
        ]
        files[("project", "me_cookie")] = [
            raw_request("GET", "/api/auth/me/", project.port, [f"Cookie: access={t}"])
            for t in tokens["project"]
        ]
        paths = {
            key: write_requests(self.work / f"{db.name}-{key[0]}-{key[1]}.req", reqs)
            for key, reqs in files.items()
        }
        log(f"{db.name}: warm-up")
        for name, server in servers.items():
            wrk(server, paths[(name, "me_bearer")], "cycle", 16, duration=1)
        order = [
            ("project", "ceiling"),
            ("project", "me_bearer"),
            ("baseline", "me_bearer"),
            ("project", "me_cookie"),
        ]
        for connections in CONNECTIONS:
            repeats = HEADLINE_REPEATS if connections == HEADLINE_CONNECTIONS else 1
            runs = {key: [] for key in order}
            for _ in range(repeats):
                for name, scenario in order:
                    run = wrk(
                        servers[name], paths[(name, scenario)], "cycle", connections, self.duration
                    )
                    runs[(name, scenario)].append(run)
            for (name, scenario), measured in runs.items():
                app = self.project if name == "project" else self.baseline
                self.record(db, scenario, connections, app, median(measured))

    def refresh_runs(self, db, servers) -> None:
        """Each request presents a fresh refresh token, signed in for beforehand. How many a
        run needs comes from a one-second calibration run at 16 connections (the busiest any
        run gets) and, after each run, from that run's rate; a run that still runs out is
        done again with more."""
        estimate = {}
        for app in self.apps():
            pairs = self.prep(app, CALIBRATION_TOKENS)
            path = self._refresh_file(db, app, servers[app.name], pairs, "calibration")
            run = wrk(servers[app.name], path, "once", HEADLINE_CONNECTIONS, duration=1)
            estimate[app.name] = max(run.rps, 50.0)
        for connections in CONNECTIONS:
            repeats = HEADLINE_REPEATS if connections == HEADLINE_CONNECTIONS else 1
            measured = {app.name: [] for app in self.apps()}
            for _ in range(repeats):
                for name, run in self._refresh_round(db, servers, connections, estimate).items():
                    measured[name].append(run)
            for app in self.apps():
                run = median(measured[app.name])
                self.record(db, "refresh", connections, app, run)
                estimate[app.name] = max(estimate[app.name], run.rps)

    def _refresh_round(self, db, servers, connections, estimate) -> dict:
        """One refresh run of each app, redone with more tokens if one runs out."""
        needs = {
            name: int(rate * self.duration * TOKEN_MARGIN) + 50 for name, rate in estimate.items()
        }
        for _attempt in range(3):
            tokens = in_parallel(
                *[lambda a=app, n=needs[app.name]: self.prep(a, n) for app in self.apps()]
            )
            runs = {}
            for app, pairs in zip(self.apps(), tokens, strict=True):
                path = self._refresh_file(db, app, servers[app.name], pairs, str(connections))
                runs[app.name] = wrk(servers[app.name], path, "once", connections, self.duration)
            short = [name for name, run in runs.items() if run.exhausted]
            if not short:
                return runs
            log(f"  refresh tokens ran out ({', '.join(short)}): again with more")
            needs = {name: int(n * 1.6) for name, n in needs.items()}
        raise RuntimeError(f"refresh tokens ran out three times ({', '.join(short)})")

    def _refresh_file(self, db, app, server, pairs, label) -> Path:
        requests = [
            raw_request(
                "POST",
                "/api/auth/token/refresh/",
                server.port,
                ["Content-Type: application/json"],
                json.dumps({"refresh": refresh}),
            )
            for _, refresh in pairs
        ]
        return write_requests(self.work / f"{db.name}-{app.name}-refresh-{label}.req", requests)

    def login_runs(self, db, servers) -> None:
        paths = {}
        for app in self.apps():
            field = "email" if app.name == "project" else "username"
            ident = "login@bench.invalid" if app.name == "project" else "login"
            body = json.dumps({field: ident, "password": "bench-login-password"})
            request = raw_request(
                "POST",
                "/api/auth/token/",
                servers[app.name].port,
                ["Content-Type: application/json"],
                body,
            )
            paths[app.name] = write_requests(
                self.work / f"{db.name}-{app.name}-login.req", [request]
            )
        for connections in CONNECTIONS:
            for app in self.apps():
                server = servers[app.name]
                run = wrk(server, paths[app.name], "cycle", connections, self.duration)
                self.record(db, "login", connections, app, run)
                # wrk is done, but the sign-ins it gave up on are still queued: let them
                # finish, or, after the last run, stop the server, so that they never
                # compete with the next measurement.
                if connections == CONNECTIONS[-1]:
                    server.stop()
                else:
                    server.wait_idle()

    # --- Growth and housekeeping (project only) ---

    def growth(self, db: Database) -> dict:
        """On a fresh database: me and refresh latency (1 connection: no queueing) with 10 k,
        100 k and 1 M rows in each of the token and session tables, then the housekeeping
        command on those rows, then simplejwt's own command on 100 k rows."""
        log(f"growth on {db.name}")
        app = self.project
        gdb = Database(db.name, self.work / "growth", db.tag + "_g")
        gdb.work.mkdir(exist_ok=True)
        self.dbs.append(gdb)
        self.setup_database(gdb, [app])
        me = [p[0] for p in self.prep(app, ME_TOKENS)]
        result = {"database": db.name, "sizes": []}
        # Every `me` checked in full (the session query each time), not remembered.
        uncached = replace(app, env={**app.env, "AUTH_CACHE_SECONDS": "0"})
        server = Server(uncached, self.work).start()
        try:
            me_path = write_requests(
                self.work / "growth-me.req",
                [
                    raw_request("GET", "/api/auth/me/", server.port, [f"Authorization: Bearer {t}"])
                    for t in me
                ],
            )
            wrk(server, me_path, "cycle", HEADLINE_CONNECTIONS, duration=1)
            estimate = self._rows(db.name, "refresh", 1, "project")[0][4].rps
            for size in GROWTH_SIZES:
                grown = app.helper("grow", "--count", str(size), fast_hasher=False)
                log(f"  {size:>9,} rows: filled in {grown['seconds']:.1f}s")
                pairs = self.prep(app, int(estimate * self.duration * TOKEN_MARGIN) + 50)
                path = self._refresh_file(gdb, app, server, pairs, f"growth-{size}")
                me_run = wrk(server, me_path, "cycle", 1, self.duration)
                refresh_run = wrk(server, path, "once", 1, self.duration)
                if refresh_run.exhausted:
                    raise RuntimeError("growth: refresh tokens ran out")
                estimate = refresh_run.rps
                result["sizes"].append({"rows": size, "me": me_run, "refresh": refresh_run})
                for name, run in (("me", me_run), ("refresh", refresh_run)):
                    log(
                        f"    {name:8s} {run.rps:7.1f} req/s  p50 {run.p50_ms:.2f} ms  "
                        f"p99 {run.p99_ms:.2f} ms"
                    )
        finally:
            server.stop()
        result["plans"] = app.helper("explain", fast_hasher=False)
        result["flushexpired"] = self.timed_command(app, "flushexpired")
        log(f"  flushexpired: {result['flushexpired']}")
        app.helper("grow", "--count", "100000", fast_hasher=False)
        result["flushexpiredtokens"] = self.timed_command(app, "flushexpiredtokens")
        log(f"  simplejwt flushexpiredtokens (100 k): {result['flushexpiredtokens']}")
        return result

    def _rows(self, db, scenario, connections, app):
        return [
            r
            for r in self.rows
            if r[0] == db and r[1] == scenario and r[2] == connections and r[3] == app
        ]

    def timed_command(self, app: App, command: str) -> dict:
        """Run a management command; its wall time and peak memory (its own rusage)."""
        env = {**app.env, "DJANGO_SETTINGS_MODULE": app.settings}
        out_path = self.work / f"{command}.out"
        with open(out_path, "w") as out:
            started = time.perf_counter()
            proc = subprocess.Popen(
                [str(app.venv / "bin" / "python"), "manage.py", command],
                cwd=app.cwd,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        output = out_path.read_text().strip()
        if proc.returncode != 0:
            raise RuntimeError(f"{command} failed: {output[-2000:]}")
        return {"seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024, "output": output}


# --- Report -------------------------------------------------------------------------------------


SCENARIOS = [
    ("ceiling", "me, no auth (ceiling)"),
    ("me_bearer", "me, Bearer"),
    ("me_cookie", "me, cookie"),
    ("refresh", "refresh, rotation"),
    ("login", "login"),
]


def median(runs: list) -> "Run":
    """The run of median throughput (the middle one of an odd number)."""
    return sorted(runs, key=lambda run: run.rps)[len(runs) // 2]


def fmt(value, digits=1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def ratio(a: "Run | None", b: "Run | None") -> float | None:
    return a.rps / b.rps if a and b and b.rps else None


class Results:
    """The runs by (database, scenario, connections, app), and what is derived from them."""

    def __init__(self, bench: "Bench", databases: list[str]):
        self.bench, self.databases = bench, databases
        self.runs = {(d, s, c, a): r for d, s, c, a, r in bench.rows}

    def get(self, db, scenario, connections, app="project") -> "Run | None":
        return self.runs.get((db, scenario, connections, app))

    def queries(self, db, app, scenario) -> str:
        key = {"refresh": "refresh_token"}.get(scenario, scenario)
        q = self.bench.queries.get((db, app), {}).get(key)
        if q is None:
            return "—"
        return str(q["queries"]) + (f" +{q['health_checks']} hc" if q["health_checks"] else "")

    def fastest(self) -> str:
        """The database where the project's `me` (Bearer) was fastest: geometric mean of its
        throughput over the three concurrency levels (one noisy run decides nothing)."""

        def score(db):
            product = 1.0
            for c in CONNECTIONS:
                product *= self.get(db, "me_bearer", c).rps
            return product ** (1 / len(CONNECTIONS))

        return max(self.databases, key=score)

    def headline(self, db: str) -> dict:
        c = HEADLINE_CONNECTIONS
        me, ceiling = self.get(db, "me_bearer", c), self.get(db, "ceiling", c)
        return {
            "me/ceiling": ratio(me, ceiling),
            "cookie/ceiling": ratio(self.get(db, "me_cookie", c), ceiling),
            "me/baseline": ratio(me, self.get(db, "me_bearer", c, "baseline")),
            "refresh/baseline": ratio(
                self.get(db, "refresh", c), self.get(db, "refresh", c, "baseline")
            ),
        }

    def table(self) -> list[str]:
        lines = [
            "| database | scenario | conns | project req/s | p50 ms | p99 ms | queries "
            "| CPU µs/req | baseline req/s | p50 ms | p99 ms | queries | CPU µs/req "
            "| ×baseline | ×ceiling |",
            "|" + "---|" * 15,
        ]
        for db in self.databases:
            for scenario, label in SCENARIOS:
                for c in CONNECTIONS:
                    cells = [db, label, str(c)]
                    runs = {app: self.get(db, scenario, c, app) for app in ("project", "baseline")}
                    for app, run in runs.items():
                        cells += [
                            fmt(run and run.rps),
                            fmt(run and run.p50_ms, 2),
                            fmt(run and run.p99_ms, 2),
                            self.queries(db, app, scenario) if run else "—",
                            fmt(run and run.server_cpu_us, 0),
                        ]
                    to_ceiling = None
                    if scenario in ("me_bearer", "me_cookie"):
                        to_ceiling = ratio(runs["project"], self.get(db, "ceiling", c))
                    cells += [fmt(ratio(runs["project"], runs["baseline"]), 2), fmt(to_ceiling, 2)]
                    lines.append("| " + " | ".join(cells) + " |")
        return lines

    def targets(self, growth: dict | None) -> list[str]:
        lines = []
        best = self.fastest()
        for db in self.databases:
            h = self.headline(db)
            auth = self.bench.queries[(db, "project")]["me_bearer"]
            mark = " (the fastest: the `bench:` line)" if db == best else ""
            lines += [f"Targets on {db}, {HEADLINE_CONNECTIONS} connections{mark}:", ""]
            checks = [
                (
                    "authenticated `me` ≥ 0.9 × the unauthenticated ceiling",
                    h["me/ceiling"] >= 0.9,
                    f"Bearer {h['me/ceiling']:.2f}, cookie {h['cookie/ceiling']:.2f}",
                ),
                ("`me` ≥ the baseline's", h["me/baseline"] >= 1, f"{h['me/baseline']:.2f}"),
                (
                    "at most one query per request for authentication",
                    auth["queries"] <= 1,
                    f"{auth['queries']}"
                    + (
                        f" (and Django's connection health check, {auth['health_checks']}, "
                        "as for the baseline)"
                        if auth["health_checks"]
                        else ""
                    ),
                ),
                (
                    "refresh ≥ the baseline's",
                    h["refresh/baseline"] >= 1,
                    f"{h['refresh/baseline']:.2f}",
                ),
            ]
            lines += [f"- {'✅' if ok else '❌'} {name}: {value}" for name, ok, value in checks]
            lines.append("")
        if growth:
            first, last = growth["sizes"][0], growth["sizes"][-1]
            growth_ratio = max(
                last["me"].p50_ms / first["me"].p50_ms,
                last["refresh"].p50_ms / first["refresh"].p50_ms,
            )
            flush = growth["flushexpired"]
            lines += [
                f"Growth ({growth['database']}):",
                "",
                f"- {'✅' if growth_ratio <= 1.25 else '❌'} latency flat from 10 k to 1 M rows "
                f"(p50 within ×1.25): ×{growth_ratio:.2f} at most",
                f"- housekeeping of 1 M rows per table: {flush['seconds']:.0f} s, "
                f"peak {flush['peak_rss_mb']:.0f} MB",
                "",
            ]
        return lines

    def load_table(self) -> list[str]:
        lines = [
            "| database | scenario | conns | app | requests | failed | wrk CPU, % of a core |",
            "|---|---|---|---|---|---|---|",
        ]
        for d, s, c, a, r in self.bench.rows:
            lines.append(
                f"| {d} | {s} | {c} | {a} | {r.requests:,} | {r.failed} | {r.wrk_cpu_pct:.0f} |"
            )
        return lines


def growth_lines(growth: dict) -> list[str]:
    lines = [
        f"Growth: the project on {growth['database']}, 1 connection (latency without queueing), "
        f"with N rows in each of the outstanding-token, blacklisted-token and device-session "
        "tables (expired rows of 1,000 other users):",
        "",
        "| rows | me req/s | p50 ms | p99 ms | refresh req/s | p50 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for size in growth["sizes"]:
        me, rf = size["me"], size["refresh"]
        lines.append(
            f"| {size['rows']:,} | {me.rps:,.1f} | {me.p50_ms:.2f} | {me.p99_ms:.2f} "
            f"| {rf.rps:,.1f} | {rf.p50_ms:.2f} | {rf.p99_ms:.2f} |"
        )
    lines += [
        "",
        "Housekeeping on those rows (wall time, peak resident memory of the command):",
        "",
        "| command | rows | seconds | peak RSS MB | output |",
        "|---|---|---|---|---|",
    ]
    commands = (
        ("flushexpired", "`flushexpired` (ours)", "1 M per table"),
        ("flushexpiredtokens", "`flushexpiredtokens` (simplejwt's)", "100 k tokens"),
    )
    for key, name, rows in commands:
        r = growth[key]
        output = r["output"].replace("\n", " ") or "(nothing)"
        lines.append(
            f"| {name} | {rows} | {r['seconds']:.1f} | {r['peak_rss_mb']:.0f} | {output} |"
        )
    lines += ["", f"Query plans with 1 M rows ({growth['database']}):", ""]
    for name, plan in growth["plans"].items():
        lines.append(f"- {name}: `{' / '.join(p.strip() for p in plan)}`")
    return lines


def profile_lines(bench: "Bench", databases: list[str]) -> list[str]:
    lines = []
    for db in databases:
        me = bench.profiles[db]["me"]
        refresh = bench.profiles[db]["refresh"]
        lines += [
            f"Profiles on {db} (in-process through Django's WSGI handler, no HTTP server):",
            "",
            f"- `me`: {me['cpu_us']['me']:.0f} µs of CPU per request; the ceiling "
            f"{me['cpu_us']['ceiling']:.0f} µs "
            f"(×{me['cpu_us']['ceiling'] / me['cpu_us']['me']:.2f})."
            " What `me` does beyond the ceiling (cProfile, inclusive wall µs per request, "
            "inflated by the profiler; nested rows overlap):",
            "",
            "| function | extra µs/req | calls/req |",
            "|---|---|---|",
        ]
        lines += [f"| `{n}` | {us:.0f} | {calls:.1f} |" for n, us, calls in me["extra"][:14]]
        lines.append("")
        for app in ("project", "baseline"):
            r = refresh[app]
            share = r["in_transaction_us"] / r["wall_us"]
            lines.append(
                f"- refresh, {app}: {r['cpu_us']:.0f} µs CPU, {r['wall_us']:.0f} µs wall per "
                f"refresh, of which {r['in_transaction_us']:.0f} µs ({share:.0%}) inside "
                "transaction.atomic()"
            )
        lines += [
            "",
            "  Where the project's refresh goes (cProfile, inclusive wall µs per refresh, "
            "inflated by the profiler; nested rows overlap):",
            "",
            "  | function | µs/refresh | calls/refresh |",
            "  |---|---|---|",
        ]
        lines += [
            f"  | `{n}` | {us:.0f} | {calls:.1f} |"
            for n, us, calls in refresh["project"]["profile"]
        ]
        lines.append("")
    return lines


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = 0
    with contextlib.suppress(OSError, ValueError, IndexError):
        memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024
    os_name = platform.system()
    try:
        release = dict(
            line.split("=", 1)
            for line in Path("/etc/os-release").read_text().splitlines()
            if "=" in line
        )
        os_name = release.get("PRETTY_NAME", os_name).strip('"')
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mb": memory,
        "kernel": platform.release(),
        "os": os_name,
    }


def versions(project: App) -> dict:
    code = (
        "import json, sqlite3, sys\n"
        "from importlib.metadata import version\n"
        "names = ['django', 'djangorestframework', 'djangorestframework-simplejwt', 'pyjwt',"
        " 'gunicorn', 'psycopg', 'redis']\n"
        "v = {n: version(n) for n in names}\n"
        "v['python'] = sys.version.split()[0]\n"
        "v['sqlite'] = sqlite3.sqlite_version\n"
        "print(json.dumps(v))\n"
    )
    found = json.loads(project.python("-c", code))
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
    found["wrk"] = wrk_version.split(" [")[0].strip()
    return found


def render(results: Results, growth, info, args) -> dict:
    m, v = info["machine"], info["versions"]
    load = info["load_before"]
    command = "make bench" + (
        f" (bench/run.py --duration {args.duration})" if args.duration != DURATION else ""
    )
    header = [
        f"Run {info['date']}, {info['seconds'] / 60:.1f} min, `{command}`.",
        "",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory_mb'] / 1024:.0f} GB RAM, "
        f"{m['os']}, Linux {m['kernel']}. Load average before the run {load[0]:.2f} "
        f"(1 min) / {load[1]:.2f} (5 min), after {info['load_after'][0]:.2f}"
        + (
            ": **other work was running**, the throughput figures are noisy."
            if load[0] > 0.5
            else "."
        ),
        f"- Python {v['python']}, Django {v['django']}, DRF {v['djangorestframework']}, "
        f"simplejwt {v['djangorestframework-simplejwt']}, PyJWT {v['pyjwt']}, gunicorn "
        f"{v['gunicorn']} ({WORKERS} sync workers, both apps), psycopg {v['psycopg']}, SQLite "
        f"{v['sqlite']}"
        + (f", PostgreSQL {info['postgresql']}" if info["postgresql"] else "")
        + (f", Redis as the cache (redis-py {v['redis']})" if info["redis"] else ", no Redis")
        + f"; {v['wrk']}.",
        f"- {results.bench.duration} s per run; at {HEADLINE_CONNECTIONS} connections, the "
        f"median of {HEADLINE_REPEATS} interleaved runs. `me` cycles through {ME_TOKENS} signed-in "
        "sessions; each refresh presents a fresh token signed in for beforehand; login uses "
        "each app's own default password hasher: the project's "
        f"{results.bench.login_hashers['project']}, the baseline's "
        f"{results.bench.login_hashers['baseline']}. queries: per "
        "request, counted in-process (`hc`: Django's connection health check, a `SELECT 1` "
        "on PostgreSQL, also per request). "
        "CPU µs/req: the gunicorn processes' CPU time per request.",
        "",
    ]
    body = header + results.table() + [""] + results.targets(growth)
    if growth:
        body += growth_lines(growth) + [""]
    body += profile_lines(results.bench, results.databases)
    body += ["The load generator's own CPU, and failed requests, per run:", ""]
    body += results.load_table() + [""]
    stdout = results.table() + [""] + results.targets(growth)
    if growth:
        stdout += growth_lines(growth) + [""]
    return {"markdown": body, "stdout": stdout}


BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def write_results(body: list[str]) -> None:
    """Replace what is between the markers of bench/RESULTS.md; the rest is hand-written."""
    path = BENCH / "RESULTS.md"
    text = path.read_text() if path.exists() else f"# Benchmark results\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text += f"\n{BEGIN}\n{END}\n"
    before, rest = text.split(BEGIN, 1)
    after = rest.split(END, 1)[1]
    path.write_text(before + BEGIN + "\n" + "\n".join(body) + "\n" + END + after)
    log(f"wrote {path.relative_to(ROOT)}")


# --- Main ---------------------------------------------------------------------------------------


def server_env(redis: bool) -> dict:
    """Production settings (`DJANGO_DEBUG=0`, fresh keys) over plain http on 127.0.0.1
    (`LOCAL_TRIAL=1`, clients connecting directly), with the per-address login rate out of the
    way (every sign-in comes from 127.0.0.1; none fails, so the failure limits stay as they are);
    the cache in Redis database REDIS_DB when `redis`."""
    return {
        "DJANGO_DEBUG": "0",
        "LOCAL_TRIAL": "1",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "JWT_SIGNING_KEY": secrets.token_urlsafe(50),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "COOKIE_SECURE": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WEB_ORIGIN": "http://localhost",
        "NUM_PROXIES": "0",
        "LOGIN_THROTTLE_RATE": "100000/min",
        "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}" if redis else "",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
    }


def add_overlay(backend: Path) -> None:
    """The benchmark's settings and URLs, next to the baked backend's own (bench/overlay/)."""
    for name in ("bench_settings.py", "bench_urls.py"):
        shutil.copy(BENCH / "overlay" / name, backend / name)


def bake(work: Path) -> Path:
    from cookiecutter.main import cookiecutter

    from template_copy import copy_template

    template = copy_template(work / "template")
    stdout = os.dup(1)
    os.dup2(2, 1)  # the hooks' "next steps" are not the benchmark's output
    try:
        project = Path(cookiecutter(str(template), no_input=True, output_dir=str(work)))
    finally:
        os.dup2(stdout, 1)
        os.close(stdout)
    shutil.rmtree(template)
    return project


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=DURATION, help="seconds per run")
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
        venv = backend / ".venv"  # the baseline runs on the same packages (the project's uv.lock)
        project = App("project", backend, "bench_settings", "config.wsgi", venv, dict(base_env))
        baseline = App(
            "baseline",
            work / "baseline",
            "baseline.settings",
            "baseline.wsgi",
            venv,
            dict(base_env),
        )
        if redis:
            redis_flush()
        tag = f"{os.getpid()}_{secrets.token_hex(2)}"
        dbs.append(Database("sqlite", work, tag))
        if reachable(5432):
            dbs.append(Database("postgresql", work, tag))
        measured = [db.name for db in dbs]
        bench = Bench(args, work, project, baseline, dbs)
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
            "versions": versions(project),
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
        h = results.headline(results.fastest())
        print(
            f"bench: me/ceiling={h['me/ceiling']:.2f} me/baseline={h['me/baseline']:.2f} "
            f"refresh/baseline={h['refresh/baseline']:.2f}"
        )
        return 0
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


if __name__ == "__main__":
    sys.exit(main())
