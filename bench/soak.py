"""`make soak`: many users signed in through load and faults; does anyone get signed out?

Bakes the default project and serves its backend with gunicorn (4 workers, `DJANGO_DEBUG=0`,
a 3-second access lifetime) on PostgreSQL (when it answers on 127.0.0.1:5432) and on SQLite.
200 simulated users, each a browser with 1-3 tabs sharing one cookie jar and one refresh lock
(as the web client's tabs share theirs), call `GET /api/auth/me/` and refresh when it says the
access token expired, the way the web client does. A few of them sign out and in again on
purpose. Meanwhile: the backend is killed (SIGKILL) and restarted; for two seconds the network
loses the backend's answers to refreshes (the tokens are rotated, the browsers never hear);
PostgreSQL is restarted; a lock is held on the sessions table for seconds (the database is
slow). Refreshes go through a relay (LossyRoute) that can lose answers; the rest goes direct.

Afterwards, from the clients' logs and the database: sign-outs nobody asked for, refresh tokens
that were rotated twice (successful refreshes presenting one token that handed out two
different successors), 5xx answers or failed connections outside the outage windows, sessions
revoked that their user did not end (signing out ends one, and so does signing in again from a
browser whose cookies still name it: the server revokes that older session on purpose).
Ends with exactly (one line)

    soak: requests=N refreshes=N users=N unexpected_logouts=N double_rotations=N
    server_errors_outside_outage=N

and exits non-zero unless the last three are 0. Only 127.0.0.1 is contacted; PostgreSQL is
restarted with pg_ctlcluster (root, Debian), the one thing here that touches the machine.
"""

import argparse
import base64
import contextlib
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bench.stack import App, Server, add_overlay, bake, reachable, server_env

USERS = 200
PASSWORD = "soak-password-not-secret"
ACCESS_LIFETIME = 3  # seconds
WORKERS = 4
OUTAGE_MARGIN = 2.0  # seconds after an outage during which errors still count as the outage
VOLUNTARY_LOGOUT_CHANCE = 0.002  # per request
STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Tally:
    requests: int = 0
    refreshes: int = 0
    unexpected_logouts: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (time, what)
    # presented refresh token -> the refresh tokens its 200s handed out (a retry within the
    # grace gets the same one again; two different ones would be a double rotation)
    successors: defaultdict = field(default_factory=lambda: defaultdict(set))
    outages: list = field(default_factory=list)  # (start, end) of each fault's outage
    # Session ids that ended with their user knowing: signed out of, counted as a logout, or
    # ended by a sign-in from the browser that still held it (the server ends that one).
    ended: set = field(default_factory=set)
    replaced: int = 0  # sessions named by the cookies a sign-in was sent with (which it ends)
    lost_sessions: int = 0  # revoked, but not by their user's sign-out
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, **counts) -> None:
        with self.lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)


