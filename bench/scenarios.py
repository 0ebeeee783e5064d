"""The measured scenarios, the apps side by side on one database: `me` (Bearer, cookie, the
ceiling), refresh with rotation, login at each concurrency for the project and the baseline;
`me` with the cookie and refresh with the refresh cookie for the dj-rest-auth baseline, at
HEADLINE_CONNECTIONS only; then, for the project alone, growth (latency with up to 1 M rows per
table) and the housekeeping commands."""

import json
import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from bench import log
from bench.load import Run, median, raw_request, write_requests, wrk
from bench.stack import App, Database, Server

CONNECTIONS = (1, 16, 64)
HEADLINE_CONNECTIONS = 16
# The headline runs (16 connections) are repeated, interleaved, and the median kept: on a
# shared 2-core machine one run can be a few percent off either way.
HEADLINE_REPEATS = 3
ME_TOKENS = 64  # distinct signed-in sessions the `me` runs cycle through
GROWTH_SIZES = (10_000, 100_000, 1_000_000)
CALIBRATION_TOKENS = 800
TOKEN_MARGIN = 1.35  # refresh tokens prepared per expected request


def in_parallel(*calls):
    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(call) for call in calls]
        return [f.result() for f in futures]


class Bench:
    """The apps, one database after the other: the runs (rows), and what the report needs
    besides them (query counts, profiles, the login users' hashers)."""

    def __init__(
        self, duration: int, work: Path, project: App, baseline: App, djrestauth: App, dbs: list
    ):
        self.duration, self.work, self.project, self.baseline = duration, work, project, baseline
        self.djrestauth = djrestauth
        self.dbs = dbs  # every Database created, so that main() drops them all
        self.rows = []  # (db, scenario, connections, app name, Run)
        self.queries = {}  # (db, app name) -> helper output
        self.profiles = {}  # db -> in-process profiles
        self.login_hashers = {}  # app name -> "algorithm (parameters)" of its login user
        self.prep_offset = {}

    def apps(self):
        """The apps measured in every scenario at every concurrency."""
        return (self.project, self.baseline)

    def all_apps(self):
        return (self.project, self.baseline, self.djrestauth)

    def app(self, name: str) -> App:
        return next(app for app in self.all_apps() if app.name == name)

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
        self.setup_database(db, self.all_apps())
        me_pairs = in_parallel(*[lambda a=app: self.prep(a, ME_TOKENS) for app in self.all_apps()])
        me_tokens = dict(zip([app.name for app in self.all_apps()], me_pairs, strict=True))
        # In-process measurements, before any server runs: queries per request, and where
        # the time of `me` and of a refresh goes.
        # (The profiles are timed: at most one process per core.)
        queries_p, queries_b, queries_d = in_parallel(
            lambda: self.project.helper("queries"),
            lambda: self.baseline.helper("queries"),
            lambda: self.djrestauth.helper("queries"),
        )
        refresh_p, refresh_b = in_parallel(
            lambda: self.project.helper("refresh-profile", "--count", "300"),
            lambda: self.baseline.helper("refresh-profile", "--count", "300"),
        )
        profile = self.project.helper("profile", "--count", "1500")
        self.queries[(db.name, "project")] = queries_p
        self.queries[(db.name, "baseline")] = queries_b
        self.queries[(db.name, "djrestauth")] = queries_d
        self.profiles[db.name] = {
            "me": profile,
            "refresh": {"project": refresh_p, "baseline": refresh_b},
        }
        servers = {app.name: Server(app, self.work).start() for app in self.all_apps()}
        try:
            self.me_runs(db, servers, me_tokens)
            self.refresh_runs(db, servers)
            self.login_runs(db, servers)
        finally:
            for server in servers.values():
                server.stop()

    def me_runs(self, db, servers, pairs) -> None:
        """`pairs`: each app's signed-in (access, refresh) pairs."""
        project = servers["project"]
        tokens = {name: [p[0] for p in app_pairs] for name, app_pairs in pairs.items()}
        files = {}
        for name in ("project", "baseline"):
            bearer = [f"Authorization: Bearer {t}" for t in tokens[name]]
            files[(name, "me_bearer")] = [
                raw_request("GET", "/api/auth/me/", servers[name].port, [h]) for h in bearer
            ]
        files[("project", "ceiling")] = [
            raw_request("GET", "/api/bench/me/", project.port, [h])
            for h in (f"Authorization: Bearer {t}" for t in tokens["project"])
        ]
        files[("project", "me_cookie")] = [
            raw_request("GET", "/api/auth/me/", project.port, [f"Cookie: access={t}"])
            for t in tokens["project"]
        ]
        # dj-rest-auth's refresh cookie has the path "/": a browser sends both cookies.
        files[("djrestauth", "me_cookie")] = [
            raw_request(
                "GET",
                "/dj-rest-auth/user/",
                servers["djrestauth"].port,
                [f"Cookie: access={access}; refresh={refresh}"],
            )
            for access, refresh in pairs["djrestauth"]
        ]
        paths = {
            key: write_requests(self.work / f"{db.name}-{key[0]}-{key[1]}.req", reqs)
            for key, reqs in files.items()
        }
        log(f"{db.name}: warm-up")
        for name, scenario in (
            ("project", "me_bearer"),
            ("baseline", "me_bearer"),
            ("djrestauth", "me_cookie"),
        ):
            wrk(servers[name], paths[(name, scenario)], "cycle", 16, duration=1)
        for connections in CONNECTIONS:
            order = [
                ("project", "ceiling"),
                ("project", "me_bearer"),
                ("baseline", "me_bearer"),
                ("project", "me_cookie"),
            ]
            repeats = 1
            if connections == HEADLINE_CONNECTIONS:
                order.append(("djrestauth", "me_cookie"))
                repeats = HEADLINE_REPEATS
            runs = {key: [] for key in order}
            for _ in range(repeats):
                for name, scenario in order:
                    run = wrk(
                        servers[name], paths[(name, scenario)], "cycle", connections, self.duration
                    )
                    runs[(name, scenario)].append(run)
            for (name, scenario), measured in runs.items():
                self.record(db, scenario, connections, self.app(name), median(measured))

    def refresh_runs(self, db, servers) -> None:
        """Each request presents a fresh refresh token, signed in for beforehand. How many a
        run needs comes from a one-second calibration run at 16 connections (the busiest any
        run gets) and, after each run, from that run's rate; a run that still runs out is
        done again with more."""
        estimate = {}
        for app in self.all_apps():
            pairs = self.prep(app, CALIBRATION_TOKENS)
            path = self._refresh_file(db, app, servers[app.name], pairs, "calibration")
            run = wrk(servers[app.name], path, "once", HEADLINE_CONNECTIONS, duration=1)
            estimate[app.name] = max(run.rps, 50.0)
        for connections in CONNECTIONS:
            apps = self.apps()
            repeats = 1
            if connections == HEADLINE_CONNECTIONS:
                apps, repeats = self.all_apps(), HEADLINE_REPEATS
            measured = {app.name: [] for app in apps}
            for _ in range(repeats):
                rounds = self._refresh_round(db, servers, apps, connections, estimate)
                for name, run in rounds.items():
                    measured[name].append(run)
            for app in apps:
                run = median(measured[app.name])
                self.record(db, "refresh", connections, app, run)
                estimate[app.name] = max(estimate[app.name], run.rps)

    def _refresh_round(self, db, servers, apps, connections, estimate) -> dict:
        """One refresh run of each app; an app that runs out of tokens runs again with more
        (only that one: the others' runs stand)."""
        needs = {
            app.name: int(estimate[app.name] * self.duration * TOKEN_MARGIN) + 50 for app in apps
        }
        runs = {}
        for _attempt in range(3):
            todo = [app for app in apps if app.name not in runs]
            tokens = in_parallel(
                *[lambda a=app, n=needs[app.name]: self.prep(a, n) for app in todo]
            )
            for app, pairs in zip(todo, tokens, strict=True):
                path = self._refresh_file(db, app, servers[app.name], pairs, str(connections))
                run = wrk(servers[app.name], path, "once", connections, self.duration)
                if not run.exhausted:
                    runs[app.name] = run
            short = [app.name for app in apps if app.name not in runs]
            if not short:
                return runs
            log(f"  refresh tokens ran out ({', '.join(short)}): again with more")
            # Throughput can jump when other work on the machine stops: grow generously.
            needs = {name: int(n * 2) for name, n in needs.items()}
        raise RuntimeError(f"refresh tokens ran out three times ({', '.join(short)})")

    def _refresh_file(self, db, app, server, pairs, label) -> Path:
        if app.name == "djrestauth":
            # As a browser sends it: no body, both cookies (the refresh cookie's path is "/").
            requests = [
                raw_request(
                    "POST",
                    "/dj-rest-auth/token/refresh/",
                    server.port,
                    [f"Cookie: access={access}; refresh={refresh}"],
                )
                for access, refresh in pairs
            ]
        else:
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
                me_run = wrk(server, me_path, "cycle", 1, self.duration)
                need = int(estimate * self.duration * TOKEN_MARGIN) + 50
                for _attempt in range(3):
                    pairs = self.prep(app, need)
                    path = self._refresh_file(gdb, app, server, pairs, f"growth-{size}")
                    refresh_run = wrk(server, path, "once", 1, self.duration)
                    if not refresh_run.exhausted:
                        break
                    log("  refresh tokens ran out: again with more")
                    need *= 2  # throughput can jump when other work on the machine stops
                else:
                    raise RuntimeError("growth: refresh tokens ran out three times")
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
