"""`make scale`: the baked project scaled out behind a real reverse proxy, through faults.

Bakes the default project and starts, all on 127.0.0.1: three API replicas (gunicorn, 2 workers
each, `DJANGO_DEBUG=0`, a 3-second access lifetime, `NUM_PROXIES=1`) on a fresh PostgreSQL
database and a Redis of their own, two servers of the web client's production build (Next.js's
standalone server), and nginx in front: one origin, `/api/`, `/admin/` and `/static/` to the
replicas (round robin), the rest to the web servers (bench/scale/nginx.conf).

Through the proxy, the soak's simulated browsers (bench/soak.py: users with 1-3 tabs calling
`me`, refreshing when the access token expires, now and then signing out and in) and a few page
loads. Meanwhile (bench/scale_probes.py):
- revocation latency: a session ended on one replica (logout; a few device sessions revoked and
  password changes), its access token asked for on the two others until they refuse it;
- refresh races: one refresh token sent by 3-6 threads at once, spread over the replicas by the
  proxy; more than one successor is a double rotation;
- a rolling restart (each replica in turn drained from the proxy, stopped with SIGTERM, started
  again and back in once /api/health/ says 200), one replica killed (SIGKILL) and restarted,
  Redis stopped for a few seconds and started again (empty).

Errors in the seconds after the kill and while Redis is down are outages (counted apart); any
other 5xx or failed connection counts. Ends with exactly (one line)

    scale: replicas=3 requests=N unexpected_logouts=N double_rotations=N
    server_errors_outside_outage=N revocation_p99_ms=N

and exits non-zero unless the three counts are 0 and revocation_p99_ms <= 100.
"""

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from bench import STARTED, log
from bench.scale_probes import Revocations, load_pages, percentile, refresh_race
from bench.scale_stack import Proxy, Redis, Replica, web_build, web_server
from bench.soak import (
    Browser,
    Tally,
    create_users,
    double_rotations,
    outside,
    psql,
    revoked_sessions,
    start_tabs,
)
from bench.stack import add_overlay, bake, server_env
from processes import free_port

REPLICAS = 3
WORKERS = 2  # per replica
WEB_SERVERS = 2
USERS = 25
ACCESS_LIFETIME = 3  # seconds
PROXY_PORT = 18480  # fixed, so that the web build (which inlines the origin) can be reused
OUTAGE_MARGIN = 2.0  # seconds after a fault during which errors still count as its outage
REDIS_DOWN = 4.0  # seconds
TARGET_MS = 100
PROBE_USERS = 20
PROBES = "5 device sessions revoked, 2 password changes, 10 refresh races"


class Run:
    """The stack once started, the tally, and the windows of the faults."""

    def __init__(self, origin, replicas, redis, proxy, tally):
        self.origin, self.replicas, self.redis, self.proxy = origin, replicas, redis, proxy
        self.tally = tally
        self.revocations = Revocations(tally, [replica.url for replica in replicas])
        self.races = {"double": 0, "none": 0, "spread": Counter()}
        self.kill_window = self.redis_window = (0.0, 0.0)

    def probes(self, logouts: int, revokes: int, passwords: int, races: int) -> None:
        kinds = [("logout", "probe", logouts), ("session", "device", revokes)]
        kinds.append(("password", "password", passwords))
        for kind, prefix, count in kinds:
            for i in range(count):
                email = f"{prefix}{i % PROBE_USERS}@example.com"
                self.revocations.take(kind, i % REPLICAS, email)
        for i in range(races):
            email = f"race{i % PROBE_USERS}@example.com"
            senders = 3 + i % 4
            successors, upstreams, statuses = refresh_race(self.tally, self.origin, email, senders)
            self.races["spread"][len(upstreams)] += 1
            if len(successors) > 1:
                self.races["double"] += 1
                log(f"refresh race: {len(successors)} successors ({statuses}, via {upstreams})")
            elif not successors:
                self.races["none"] += 1
                log(f"refresh race: no successor ({statuses}, via {upstreams})")

    def rolling_restart(self) -> None:
        for replica in self.replicas:
            log(f"rolling restart: api{replica.number} drained, stopped (SIGTERM), started")
            # Out of the proxy's rotation first: a SIGTERM alone resets the connections still
            # waiting in the replica's listen queue, and nginx may not send a POST again.
            self.proxy.drain(replica.port)
            replica.stop()
            replica.start()
            self.proxy.drain(replica.port, drained=False)

    def kill_one(self) -> None:
        replica = self.replicas[1]
        log(f"fault: api{replica.number} killed (SIGKILL), then started again")
        started = time.monotonic()
        replica.kill()
        self.kill_window = (started, time.monotonic() + OUTAGE_MARGIN)
        replica.start()

    def restart_redis(self) -> None:
        log(f"fault: Redis stopped for {REDIS_DOWN:.0f} s, then started again (empty)")
        started = time.monotonic()
        self.redis.stop()
        time.sleep(REDIS_DOWN)
        self.redis.start()
        self.redis_window = (started, time.monotonic() + OUTAGE_MARGIN)


