"""Schemathesis against a baked project's API, driven by the API's own OpenAPI schema.

    python tests/fuzz.py [--examples N] [--project DIR]    (`make fuzz` at the template root)

Bakes the default project (or takes one whose backend/.venv is installed), serves its backend
with gunicorn and production settings (`DJANGO_DEBUG=0`, over plain http with `LOCAL_TRIAL=1`,
the docs public with `API_DOCS_PUBLIC=1`, login throttling out of the way), and sends every
operation of `/api/schema/` generated requests, valid ones and invalid ones, three ways:
anonymous, with a valid `Authorization: Bearer` token, and with valid cookies (plus the CSRF
token). Every response must be no 5xx and conform to the schema: a documented status code,
content type, headers and body. Prints each failure and ends with `fuzz: N cases, F failures`.

Only the password hasher is swapped for a fast one (the fuzz signs in again after every case
that may have ended its session): what is fuzzed is the API, not PBKDF2.
"""

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

from processes import ServerProcess, free_port

ROOT = Path(__file__).resolve().parent.parent
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MODES = ("anonymous", "bearer", "cookie")
EMAIL, PASSWORD = "fuzz@example.com", "fuzz-password-not-secret"
# Copied next to the baked project's settings: its own settings, with a fast hasher.
FUZZ_SETTINGS = """from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
"""
CREATE_USER = f"""
from accounts.models import User
User.objects.filter(email="{EMAIL}").delete()
User.objects.create_user(email="{EMAIL}", password="{PASSWORD}", name="Fuzz")
"""


@dataclass
class Outcome:
    cases: int = 0
    failures: list[str] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)  # (way, status) -> responses


