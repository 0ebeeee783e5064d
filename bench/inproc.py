"""The benchmark's in-process helper: stack.py starts it with a project's own interpreter.

    cd <project> && DJANGO_SETTINGS_MODULE=... <venv>/bin/python inproc.py COMMAND [options]

`--flavor project` is the baked template (email sign-in, device sessions), `--flavor baseline`
the seeds' setup in bench/baseline (username sign-in), `--flavor djrestauth` dj-rest-auth's
cookie JWT setup in bench/djrestauth (username sign-in at /dj-rest-auth/login/, the tokens in
cookies). Every command prints one JSON document.

  users     the benchmark's users: prep users with a cheap hash (BENCH_FAST_HASHER=1), one
            sign-in user with the app's own default hasher (the project's Argon2, the
            baseline's PBKDF2: Django's default)
  prep      sign in N times through the API (Django's test client, cheap hash) and print the
            N (access, refresh) pairs: the load scripts' tokens
  queries   database queries of one request of each scenario (CaptureQueriesContext), plus
            Django's connection health checks, which it does not see
  profile   cProfile of the authenticated `me` against the unauthenticated ceiling, in-process
  refresh-profile  CPU and time inside transactions per refresh, and a cProfile of it
  grow      fill the token and session tables up to N rows each (expired rows)
  explain   the query plans of the lookups on the hot paths
  pg        create or drop a PostgreSQL database (the benchmark's own)
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from datetime import timedelta

PREP_PASSWORD = "bench-prep-password"  # noqa: S105
LOGIN_PASSWORD = "bench-login-password"  # noqa: S105
FILLER_USERS = 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command")
    parser.add_argument(
        "--flavor", choices=["project", "baseline", "djrestauth"], default="project"
    )
    parser.add_argument("--prep-users", type=int, default=64)
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--offset", type=int, default=0)
    parser.add_argument("--url", default="")
    parser.add_argument("--action", choices=["create", "drop"], default="create")
    args = parser.parse_args()
    if args.command == "pg":
        print(json.dumps(pg_database(args.url, args.action)))
        return
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()
    result = globals()[f"cmd_{args.command.replace('-', '_')}"](args)
    print(json.dumps(result))


# --- Users and tokens ---------------------------------------------------------------------------


def ident_field(flavor: str) -> str:
    return "email" if flavor == "project" else "username"


def prep_ident(flavor: str, i: int) -> str:
    return f"prep{i}@bench.invalid" if flavor == "project" else f"prep{i}"


def login_ident(flavor: str) -> str:
    return "login@bench.invalid" if flavor == "project" else "login"


def cmd_users(args) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import get_hasher, get_hashers, make_password

    user_model = get_user_model()
    fast = get_hasher("default")
    assert fast.algorithm == "md5", "run `users` with BENCH_FAST_HASHER=1"
    # The app's own default hasher, which the fast-hasher settings keep right behind MD5: the
    # measured server would rehash a password made with any other at its first sign-in, and the
    # login runs would measure a mix of the two.
    login_hasher = get_hashers()[1]
    users = []
    for i in range(args.prep_users):
        users.append(user_fields(args.flavor, prep_ident(args.flavor, i), i))
        users[-1]["password"] = make_password(PREP_PASSWORD, hasher=fast)
    users.append(user_fields(args.flavor, login_ident(args.flavor), 0))
    login_hash = make_password(LOGIN_PASSWORD, hasher=login_hasher)
    assert not login_hasher.must_update(login_hash)
    users[-1]["password"] = login_hash
    user_model.objects.bulk_create([user_model(**fields) for fields in users])
    return {
        "users": len(users),
        "login_hasher": login_hasher.algorithm,
        "login_hasher_parameters": hasher_parameters(login_hasher.decode(login_hash)),
    }


def hasher_parameters(decoded: dict) -> str:
    """A hash's cost parameters, in words: "1,000,000 iterations" for PBKDF2, "argon2id, time
    cost 2, 100 MiB, parallelism 8" for Argon2, name=value for any other hasher."""
    if "iterations" in decoded:
        return f"{decoded['iterations']:,} iterations"
    if decoded["algorithm"] == "argon2":
        return (
            f"{decoded['variety']}, time cost {decoded['time_cost']}, "
            f"{decoded['memory_cost'] / 1024:g} MiB, parallelism {decoded['parallelism']}"
        )
    hidden = {"algorithm", "hash", "salt", "params"}
    return ", ".join(f"{k}={v}" for k, v in sorted(decoded.items()) if k not in hidden)


