"""Install, lint, check and test each baked project with its own Makefile (slow)."""

import json
import re
import shutil
import socket
import subprocess

import pytest

from bake import bake_into, project_env, run
from combinations import COMBINATIONS, answers

pytestmark = pytest.mark.slow

POSTGRES = ("127.0.0.1", 5432)


@pytest.fixture(scope="module", params=COMBINATIONS)
def installed(request, template_copy, tmp_path_factory):
    """(project path, name of its combination), baked and `make install`ed once per module."""
    project = bake_into(
        template_copy, tmp_path_factory.mktemp(request.param), COMBINATIONS[request.param]
    )
    run(["make", "install"], project)
    return project, request.param


@pytest.mark.parametrize("target", ["lint", "check", "test"])
def test_make(installed, target):
    project, _ = installed
    output = run(["make", target], project)
    if target == "test":
        assert re.search(r"^=+ \d+ passed", output, re.MULTILINE), output  # backend pytest ran
        assert re.search(r"Tests\s+\d+ passed", output), output  # web Vitest ran
        assert "Compiled successfully" in output, output  # the production build ran
    if target == "lint":
        assert "tsc --noEmit" in output and "eslint ." in output, output


@pytest.mark.parametrize("installed", ["defaults"], indirect=True)
def test_make_e2e(installed):
    """The end-to-end suite of the baked project: real servers, real Chromium."""
    project, _ = installed
    output = run(["make", "e2e"], project)
    assert re.search(r"^=+ \d+ passed", output, re.MULTILINE), output
    assert not (project / "e2e" / "artifacts" / "server-logs").exists()


@pytest.mark.parametrize("installed", ["custom"], indirect=True)
def test_open_signup_end_to_end(installed):
    """Only a bake with signup=open has sign-up: its end-to-end test, in Chromium with the
    suite's SMTP server (the rest of the e2e suite runs on the default bake)."""
    project, name = installed
    assert answers(name)["signup"] == "open"
    output = run(
        ["uv", "run", "--locked", "--project", "../backend", "pytest", "test_signup.py"],
        project / "e2e",
    )
    assert re.search(r"^=+ \d+ passed", output, re.MULTILINE), output


PRINT_BACKENDS = """
from django.conf import settings
from django.db import connection
print(connection.vendor, settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1])
"""


def postgres_up() -> bool:
    try:
        with socket.create_connection(POSTGRES, timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.parametrize("installed", ["defaults"], indirect=True)
def test_make_test_on_postgres_and_redis(installed):
    project, _ = installed
    if not postgres_up():
        pytest.skip("no PostgreSQL on 127.0.0.1:5432 (TCP connect failed): SQLite runs only")
    env = {
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
    }
    output = run(["make", "test"], project, **env)
    assert " passed" in output, output
    # The settings really picked them up.
    backends = run(
        ["uv", "run", "--locked", "python", "-c", PRINT_BACKENDS],
        project / "backend",
        DJANGO_SETTINGS_MODULE="config.settings",
        **env,
    )
    assert backends.strip().splitlines()[-1] == "postgresql FailOpenRedisCache"


PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "access": settings.JWT_ACCESS_TOKEN_LIFETIME,
    "refresh": settings.JWT_REFRESH_TOKEN_LIFETIME,
    "web_origins": settings.WEB_ORIGINS,
    "title": settings.SPECTACULAR_SETTINGS["TITLE"],
}))
"""


def test_settings_defaults_come_from_the_answers(installed):
    """Without .env or JWT_* variables, Django still uses the lifetimes and port answered."""
    project, name = installed
    a = answers(name)
    env_file = project / "backend" / ".env"
    moved = env_file.with_name("env.moved-by-test")
    shutil.move(env_file, moved)
    try:
        output = run(
            ["uv", "run", "--locked", "python", "-c", PRINT_SETTINGS],
            project / "backend",
            DJANGO_DEBUG="1",
            DJANGO_SETTINGS_MODULE="config.settings",
        )
    finally:
        shutil.move(moved, env_file)
    values = json.loads(output.strip().splitlines()[-1])
    assert values == {
        "access": int(a["access_token_lifetime_minutes"]) * 60,
        "refresh": int(a["refresh_token_lifetime_days"]) * 86400,
        "web_origins": [f"http://localhost:{a['web_port']}"],
        "title": f"{a['project_name']} API",
    }
    if name == "custom":
        assert (values["access"], values["refresh"]) == (300, 172800)


def test_make_help_shows_the_ports(installed):
    project, name = installed
    a = answers(name)
    output = run(["make", "help"], project)
    assert "$(" not in output, output
    assert f"API on :{a['api_port']} and web client on :{a['web_port']}" in output, output


@pytest.mark.parametrize("installed", ["defaults"], indirect=True)
def test_make_superuser_without_a_terminal(installed):
    """No terminal to ask on: it fails saying what to set, instead of Django's silent skip;
    with DJANGO_SUPERUSER_* set, it creates the admin, name included."""
    project, _ = installed
    asked = subprocess.run(
        ["make", "superuser"],
        cwd=project,
        env=project_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    assert asked.returncode != 0, asked.stdout
    assert "set DJANGO_SUPERUSER_EMAIL" in asked.stderr, asked.stderr
    email = "boss-from-env@example.com"
    run(
        ["make", "superuser"],
        project,
        DJANGO_SUPERUSER_EMAIL=email,
        DJANGO_SUPERUSER_NAME="Boss From Env",
        DJANGO_SUPERUSER_PASSWORD="a long admin passphrase",
    )
    check = f"from accounts.models import User; u = User.objects.get(email={email!r})"
    output = run(
        [
            "uv",
            "run",
            "--locked",
            "python",
            "manage.py",
            "shell",
            "-c",
            f"{check}; print(u.name, u.role)",
        ],
        project / "backend",
    )
    assert "Boss From Env admin" in output, output