class Browser:
    """One user's browser: a cookie jar and a refresh lock shared by its tabs."""

    def __init__(self, base: str, refresh_base: str, email: str, tally: Tally):
        self.base, self.refresh_base, self.email, self.tally = base, refresh_base, email, tally
        self.session = requests.Session()
        self.refresh_lock = threading.Lock()
        self.csrf = ""
        self.signed_in = False
        self.signing_out = False
        self.generation = 0  # sign-ins so far: a tab seeing it change knows another signed in
        self.rejection = ""
        self.lost_session = ""  # the session a failed refresh presented a token of

    def request(self, method: str, path: str, base: str = "", **kwargs):
        """One request; None when the server could not answer (an outage), after logging it."""
        self.tally.add(requests=1)
        try:
            url = f"{base or self.base}{path}"
            response = self.session.request(method, url, timeout=30, **kwargs)
        except requests.RequestException as error:
            self.tally.errors.append((time.monotonic(), f"{method} {path}: {type(error).__name__}"))
            return None
        if response.status_code >= 500:
            self.tally.errors.append((time.monotonic(), f"{method} {path}: {response.status_code}"))
            return None
        return response

    def held_sessions(self) -> set[str]:
        """The sessions the jar's token cookies name: what a logout or a sign-in from this
        browser ends."""
        tokens = (self.session.cookies.get(name) for name in ("access", "refresh"))
        return {session_id(token) for token in tokens if token}

    def sign_in(self) -> None:
        """Sign in, the cookies in the jar as they are. Callers hold the refresh lock (or no tab
        runs yet), so no other response changes the token cookies meanwhile."""
        while True:
            response = self.request("GET", "/api/auth/csrf/")
            if response is not None:
                self.csrf = response.json()["csrfToken"]
                # A session the jar still holds (the one whose refresh was refused) ends with
                # this sign-in, on purpose: the server revokes what the cookies name.
                held = self.held_sessions()
                with self.tally.lock:
                    self.tally.ended |= held
                body = {"email": self.email, "password": PASSWORD}
                headers = {"X-CSRFToken": self.csrf}
                response = self.request("POST", "/api/auth/login/", json=body, headers=headers)
                if response is not None and response.status_code == 200:
                    self.tally.add(replaced=len(held))
                    self.signed_in = True
                    self.generation += 1
                    return
            time.sleep(0.5)

    def refresh(self, seen_access: str | None) -> bool:
        """The web client's refresh: one at a time per browser; if another tab has already
        refreshed, use its cookies. False when the session is gone."""
        with self.refresh_lock:
            if self.session.cookies.get("access") != seen_access:
                return True  # another tab refreshed meanwhile
            presented = self.session.cookies.get("refresh")
            while True:
                self.tally.add(refreshes=1)
                headers = {"X-CSRFToken": self.csrf}
                response = self.request(
                    "POST", "/api/auth/refresh/", base=self.refresh_base, headers=headers
                )
                if response is None:
                    time.sleep(0.3)  # outage: try again, as the client does
                    continue
                if response.status_code == 200:
                    with self.tally.lock:
                        self.tally.successors[presented].add(self.session.cookies.get("refresh"))
                    return True
                code = response.json().get("code")
                if code == "token_rotated":  # a racing request rotated it; its cookies come
                    time.sleep(0.2)
                    if self.session.cookies.get("refresh") != presented:
                        return True
                    continue
                self.rejection = f"refresh {response.status_code} {code}"
                self.lost_session = session_id(presented)
                return False

    def tab(self, deadline: float, stop: threading.Event | None = None) -> None:
        """One tab until `deadline` (or until `stop` is set): `me` now and then, refreshing
        when it says the access token expired, now and then signing out and in again."""
        rng = random.Random()
        while time.monotonic() < deadline and not (stop and stop.is_set()):
            time.sleep(rng.uniform(0.3, 1.2))
            if not self.signed_in or self.signing_out:
                continue
            if rng.random() < VOLUNTARY_LOGOUT_CHANCE:
                self.sign_out_and_in()
                continue
            access, generation = self.session.cookies.get("access"), self.generation
            response = self.request("GET", "/api/auth/me/")
            if response is None or response.status_code == 200:
                continue
            if (
                response.status_code == 401
                and not self.signing_out
                and not self.refresh(access)
                and not self.signing_out
            ):
                self.signed_out(generation)

    def signed_out(self, generation: int) -> None:
        """A refresh was refused: the user is signed out, and signs in again, once for all the
        browser's tabs (as the web client sends them all to the login page)."""
        with self.refresh_lock:
            if self.generation != generation:
                return  # another tab has signed in again already
            since = time.monotonic() - STARTED
            self.tally.unexpected_logouts.append((self.email, f"{self.rejection} at {since:.1f}s"))
            with self.tally.lock:
                self.tally.ended.add(self.lost_session)  # counted here, not again as lost
            self.sign_in()

    def sign_out_and_in(self) -> None:
        with self.refresh_lock:
            self.signing_out = True
            with self.tally.lock:
                self.tally.ended |= self.held_sessions()
            self.request("POST", "/api/auth/logout/", headers={"X-CSRFToken": self.csrf})
            self.session.cookies.clear()
            self.signed_in = False
            self.sign_in()
            self.signing_out = False


def session_id(refresh_token: str | None) -> str:
    """The `sid` claim of a refresh token (the client may read its own cookie here)."""
    if not refresh_token:
        return ""
    payload = refresh_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sid"]


def is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


