"""Start-up rules: run as separate processes, as a server would start."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management.utils import get_random_secret_key
from django.test import override_settings

from accounts.checks import rotation_needs_blacklist
from config.env import is_low_entropy, untrusted_web_origin

BACKEND = Path(__file__).resolve().parent.parent
REAL_KEY = "Xq3vN8pL2mR7sT1wY6zB4cD9fG0hJ5kA-uE_iO3aQ8rW2tY7uI1oP6lK4jH9gF0dS"
REAL_JWT_KEY = "mZ7nX2bV9cL4kJ1hG6fD3sA8pO5iU0yT-rE_wQ2eR7tY4uI9oP1aS6dF3gH8jK0lZ"
# What a production backend/.env must set besides the keys.
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": REAL_KEY,
    "WEB_ORIGIN": "https://app.example.com",
    "NUM_PROXIES": "1",
    "EMAIL_URL": "smtp+tls://mailer%40example.com:p%40ss@smtp.example.com:587",
}


def run(*args, **env):
    full_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "JWT_SIGNING_KEY": REAL_JWT_KEY,
        "WEB_ORIGIN": "https://app.example.com",
        "NUM_PROXIES": "1",
        "EMAIL_URL": PRODUCTION["EMAIL_URL"],
        "LOCAL_TRIAL": "0",
        **env,
    }
    return subprocess.run(
        [sys.executable, *args], cwd=BACKEND, env=full_env, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "key",
    [
        "",
        "short",
        "django-insecure-" + "x" * 60,
        "a" * 60,
        "12345" * 10,  # long, but a repeated pattern of 5 characters
        "0123456789abcdefghijklmnopqrstuvwxyz" * 2,  # 36 different ones, repeated
        "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz",
    ],
)
def test_low_entropy_keys_are_recognised(key):
    assert is_low_entropy(key)


@pytest.mark.parametrize(
    "key",
    [REAL_KEY, secrets.token_urlsafe(50), secrets.token_hex(32), get_random_secret_key()],
)
def test_random_keys_are_accepted(key):
    assert not is_low_entropy(key)


@pytest.mark.parametrize("key", ["", "12345" * 10])
def test_refuses_to_start_without_a_real_secret_key_when_debug_is_off(key):
    result = run("manage.py", "check", **{**PRODUCTION, "DJANGO_SECRET_KEY": key})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("key", ["", "short", REAL_KEY])
def test_refuses_to_start_without_its_own_jwt_signing_key_when_debug_is_off(key):
    result = run("manage.py", "check", **{**PRODUCTION, "JWT_SIGNING_KEY": key})
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
    keys = {**PRODUCTION, "JWT_SIGNING_KEY": REAL_JWT_KEY}
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
    result = run("manage.py", "check", **PRODUCTION)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("origins", "local_trial"),
    [
        ([], False),  # unset: no development default with DEBUG off
        (["http://localhost:3000"], False),  # the development value
        (["http://app.example.com"], False),
        (["http://app.example.com"], True),  # a trial is local only
        (["https://app.example.com", "http://localhost:3000"], False),
        (["http://localhost.evil.example"], True),
        (["http://localhost@evil.example"], True),
        (["javascript://localhost"], True),
    ],
)
def test_untrustworthy_web_origins_are_recognised(origins, local_trial):
    assert untrusted_web_origin(origins, local_trial=local_trial)


@pytest.mark.parametrize(
    ("origins", "local_trial"),
    [
        (["https://app.example.com"], False),
        (["https://app.example.com", "https://portal.example.org"], False),
        (["http://localhost:3000"], True),
        (["http://127.0.0.1:3123"], True),
        (["http://[::1]:3000"], True),
        (["http://localhost"], True),
    ],
)
def test_trustworthy_web_origins_are_accepted(origins, local_trial):
    assert untrusted_web_origin(origins, local_trial=local_trial) is None


@pytest.mark.parametrize(
    ("origin", "local_trial", "starts"),
    [
        ("", "0", False),
        ("http://localhost:3000", "0", False),
        ("http://localhost:3000", "1", True),
    ],
)
def test_web_origin_is_checked_at_start_when_debug_is_off(origin, local_trial, starts):
    env = {**PRODUCTION, "WEB_ORIGIN": origin, "LOCAL_TRIAL": local_trial}
    result = run("manage.py", "check", **env)
    assert (result.returncode == 0) is starts, result.stderr
    if not starts:
        assert "WEB_ORIGIN" in result.stderr


@pytest.mark.parametrize("email_url", ["", "console://", "locmem://"])
def test_refuses_to_start_without_a_mail_server_when_debug_is_off(email_url):
    result = run("manage.py", "check", **{**PRODUCTION, "EMAIL_URL": email_url})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "EMAIL_URL" in result.stderr


def test_email_url_sets_the_smtp_settings():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, "
        "s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL]))"
    )
    production = run("-c", code, **PRODUCTION)
    assert json.loads(production.stdout) == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.com",
        587,
        "mailer@example.com",
        "p@ss",
        True,
        False,
    ], production.stderr
    development = run("-c", code, DJANGO_DEBUG="1", EMAIL_URL="")  # mails printed to the log
    assert json.loads(development.stdout)[0] == "django.core.mail.backends.console.EmailBackend"
    bad = run("-c", code, DJANGO_DEBUG="1", EMAIL_URL="http://mail.example.com")
    assert "EMAIL_URL must start with one of smtp://" in bad.stderr


def test_refuses_to_run_commands_without_num_proxies_when_debug_is_off():
    env = {**PRODUCTION, "NUM_PROXIES": ""}
    result = run("manage.py", "check", **env)
    assert result.returncode != 0
    assert "accounts.E002" in result.stderr and "NUM_PROXIES" in result.stderr
    assert run("manage.py", "check", **{**env, "NUM_PROXIES": "0"}).returncode == 0
    assert run("manage.py", "check", DJANGO_DEBUG="1", NUM_PROXIES="").returncode == 0


def test_production_cookie_names_carry_the_prefixes():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_NAME)"
    )
    result = run("-c", code, **PRODUCTION)
    assert result.stdout.split() == ["__Host-csrftoken", "__Host-sessionid"], result.stderr
    shared = run("-c", code, **PRODUCTION, COOKIE_DOMAIN=".example.com")
    assert shared.stdout.split() == ["__Secure-csrftoken", "__Host-sessionid"], shared.stderr
    development = run("-c", code, DJANGO_DEBUG="1")
    assert development.stdout.split() == ["csrftoken", "sessionid"], development.stderr


def test_deploy_check_is_clean_with_production_settings():
    result = run(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        DJANGO_ALLOWED_HOSTS="api.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_bad_boolean_is_a_clear_error():
    result = run("manage.py", "check", DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


def test_lifetimes_come_from_the_environment():
    code = (
        "import django; django.setup(); "
        "from accounts.tokens import SessionAccessToken as A, SessionRefreshToken as R; "
        "print(A().lifetime.total_seconds(), R().lifetime.total_seconds())"
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
    result = run("-c", code, **{**PRODUCTION, "DJANGO_DEBUG": debug})
    assert result.stdout.split() == [secure, secure], result.stderr