class Backend:
    """The baked backend under gunicorn on a fresh SQLite database."""

    def __init__(self, backend: Path, work: Path):
        self.backend, self.port = backend, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        (backend / "fuzz_settings.py").write_text(FUZZ_SETTINGS)
        self.env = {
            "PATH": f"{backend / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": os.environ.get("HOME", "/root"),
            "LANG": "C.UTF-8",
            "DJANGO_SETTINGS_MODULE": "fuzz_settings",
            "DJANGO_DEBUG": "0",
            "LOCAL_TRIAL": "1",  # production settings over plain http, on this machine
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "JWT_SIGNING_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "WEB_ORIGIN": "http://localhost",
            "EMAIL_URL": "smtp://127.0.0.1:9",  # nothing listens: each mail fails, and is logged
            "NUM_PROXIES": "0",  # clients connect directly
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "COOKIE_SECURE": "0",
            "API_DOCS_PUBLIC": "1",  # the fuzz reads /api/schema/
            # Throttling out of the way: the fuzz signs in over and over, often with a wrong
            # password, from one address and for one account.
            "LOGIN_THROTTLE_RATE": "1000000/min",
            "LOGIN_FAILURES_PER_CLIENT": "1000000",
            "LOGIN_FAILURES_PER_ACCOUNT": "1000000",
            "DATABASE_URL": f"sqlite:///{work / 'fuzz.sqlite3'}",
            "PYTHONPATH": str(backend),
        }
        self.log = work / "gunicorn.log"
        self.server = None

    def python(self, *args: str) -> None:
        subprocess.run(
            [str(self.backend / ".venv" / "bin" / "python"), *args],
            cwd=self.backend,
            env=self.env,
            check=True,
            capture_output=True,
        )

    def start(self) -> "Backend":
        self.python("manage.py", "migrate", "--noinput")
        self.python("manage.py", "shell", "-c", CREATE_USER)
        command = [
            str(self.backend / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{self.port}",
        ]
        self.server = ServerProcess(command, self.backend, self.env, self.log)
        self.server.wait_until_answers(
            self.port, "/api/health/", ready=lambda status: status == 200
        )
        return self

    def stop(self) -> None:
        if self.server:
            self.server.stop()


def credentials(base: str, mode: str) -> dict:
    """Fresh headers and cookies of a signed-in client, for `case.call`."""
    if mode == "anonymous":
        return {}
    body = {"email": EMAIL, "password": PASSWORD}
    if mode == "bearer":
        tokens = requests.post(f"{base}/api/auth/token/", json=body, timeout=30)
        tokens.raise_for_status()
        return {"headers": {"Authorization": f"Bearer {tokens.json()['access']}"}}
    session = requests.Session()
    csrf = session.get(f"{base}/api/auth/csrf/", timeout=30).json()["csrfToken"]
    session.post(
        f"{base}/api/auth/login/", json=body, headers={"X-CSRFToken": csrf}, timeout=30
    ).raise_for_status()
    return {"headers": {"X-CSRFToken": csrf}, "cookies": session.cookies.get_dict()}


def fuzz(base: str, examples: int, log=print) -> Outcome:
    schema = schemathesis.openapi.from_url(f"{base}/api/schema/")
    outcome = Outcome()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in MODES:
            for generation in GenerationMode:
                fuzz_operation(base, operation, mode, generation, examples, outcome, log)
    return outcome


def fuzz_operation(base, operation, mode, generation, examples, outcome, log) -> None:
    auth = {"current": credentials(base, mode)}
    seen = set()

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,  # the same cases every run
        phases=[Phase.explicit, Phase.generate],  # no shrinking: bounded time
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=generation))
    def run(case):
        outcome.cases += 1
        headers = {**(case.headers or {}), **auth["current"].get("headers", {})}
        response = None
        try:
            response = case.call(
                base_url=base, headers=headers, cookies=auth["current"].get("cookies")
            )
            outcome.statuses[(mode, response.status_code)] += 1
            case.validate_response(response, checks=CHECKS)
        except (Exception, FailureGroup) as failure:  # noqa: BLE001  (reported; the fuzz goes on)
            status = response.status_code if response is not None else "no response"
            summary = f"{operation.label} [{mode}, {generation.value}] {status}: {why(failure)}"
            outcome.failures.append(summary)
            if summary not in seen:
                seen.add(summary)
                body = response.text[:200] if response is not None else ""
                log(f"FAIL {summary}\n  {case.as_curl_command()}\n  -> {body}")
        else:
            if mode != "anonymous" and (response.status_code == 401 or case.method != "GET"):
                auth["current"] = credentials(base, mode)  # the case may have signed out

    try:
        run()
    except Unsatisfiable:  # nothing to make invalid: an operation without parameters or body
        assert generation is GenerationMode.NEGATIVE, operation.label


def why(failure: BaseException) -> str:
    failures = failure.exceptions if isinstance(failure, FailureGroup) else [failure]
    return "; ".join(getattr(f, "title", None) or str(f).split("\n")[0] for f in failures)


def bake(work: Path) -> Path:
    copy = work / "template"
    subprocess.run(
        [sys.executable, str(ROOT / "tests" / "template_copy.py"), str(copy)], check=True
    )
    subprocess.run(
        [
            str(Path(sys.executable).parent / "cookiecutter"),
            "--no-input",
            "-o",
            str(work),
            str(copy),
        ],
        check=True,
        capture_output=True,
    )
    (project,) = [p for p in work.iterdir() if p.is_dir() and p.name != "template"]
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    subprocess.run(
        [uv, "sync", "--locked", "--quiet"], cwd=project / "backend", check=True, timeout=600
    )
    return project


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=50, help="cases per operation and way")
    parser.add_argument("--project", type=Path, help="a baked project, backend/.venv installed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        work = Path(tmp)
        project = args.project or bake(work)
        backend = Backend(project / "backend", work).start()
        try:
            outcome = fuzz(backend.url, args.examples)
        finally:
            backend.stop()
    for mode in MODES:
        counts = sorted((s, n) for (m, s), n in outcome.statuses.items() if m == mode)
        print(f"{mode:>9}: " + ", ".join(f"{n} × {s}" for s, n in counts))
    print(f"fuzz: {outcome.cases} cases, {len(outcome.failures)} failures")
    return 1 if outcome.failures else 0


if __name__ == "__main__":
    sys.exit(main())