class LossyRoute:
    """The network between the browsers and the backend's refresh endpoint: a TCP relay that,
    while `dropping`, still delivers each request but drops the backend's answer and cuts the
    connection. The backend has done the work (rotated the token); the browser never hears."""

    def __init__(self, backend_port: int):
        self.backend_port = backend_port
        self.dropping = False
        self.dropped = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self.relay, args=(client,), daemon=True).start()

    def relay(self, client: socket.socket) -> None:
        try:
            backend = socket.create_connection(("127.0.0.1", self.backend_port))
        except OSError:
            client.close()  # the backend is down: so is the route
            return
        threading.Thread(target=self.pump, args=(client, backend, False), daemon=True).start()
        self.pump(backend, client, True)

    def pump(self, source: socket.socket, sink: socket.socket, answers: bool) -> None:
        try:
            while data := source.recv(65536):
                if answers and self.dropping:
                    self.dropped += 1
                    break
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def close(self) -> None:
        self.listener.close()


class Faults:
    """The faults, on a schedule, and the windows during which the service was out."""

    def __init__(self, backend: Server, route: LossyRoute, database: str, db_url: str):
        self.backend, self.route, self.database, self.db_url = backend, route, database, db_url
        self.outages: list[tuple[float, float]] = []

    def outage(self, action) -> None:
        started = time.monotonic()
        action()
        self.outages.append((started, time.monotonic() + OUTAGE_MARGIN))
        log(f"  outage {started - STARTED:.1f}s to {time.monotonic() - STARTED:.1f}s")

    def kill_backend(self) -> None:
        log("fault: backend killed (SIGKILL), restarting")

        def restart():
            self.backend.kill()
            self.backend.start()

        self.outage(restart)

    def drop_answers(self, seconds: float = 2) -> None:
        log(f"fault: refresh answers lost for {seconds} s (rotated, but the browser never hears)")

        def drop():
            self.route.dropping = True
            time.sleep(seconds)
            self.route.dropping = False

        self.outage(drop)

    def restart_postgres(self) -> None:
        log("fault: PostgreSQL restarted")
        version = next(Path("/etc/postgresql").iterdir()).name
        self.outage(
            lambda: subprocess.run(["pg_ctlcluster", version, "main", "restart"], check=True)
        )

    def slow_database(self, seconds: float = 3) -> None:
        log(f"fault: sessions table locked for {seconds} s")
        if self.database == "postgresql":
            sql = (
                "BEGIN; LOCK TABLE accounts_devicesession IN ACCESS EXCLUSIVE MODE; "
                f"SELECT pg_sleep({seconds}); COMMIT;"
            )
            command = ["psql", self.db_url, "-q", "-c", sql]
        else:
            path = self.db_url.removeprefix("sqlite:///")
            script = (
                f"import sqlite3, time; c = sqlite3.connect({path!r}, isolation_level=None); "
                f"c.execute('BEGIN IMMEDIATE'); time.sleep({seconds}); c.execute('COMMIT')"
            )
            command = [sys.executable, "-c", script]
        self.outage(lambda: subprocess.run(command, check=True, capture_output=True))


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)


def create_users(app: App, prefix: str, count: int) -> None:
    """`<prefix><i>@example.com` for i < count, all with PASSWORD."""
    app.manage(
        "shell",
        "-c",
        "from accounts.models import User\n"
        f"for i in range({count}):\n"
        f"    User.objects.create_user(email=f'{prefix}{{i}}@example.com', password={PASSWORD!r})",
    )


def revoked_sessions(app: App, prefix: str) -> set[str]:
    """The ids of the revoked sessions of the users whose email starts with `prefix`."""
    output = app.manage(
        "shell",
        "-c",
        "from accounts.models import DeviceSession\n"
        f"sessions = DeviceSession.objects.filter(user__email__startswith={prefix!r})\n"
        "for pk in sessions.filter(revoked_at__isnull=False).values_list('pk'):\n"
        "    print(pk[0])",
    )
    return {word for word in output.split() if is_uuid(word)}


def start_tabs(browsers: list[Browser], deadline: float, stop=None) -> list[threading.Thread]:
    """Each browser's 1-3 tabs, each in a thread of its own."""
    tabs = [
        threading.Thread(target=browser.tab, args=(deadline, stop), daemon=True)
        for browser in browsers
        for _ in range(random.randint(1, 3))
    ]
    for thread in tabs:
        thread.start()
    return tabs


def outside(errors: list, outages: list) -> list:
    """The (time, what) errors that happened outside every (start, end) outage window."""
    return [
        (at, what) for at, what in errors if not any(start <= at <= end for start, end in outages)
    ]