def user_fields(flavor: str, ident: str, i: int) -> dict:
    if flavor == "project":
        return {"email": ident, "name": f"Bench User {i}"}
    return {"username": ident, "email": f"{ident}@bench.invalid", "first_name": f"Bench {i}"}


def sign_in_pair(client, flavor: str, ident: str) -> list:
    """One sign-in through the app's API: its (access, refresh) pair. dj-rest-auth, with
    JWT_AUTH_HTTPONLY, hands the refresh token over in its cookie only."""
    if flavor == "djrestauth":
        client.cookies.clear()  # each sign-in a new browser
        body = {"username": ident, "password": PREP_PASSWORD}
        response = client.post("/dj-rest-auth/login/", body, content_type="application/json")
        assert response.status_code == 200, response.content
        assert not response.json().get("refresh"), "the refresh token should be in a cookie only"
        return [response.cookies["access"].value, response.cookies["refresh"].value]
    body = {ident_field(flavor): ident, "password": PREP_PASSWORD}
    response = client.post("/api/auth/token/", body, content_type="application/json")
    assert response.status_code == 200, response.content
    data = response.json()
    return [data["access"], data["refresh"]]


def cmd_prep(args) -> dict:
    from django.contrib.auth.hashers import get_hasher
    from django.test import Client

    assert get_hasher("default").algorithm == "md5", "run `prep` with BENCH_FAST_HASHER=1"
    client = Client(HTTP_HOST="127.0.0.1")
    pairs = []
    started = time.process_time()
    for n in range(args.offset, args.offset + args.count):
        pairs.append(
            sign_in_pair(client, args.flavor, prep_ident(args.flavor, n % args.prep_users))
        )
    cpu = time.process_time() - started
    return {"pairs": pairs, "cpu_us_per_login": cpu / max(1, args.count) * 1e6}


# --- Queries per request ------------------------------------------------------------------------


def cmd_queries(args) -> dict:
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    checks = [0]
    is_usable = connection.is_usable

    def counting_is_usable():
        checks[0] += 1
        return is_usable()

    connection.is_usable = counting_is_usable
    field = ident_field(args.flavor)
    client = Client(HTTP_HOST="127.0.0.1")

    def sign_in(i: int) -> dict:
        body = {field: prep_ident(args.flavor, i), "password": PREP_PASSWORD}
        response = client.post("/api/auth/token/", body, content_type="application/json")
        assert response.status_code == 200, response.content
        return response.json()

    # Only PostgreSQL's health check is a query (SQLite's is_usable() answers from memory).
    checked = connection.vendor == "postgresql"

    def count(send) -> dict:
        send()  # warm: the measured request is a steady-state one
        close_old_connections()  # what the WSGI handler does between requests
        checks[0] = 0
        with CaptureQueriesContext(connection) as queries:
            response = send()
        assert response.status_code == 200, (response.status_code, response.content)
        control = {"BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK"}
        statements = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].split(" ", 1)[0].upper() not in control
        ]
        health_checks = checks[0] if checked else 0
        return {"queries": len(statements), "health_checks": health_checks, "sql": statements}

    if args.flavor == "djrestauth":
        return djrestauth_queries(count)
    pairs = [sign_in(i) for i in range(4)]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {pairs[0]['access']}"}
    refresh_tokens = iter([pairs[1]["refresh"], pairs[2]["refresh"]])
    result = {
        "me_bearer": count(lambda: client.get("/api/auth/me/", **bearer)),
        "refresh_token": count(
            lambda: client.post(
                "/api/auth/token/refresh/",
                {"refresh": next(refresh_tokens)},
                content_type="application/json",
            )
        ),
        "login": count(
            lambda: client.post(
                "/api/auth/token/",
                {field: prep_ident(args.flavor, 3), "password": PREP_PASSWORD},
                content_type="application/json",
            )
        ),
    }
    if args.flavor == "project":
        result["ceiling"] = count(lambda: client.get("/api/bench/me/", **bearer))
        cookie_client = Client(HTTP_HOST="127.0.0.1")
        cookie_client.cookies["access"] = pairs[0]["access"]
        result["me_cookie"] = count(lambda: cookie_client.get("/api/auth/me/"))
    return result