def drive(run: Run, users: int, samples: int) -> None:
    tally = run.tally
    emails = [f"soak{i}@example.com" for i in range(users)]
    browsers = [Browser(run.origin, run.origin, email, tally) for email in emails]
    for browser in browsers:
        browser.sign_in()
    stop, odd_pages = threading.Event(), []
    tabs = start_tabs(browsers, time.monotonic() + 3600, stop)
    pages = threading.Thread(
        target=load_pages, args=(tally, run.origin, stop, odd_pages), daemon=True
    )
    pages.start()
    log(f"{users} users signed in, their tabs running; page loads every 2 s")
    try:
        conduct(run, samples)
    finally:
        stop.set()  # also on Ctrl-C: no more requests while the servers stop
    for thread in [*tabs, pages]:
        thread.join(timeout=60)
    for what in odd_pages[:5]:
        log(f"page load not 200: {what}")


def conduct(run: Run, samples: int) -> None:
    """The probes, the faults between them."""
    time.sleep(10)
    half = samples // 2
    log(f"probes: {half} logouts, {PROBES}")
    run.probes(half, 5, 2, 10)
    run.rolling_restart()
    time.sleep(5)
    run.kill_one()
    time.sleep(5)
    run.restart_redis()
    time.sleep(5)
    log(f"probes: {samples - half} logouts, {PROBES}")
    run.probes(samples - half, 5, 2, 10)
    time.sleep(5)


def replica_spread(access_log: Path) -> str:
    """Requests per replica, and how many nginx passed on to another one, from its log."""
    per_replica, retried = Counter(), 0
    for line in access_log.read_text().splitlines():
        fields = line.split(" ", 4)
        if len(fields) == 5 and fields[2].startswith(("/api/", "/admin/", "/static/")):
            upstreams = fields[4].split(" ", 1)[0].rstrip(",")
            retried += "," in fields[4]
            per_replica[upstreams.rsplit(":", 1)[-1]] += 1
    spread = ", ".join(f":{port} {count}" for port, count in sorted(per_replica.items()))
    return f"{spread}; {retried} passed on to another replica"


def tracebacks(logs: list[Path]) -> int:
    """Tracebacks in the replicas' logs, but for the mails not sent (there is no mail server
    here, on purpose); the first one shown."""
    count = 0
    for path in logs:
        lines = path.read_text(errors="replace").splitlines() if path.exists() else []
        starts = [
            n
            for n, line in enumerate(lines)
            if line.startswith("Traceback (most recent") and "not sent" not in lines[n - 1]
        ]
        if starts and not count:
            first = lines[max(0, starts[0] - 2) : starts[0] + 40]
            log(f"the first traceback, in {path.name}:\n" + "\n".join(first))
        count += len(starts)
    return count


def figures(seconds: list[float]) -> str:
    if not seconds:
        return "no samples"
    p50, p99 = percentile(seconds, 0.5) * 1000, percentile(seconds, 0.99) * 1000
    top = max(seconds) * 1000
    return f"{len(seconds)} samples, p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {top:.1f} ms"


