"""Start-up rules: run as separate processes, as a server would start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from accounts.checks import rotation_needs_blacklist

BACKEND = Path(__file__).resolve().parent.parent
REAL_KEY = "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz"
REAL_JWT_KEY = "j" * 20 + "abcdefghijklmnopqrstuvwxyz0123456789"


def run(*args, **env):
    full_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "JWT_SIGNING_KEY": REAL_JWT_KEY,
        **env,
    }
    return subprocess.run(
        [sys.executable, *args], cwd=BACKEND, env=full_env, capture_output=True, text=True
    )


@pytest.mark.parametrize("key", ["", "short", "django-insecure-" + "x" * 60, "a" * 60])
def test_refuses_to_start_without_a_real_secret_key_when_debug_is_off(key):
    result = run("manage.py", "check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY=key)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("key", ["", "short", REAL_KEY])
def test_refuses_to_start_without_its_own_jwt_signing_key_when_debug_is_off(key):
    result = run(
        "manage.py", "check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY=REAL_KEY, JWT_SIGNING_KEY=key
    )
    assert result.returncode != 0
    assert "JWT_SIGNING_KEY" in result.stderr


SIGN = (
    "import django; django.setup(); from accounts.tokens import SessionAccessToken as T; "
    "t = T(); t['sid'] = 's'; print(t)"
)
VERIFY = (
    "import sys, django; django.setup(); from accounts.tokens import SessionAccessToken as T; "
    "from rest_framework_simplejwt.exceptions import TokenError\n"
    "try: T(sys.argv[1]); print('valid')\nexcept TokenError: print('invalid')"
)


def test_the_two_keys_rotate_independently():
    other_key, other_jwt_key = REAL_KEY[::-1], REAL_JWT_KEY[::-1]
    keys = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": REAL_KEY, "JWT_SIGNING_KEY": REAL_JWT_KEY}
    signed = run("-c", SIGN, **keys)
    assert signed.returncode == 0, signed.stderr
    token = signed.stdout.strip()

    def verify(**changed) -> str:
        result = run("-c", VERIFY, token, **{**keys, **changed})
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert verify() == "valid"
    # A new DJANGO_SECRET_KEY (the old one as a fallback, or not) leaves the tokens valid.
    assert verify(DJANGO_SECRET_KEY=other_key, DJANGO_SECRET_KEY_FALLBACKS=REAL_KEY) == "valid"
    assert verify(DJANGO_SECRET_KEY=other_key) == "valid"
    # A new JWT_SIGNING_KEY does not.
    assert verify(JWT_SIGNING_KEY=other_jwt_key) == "invalid"


def test_starts_with_a_real_secret_key():
    result = run("manage.py", "check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY=REAL_KEY)
    assert result.returncode == 0, result.stderr


def test_deploy_check_is_clean_with_production_settings():
    result = run(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=REAL_KEY,
        DJANGO_ALLOWED_HOSTS="api.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_bad_boolean_is_a_clear_error():
    result = run("manage.py", "check", DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


def test_lifetimes_come_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SIMPLE_JWT['ACCESS_TOKEN_LIFETIME'].total_seconds(), "
        "s.SIMPLE_JWT['REFRESH_TOKEN_LIFETIME'].total_seconds())"
    )
    result = run(
        "-c",
        code,
        JWT_ACCESS_TOKEN_LIFETIME="4",
        JWT_REFRESH_TOKEN_LIFETIME="30",
        DJANGO_DEBUG="1",
    )
    assert result.stdout.split() == ["4.0", "30.0"], result.stderr


def test_rotation_without_the_blacklist_app_fails_the_checks(settings):
    assert rotation_needs_blacklist() == []
    apps = [a for a in settings.INSTALLED_APPS if a != "rest_framework_simplejwt.token_blacklist"]
    with override_settings(INSTALLED_APPS=apps):
        errors = rotation_needs_blacklist()
    assert [e.id for e in errors] == ["accounts.E001"]


@pytest.mark.parametrize(("debug", "secure"), [("0", "True"), ("1", "False")])
def test_cookies_are_secure_unless_debug(debug, secure):
    code = "import django; django.setup(); from django.conf import settings as s; print(s.COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    result = run("-c", code, DJANGO_DEBUG=debug, DJANGO_SECRET_KEY=REAL_KEY)
    assert result.stdout.split() == [secure, secure], result.stderr