def djrestauth_queries(count) -> dict:
    """dj-rest-auth's requests as a browser sends them: cookies only."""
    from django.test import Client

    def browser(i: int) -> Client:
        client = Client(HTTP_HOST="127.0.0.1")
        access, refresh = sign_in_pair(client, "djrestauth", prep_ident("djrestauth", i))
        client.cookies.clear()
        client.cookies["access"], client.cookies["refresh"] = access, refresh
        return client

    me, first, second = browser(0), browser(1), browser(2)
    refreshers = iter([first, second])
    body = {"username": prep_ident("djrestauth", 3), "password": PREP_PASSWORD}

    def login():  # a new browser each time
        client = Client(HTTP_HOST="127.0.0.1")
        return client.post("/dj-rest-auth/login/", body, content_type="application/json")

    return {
        "me_cookie": count(lambda: me.get("/dj-rest-auth/user/")),
        "refresh_token": count(lambda: next(refreshers).post("/dj-rest-auth/token/refresh/")),
        "login": count(login),
    }


# --- Profile ------------------------------------------------------------------------------------


def cmd_profile(args) -> dict:
    """Per-request CPU of the ceiling and of `me` with a Bearer token through Django's WSGI
    handler (no HTTP server), and where the difference goes (cProfile, inclusive times)."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import Client

    body = {"email": prep_ident("project", 0), "password": PREP_PASSWORD}
    access = (
        Client(HTTP_HOST="127.0.0.1")
        .post("/api/auth/token/", body, content_type="application/json")
        .json()["access"]
    )
    app = WSGIHandler()

    def environ(path: str) -> dict:
        return {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_AUTHORIZATION": f"Bearer {access}",
            "wsgi.url_scheme": "http",
        }

    def start_response(status, headers):
        assert status.startswith("200"), status

    def run(path: str, n: int) -> float:
        base = environ(path)
        started = time.process_time()
        for _ in range(n):
            env = dict(base, **{"wsgi.input": io.BytesIO(b"")})
            response = app(env, start_response)
            b"".join(response)
            response.close()
        return (time.process_time() - started) / n * 1e6

    n = args.count or 3000
    paths = {"ceiling": "/api/bench/me/", "me": "/api/auth/me/"}
    plain, stats = {}, {}
    for name, path in paths.items():
        run(path, 300)
        plain[name] = min(run(path, n) for _ in range(3))
        profiler = cProfile.Profile()
        profiler.enable()
        run(path, n)
        profiler.disable()
        stats[name] = pstats.Stats(profiler).stats
    # The authentication's own subtree: the handler and middleware frames around it add
    # nothing but noise.
    subtree = (
        "accounts/",
        "rest_framework_simplejwt/",
        "rest_framework/authentication.py",
        "rest_framework/permissions.py",
        "rest_framework/request.py",
        "django/db/",
        "django/middleware/csrf.py",
        "psycopg/",
        "sqlite3",
    )
    rows = []
    for key, (_, calls, _own, inclusive, _) in stats["me"].items():
        if not any(part in key[0] for part in subtree) and not key[0].startswith("~"):
            continue
        base = stats["ceiling"].get(key, (0, 0, 0, 0, None))
        extra = inclusive - base[3]
        if extra > 0:
            name = f"{key[0].split('site-packages/')[-1].split('/backend/')[-1]}:{key[1]}({key[2]})"
            rows.append([name, extra / n * 1e6, calls / n])
    rows.sort(key=lambda row: -row[1])
    profiled = {name: sum(v[2] for v in s.values()) / n * 1e6 for name, s in stats.items()}
    return {"cpu_us": plain, "profiled_cpu_us": profiled, "extra": rows[:25]}


def cmd_refresh_profile(args) -> dict:
    """Per refresh (token flow, Django's WSGI handler, no HTTP server): CPU time, and wall
    time spent inside transaction.atomic() blocks. On SQLite a transaction holds the
    database's one write lock from BEGIN IMMEDIATE to COMMIT, so that share of a refresh
    cannot overlap with another worker's."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection, transaction
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    field = ident_field(args.flavor)
    n = args.count or 400
    profiled = 150
    tokens = []
    for i in range(n + 50 + profiled):
        body = {field: prep_ident(args.flavor, i % args.prep_users), "password": PREP_PASSWORD}
        response = client.post("/api/auth/token/", body, content_type="application/json")
        tokens.append(response.json()["refresh"])
    inside = [0.0]
    entered = []
    enter, exit_ = transaction.Atomic.__enter__, transaction.Atomic.__exit__

    def timed_enter(self):
        if not connection.in_atomic_block:
            entered.append(time.perf_counter())
        return enter(self)

    def timed_exit(self, *exc):
        result = exit_(self, *exc)
        if not connection.in_atomic_block and entered:
            inside[0] += time.perf_counter() - entered.pop()
        return result

    transaction.Atomic.__enter__, transaction.Atomic.__exit__ = timed_enter, timed_exit
    app = WSGIHandler()

    def refresh(token: str) -> None:
        body = json.dumps({"refresh": token}).encode()
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/api/auth/token/refresh/",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
        }

        def start_response(status, headers):
            assert status.startswith("200"), status

        response = app(environ, start_response)
        b"".join(response)
        response.close()

    for token in tokens[:50]:  # warm
        refresh(token)
    inside[0] = 0.0
    cpu, wall = time.process_time(), time.perf_counter()
    for token in tokens[50 : 50 + n]:
        refresh(token)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    in_transaction = inside[0]
    profiler = cProfile.Profile()
    profiler.enable()
    for token in tokens[50 + n :]:
        refresh(token)
    profiler.disable()
    # Where a refresh goes: the project's own functions and the ORM's entry points, inclusive.
    watched = ("accounts/", "token_blacklist/", "rest_framework_simplejwt/tokens.py")
    orm = {"first", "get", "create", "save", "get_or_create", "exists", "as_sql", "execute_sql"}
    rows = []
    for key, (_, calls, _own, inclusive, _) in pstats.Stats(profiler).stats.items():
        path, _, name = key
        if any(w in path for w in watched) or ("django/db/models" in path and name in orm):
            short = path.split("site-packages/")[-1].split("/backend/")[-1]
            rows.append([f"{short}:{key[1]}({name})", inclusive / profiled * 1e6, calls / profiled])
    rows.sort(key=lambda row: -row[1])
    return {
        "cpu_us": cpu / n * 1e6,
        "wall_us": wall / n * 1e6,
        "in_transaction_us": in_transaction / n * 1e6,
        "vendor": connection.vendor,
        "profile": rows[:14],
    }


