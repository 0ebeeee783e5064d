"""Fixtures of the end-to-end suite: the servers (started once per run, stopped whatever
happens), the browser (Playwright's Chromium, else the system's), users, and helpers that look
behind the curtain (cookies, network, database)."""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from mail_catcher import MailServer
from servers import BACKEND, Backend, Web, free_port

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts"
RUN_DIR = Path(tempfile.mkdtemp(prefix="e2e-"))
LOGS = RUN_DIR / "logs"
LOGS.mkdir()

ACCESS_LIFETIME = 4  # seconds: tokens expire during the tests
REUSE_GRACE = 5  # seconds: covers the retry in test_refresh.py on a loaded machine
PASSWORD = "a long and secret passphrase"
# The suite's own SMTP server (mail_catcher.py): the API sends every mail there.
MAIL_PORT = free_port()

# Production settings over plain http on localhost (LOCAL_TRIAL), the browser talking to the
# API directly (NUM_PROXIES=0). The test process reads the same database through Django's ORM
# (for assertions only: the servers own it); it needs a WEB_ORIGIN before the web client's port
# is known, so it gets a placeholder, and the servers the real one (the `servers` fixture).
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DJANGO_DEBUG": "0",
    "LOCAL_TRIAL": "1",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "JWT_SIGNING_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
    "WEB_ORIGIN": "http://localhost",
    "EMAIL_URL": f"smtp://127.0.0.1:{MAIL_PORT}",
    "NUM_PROXIES": "0",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_SECURE_HSTS_SECONDS": "0",
    "COOKIE_SECURE": "0",
    "COOKIE_DOMAIN": "",
    "API_DOCS_PUBLIC": "1",
    "DATABASE_URL": os.environ.get("E2E_DATABASE_URL") or f"sqlite:///{RUN_DIR / 'e2e.sqlite3'}",
    "JWT_ACCESS_TOKEN_LIFETIME": str(ACCESS_LIFETIME),
    "JWT_REFRESH_TOKEN_LIFETIME": "600",
    "SESSION_MAX_LIFETIME": "3600",
    "REFRESH_REUSE_GRACE_SECONDS": str(REUSE_GRACE),
    "LOGIN_THROTTLE_RATE": "1000/min",
    "ACCOUNT_IP_RATE": "1000/min",
    "ACCOUNT_EMAIL_RATE": "1000/min",
}
os.environ.update(SERVER_ENV)
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
sys.path.insert(0, str(BACKEND))

import django  # noqa: E402

django.setup()


# --- Servers ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def mail_server():
    server = MailServer(MAIL_PORT)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(mail_server):
    """The mails the API has sent: `mailbox.wait_for(to=..., subject_contains=...)`."""
    return mail_server.mailbox


@pytest.fixture(scope="session")
def servers(mail_server):
    backend = Backend(LOGS, dict(os.environ))
    web = Web(LOGS, backend.url)
    backend.env["WEB_ORIGIN"] = web.url
    try:
        backend.migrate()
        web.build()
        backend.start()
        web.start()
        yield SimpleNamespace(backend=backend, web=web)
    finally:
        web.stop()
        backend.stop()


@pytest.fixture
def backend(servers):
    """The API; a test may restart it with other settings, it gets the defaults back after."""
    yield servers.backend
    if servers.backend.process.poll() is not None or servers.backend.restarted:
        servers.backend.restart()
        servers.backend.restarted = False


@pytest.fixture(scope="session")
def base_url(servers) -> str:
    return servers.web.url


@pytest.fixture(scope="session")
def api_url(servers) -> str:
    return servers.backend.url


def pytest_sessionfinish(session, exitstatus):
    # Keep the servers' logs next to Playwright's traces and screenshots when anything failed.
    if session.testsfailed:
        shutil.copytree(LOGS, ARTIFACTS / "server-logs", dirs_exist_ok=True)


# --- Browser ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, playwright):
    """Playwright's own Chromium where installed (CI runners), else the system's:
    PLAYWRIGHT_CHROMIUM_EXECUTABLE, default /usr/bin/chromium."""
    args = {
        **browser_type_launch_args,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
    system = os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE")
    if not system and not Path(playwright.chromium.executable_path).exists():
        system = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    if system:
        args["executable_path"] = system
    return args


# --- Users --------------------------------------------------------------------------------------

_numbers = itertools.count(1)


def make_user(**fields):
    from accounts.models import User

    number = next(_numbers)
    return User.objects.create_user(
        email=f"user{number}-{secrets.token_hex(3)}@example.com",
        password=PASSWORD,
        name=fields.pop("name", "Ada Lovelace"),
        **fields,
    )


@pytest.fixture
def user():
    return make_user()


@pytest.fixture
def other_user():
    return make_user(name="Grace Hopper")


def add_authenticator_app(user):
    """Gives `user` a confirmed authenticator app (its secret in the database: helpers.py computes
    its codes), as enrolment in Settings would. Staff and admins need one to get past the
    two-factor policy (TWO_FACTOR_REQUIRED_ROLES) and be signed in anywhere but the enrolment
    page; helpers.sign_in() answers the code step."""
    import pyotp
    from accounts.models import TOTPDevice
    from accounts.two_factor import sync_two_factor
    from django.db import transaction
    from django.utils import timezone

    with transaction.atomic():
        TOTPDevice.objects.create(
            user=user, secret=pyotp.random_base32(), confirmed_at=timezone.now()
        )
        sync_two_factor(user)
    return user


@pytest.fixture
def staff_user():
    return add_authenticator_app(make_user(name="Sam Staff", role="staff"))