def double_rotations(tally: Tally) -> int:
    """Presented refresh tokens whose successful refreshes handed out different successors."""
    return sum(1 for successors in tally.successors.values() if len(successors) > 1)


def soak(backend_dir: Path, work: Path, database: str, duration: float, tally: Tally) -> None:
    name = f"bench_soak_{os.getpid()}"
    if database == "postgresql":
        psql("CREATE DATABASE " + name)
        db_url = f"postgres://postgres@127.0.0.1:5432/{name}"
    else:
        db_url = f"sqlite:///{work / 'soak.sqlite3'}"
    app = App(
        "project",
        backend_dir,
        "bench_settings",
        "config.wsgi",
        backend_dir / ".venv",
        {
            **server_env(redis=False),
            "BENCH_FAST_HASHER": "1",  # what is soaked is the auth, not the hasher
            "JWT_ACCESS_TOKEN_LIFETIME": str(ACCESS_LIFETIME),
            "DATABASE_URL": db_url,
        },
    )
    backend = Server(app, work, workers=WORKERS)
    route = LossyRoute(backend.port)
    replaced_before = tally.replaced
    try:
        app.manage("migrate", "--noinput")
        create_users(app, "soak", USERS)
        backend.start()
        base_url = f"http://127.0.0.1:{backend.port}"
        refresh_url = f"http://127.0.0.1:{route.port}"
        browsers = [
            Browser(base_url, refresh_url, f"soak{i}@example.com", tally) for i in range(USERS)
        ]
        for browser in browsers:
            browser.sign_in()
        log(f"{database}: {USERS} users signed in; soaking for {duration:.0f} s")
        deadline = time.monotonic() + duration
        tabs = start_tabs(browsers, deadline)
        faults = Faults(backend, route, database, db_url)
        schedule = [faults.kill_backend, faults.drop_answers, faults.slow_database]
        if database == "postgresql":
            schedule.insert(1, faults.restart_postgres)
        started, step = deadline - duration, duration / (len(schedule) + 1)
        for number, fault in enumerate(schedule, 1):
            time.sleep(max(0.0, started + step * number - time.monotonic()))
            fault()
        for thread in tabs:
            thread.join(timeout=max(0.0, deadline - time.monotonic()) + 60)
        tally.outages += faults.outages
        revoked = revoked_sessions(app, "soak")
        lost = revoked - tally.ended
        log(
            f"{database}: {len(revoked)} sessions revoked, {len(lost)} not by their user; "
            f"{tally.replaced - replaced_before} signed in over by their browser"
        )
        # Refreshes whose answer was lost, retried and answered with the same successor
        # (accounts/rotation.py logs each, as a security event): each would have signed its
        # user out otherwise.
        again = backend.log_path.read_text().count("event=refresh_grace_replay ")
        log(
            f"{database}: {route.dropped} refresh answers lost; {again} times a rotated token "
            "presented again got its successor again"
        )
        tally.add(lost_sessions=len(lost))
    finally:
        route.close()
        backend.kill()
        if database == "postgresql":
            psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--duration", type=float, default=90, help="seconds per database")
    parser.add_argument("--database", choices=["postgresql", "sqlite"], action="append")
    args = parser.parse_args()
    databases = args.database or (["postgresql"] if reachable(5432) else []) + ["sqlite"]
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        work = Path(tmp)
        project = bake(work)
        uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
        subprocess.run([uv, "sync", "--locked", "--quiet"], cwd=project / "backend", check=True)
        add_overlay(project / "backend")
        for database in databases:
            soak(project / "backend", work, database, args.duration, tally)
    errors = outside(tally.errors, tally.outages)
    doubles = double_rotations(tally)
    for email, why in tally.unexpected_logouts[:10]:
        log(f"unexpected logout: {email}: {why}")
    if tally.lost_sessions:
        log(f"{tally.lost_sessions} session(s) revoked that no user ended")
    unexpected = len(tally.unexpected_logouts) + tally.lost_sessions
    for _, what in errors[:10]:
        log(f"server error outside the outages: {what}")
    print(
        f"soak: requests={tally.requests} refreshes={tally.refreshes} users={USERS} "
        f"unexpected_logouts={unexpected} double_rotations={doubles} "
        f"server_errors_outside_outage={len(errors)}"
    )
    return 1 if unexpected or doubles or errors else 0


if __name__ == "__main__":
    sys.exit(main())