# --- Growth -------------------------------------------------------------------------------------


def cmd_grow(args) -> dict:
    """Add expired rows until each of the three tables holds `--count` rows: outstanding
    tokens, blacklisted tokens (one per outstanding row) and device sessions, spread over
    FILLER_USERS users. Generated by the database itself, in one statement per table."""
    from django.db import connection, transaction
    from django.utils import timezone
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    from accounts.models import DeviceSession, User

    fillers = list(
        User.objects.filter(email__startswith="filler-").order_by("pk").values_list("pk", flat=True)
    )
    if not fillers:
        User.objects.bulk_create(
            [User(email=f"filler-{i}@bench.invalid", password="!") for i in range(FILLER_USERS)]
        )
        fillers = list(
            User.objects.filter(email__startswith="filler-")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    assert fillers == list(range(fillers[0], fillers[0] + FILLER_USERS)), "filler ids not dense"
    now = timezone.now()
    long_ago = now - timedelta(days=60)
    expired = now - timedelta(days=30)
    adapt = connection.ops.adapt_datetimefield_value
    sqlite = connection.vendor == "sqlite"
    started = time.perf_counter()
    added = {}
    tables = {
        "outstanding": OutstandingToken._meta.db_table,
        "blacklisted": BlacklistedToken._meta.db_table,
        "sessions": DeviceSession._meta.db_table,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        for name, table in tables.items():
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
            missing = max(0, args.count - cursor.fetchone()[0])
            added[name] = missing
            if not missing:
                continue
            if name == "blacklisted":
                # The newest outstanding rows not blacklisted yet: the ones added just now.
                cursor.execute(
                    f"INSERT INTO {table} (token_id, blacklisted_at) "  # noqa: S608
                    f"SELECT o.id, %s FROM {tables['outstanding']} o "
                    f"WHERE NOT EXISTS (SELECT 1 FROM {table} b WHERE b.token_id = o.id) "
                    "ORDER BY o.id DESC LIMIT %s",
                    [adapt(long_ago), missing],
                )
                continue
            if sqlite:
                series = (
                    "WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq "
                    "WHERE i + 1 < %s) "
                )
                source, hex16, hex32 = (
                    "seq",
                    "lower(hex(randomblob(16)))",
                    "lower(hex(randomblob(32)))",
                )
                uuid = hex16
            else:
                series = ""
                source = "generate_series(0, %s - 1) AS seq(i)"
                hex16 = "md5(random()::text || i::text)"
                hex32 = f"{hex16} || md5(i::text || random()::text)"
                uuid = "gen_random_uuid()"
            user = f"{fillers[0]} + (i %% {FILLER_USERS})"  # %% : a literal % (placeholders)
            if name == "outstanding":
                sql = (
                    f"{series}INSERT INTO {table} (user_id, jti, token, created_at, expires_at) "
                    f"SELECT {user}, {hex16}, {hex32}, %s, %s FROM {source}"
                )
                params = [adapt(long_ago), adapt(expired)]
            else:
                sql = (
                    f"{series}INSERT INTO {table} (id, user_id, created_at, last_used_at, "
                    "expires_at, user_agent, ip_address, revoked_at, authenticated_at) "
                    f"SELECT {uuid}, {user}, %s, %s, %s, 'bench', NULL, NULL, %s FROM {source}"
                )
                params = [adapt(long_ago), adapt(long_ago), adapt(expired), adapt(long_ago)]
            cursor.execute(sql, [missing, *params] if sqlite else [*params, missing])
    if not sqlite:
        with connection.cursor() as cursor:
            for table in tables.values():
                cursor.execute(f"ANALYZE {table}")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"added": added, "seconds": time.perf_counter() - started}


def cmd_explain(args) -> dict:
    """The plans of the lookups every authenticated request and every refresh makes."""
    import uuid

    from django.db import connection
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    from accounts.models import DeviceSession, User

    # The querysets of accounts/authentication.py and accounts/rotation.py, as they are run
    # there (.get() is unordered [:21], .first() is [:1]).
    lookups = {
        "authentication: the user joined with the active session": User.objects.filter(
            pk=1, device_sessions__pk=uuid.uuid4(), device_sessions__revoked_at__isnull=True
        )
        .order_by()[:21]
        .query,
        "rotation: outstanding token by jti": (
            OutstandingToken.objects.filter(jti="x").order_by()[:1]
        ).query,
        "rotation: blacklist row of the token": BlacklistedToken.objects.filter(token_id=1)
        .order_by("pk")[:1]
        .query,
        "rotation: the session and its user": DeviceSession.objects.select_related("user")
        .filter(pk=uuid.uuid4())[:1]
        .query,
    }
    plans = {}
    with connection.cursor() as cursor:
        for name, query in lookups.items():
            sql, params = query if isinstance(query, tuple) else query.sql_with_params()
            prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
            cursor.execute(prefix + sql, params)
            rows = cursor.fetchall()
            plans[name] = [" ".join(str(c) for c in row[-1:]) for row in rows]
    return plans


# --- PostgreSQL databases -----------------------------------------------------------------------


def pg_database(url: str, action: str) -> dict:
    """Create or drop the database named in `url`, connected to the server's maintenance
    database (only to issue the statement)."""
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    assert name.startswith("bench_"), f"refusing to touch database {name!r}"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if action == "create":
            conn.execute(f'CREATE DATABASE "{name}"')
        else:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        version = conn.execute("SHOW server_version").fetchone()[0]
    return {"database": name, "action": action, "server_version": version}


if __name__ == "__main__":
    main()