def report(run: Run, work: Path) -> int:
    tally = run.tally
    start, end = run.redis_window
    in_redis = [what for at, what in tally.errors if start <= at <= end]
    start, end = run.kill_window
    in_kill = [what for at, what in tally.errors if start <= at <= end]
    errors = outside(tally.errors, [run.kill_window, run.redis_window])
    lost = revoked_sessions(run.replicas[0].server.app, "soak") - tally.ended
    unexpected = len(tally.unexpected_logouts) + len(lost) + run.races["none"]
    doubles = double_rotations(tally) + run.races["double"]
    revocations = run.revocations
    latencies = [value for values in revocations.latencies.values() for value in values]
    p99_ms = round(percentile(latencies, 0.99) * 1000) if latencies else 10**6

    log(f"requests per replica (nginx): {replica_spread(work / 'nginx-access.log')}")
    spread = ", ".join(f"{n} replica(s): {k}" for n, k in sorted(run.races["spread"].items()))
    log(f"refresh races answered by {spread}")
    for kind, values in revocations.latencies.items():
        log(f"revocation latency, {kind}: {figures(values)}")
    log(f"`me` on those replicas just before each revocation: {figures(revocations.round_trips)}")
    refused, total = revocations.first_refused, len(latencies)
    log(f"refused at the first request after the revocation: {refused} of {total}")
    windows = ", ".join(
        f"{name} {start - STARTED:.1f}-{end - STARTED:.1f}s"
        for name, (start, end) in (("kill", run.kill_window), ("Redis", run.redis_window))
    )
    redis_5xx = sum(": 5" in what for what in in_redis)
    log(f"outages: {windows}; errors after the kill: {len(in_kill)}")
    log(f"errors while Redis was down: {len(in_redis)}, {redis_5xx} of them 5xx answers")
    for what in in_redis[:5]:
        log(f"  while Redis was down: {what}")
    errors = [(at, f"{what} at {at - STARTED:.1f}s") for at, what in errors]
    for email, why in tally.unexpected_logouts[:10]:
        log(f"unexpected logout: {email}: {why}")
    if lost:
        log(f"{len(lost)} session(s) revoked that no user ended")
    for _, what in errors[:10]:
        log(f"server error outside the outages: {what}")
    logs = [replica.server.log_path for replica in run.replicas]
    log(f"tracebacks in the replicas' logs: {tracebacks(logs)}")
    for failure in revocations.failures[:5]:
        log(f"probe failed: {failure}")
    print(
        f"scale: replicas={REPLICAS} requests={tally.requests} unexpected_logouts={unexpected} "
        f"double_rotations={doubles} server_errors_outside_outage={len(errors)} "
        f"revocation_p99_ms={p99_ms}"
    )
    failed = unexpected or doubles or errors or revocations.failures or p99_ms > TARGET_MS
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.scale", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--samples", type=int, default=200, help="logouts measured")
    parser.add_argument("--port", type=int, default=PROXY_PORT, help="the proxy's")
    parser.add_argument("--logs", type=Path, help="copy the servers' logs into this folder")
    args = parser.parse_args()
    # `kill` (SIGTERM) as Ctrl-C: the cleanup below runs either way.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="scale-") as tmp, contextlib.ExitStack() as cleanup:
        work = Path(tmp)
        log("baking the default answers")
        project = bake(work)
        backend = project / "backend"
        uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
        subprocess.run([uv, "sync", "--locked", "--quiet"], cwd=backend, check=True)
        add_overlay(backend)
        origin = f"http://127.0.0.1:{args.port}"
        build = web_build(project / "web", origin)

        database = f"scale_{os.getpid()}"
        psql(f"CREATE DATABASE {database}")
        cleanup.callback(psql, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        redis = Redis(free_port(), work)
        redis.start()
        cleanup.callback(redis.stop)
        env = {
            **server_env(redis=False),
            "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
            "NUM_PROXIES": "1",
            "WEB_ORIGIN": origin,
            "BENCH_FAST_HASHER": "1",  # what is measured is the auth, not the hasher
            "JWT_ACCESS_TOKEN_LIFETIME": str(ACCESS_LIFETIME),
        }
        replicas = [Replica(n, backend, env, work, WORKERS) for n in range(1, REPLICAS + 1)]
        app = replicas[0].server.app
        log("migrating, collecting the static files, creating the users")
        app.manage("migrate", "--noinput")
        app.manage("collectstatic", "--noinput")
        create_users(app, "soak", args.users)
        for prefix in ("probe", "device", "password", "race"):
            create_users(app, prefix, PROBE_USERS)
        for replica in replicas:
            cleanup.callback(replica.kill)
            replica.start()
        web_ports = [free_port() for _ in range(WEB_SERVERS)]
        for number, port in enumerate(web_ports, 1):
            cleanup.callback(web_server(build, port, work, number).stop)
        proxy = Proxy(args.port, work, [replica.port for replica in replicas], web_ports)
        proxy.start()
        cleanup.callback(proxy.stop)
        log(f"{REPLICAS} API replicas, {WEB_SERVERS} web servers, nginx on {origin}")

        if args.logs:
            cleanup.callback(copy_logs, work, args.logs)
        run = Run(origin, replicas, redis, proxy, Tally())
        drive(run, args.users, args.samples)
        return report(run, work)


def copy_logs(work: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for path in work.glob("*.log"):
        shutil.copy(path, folder / path.name)


if __name__ == "__main__":
    sys.exit(main())
