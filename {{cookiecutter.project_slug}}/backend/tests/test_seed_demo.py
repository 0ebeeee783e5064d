"""`manage.py seed_demo`: demo accounts, then each app's demo data; a second run adds nothing."""

from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.management.commands import seed_demo
from accounts.models import User


@pytest.fixture(autouse=True)
def _debug(settings):
    settings.DEBUG = True


def seed(*args, **env) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_demo_accounts_and_data(db):
    out = seed()
    client = authenticate(email="client@example.com", password=seed_demo.DEFAULT_PASSWORD)
    staff = authenticate(email="staff@example.com", password=seed_demo.DEFAULT_PASSWORD)
    assert (client.role, staff.role) == (User.Role.CLIENT, User.Role.STAFF)
    assert f"client: client@example.com / {seed_demo.DEFAULT_PASSWORD}" in out
    assert f"staff: staff@example.com / {seed_demo.DEFAULT_PASSWORD}" in out


def test_a_second_run_adds_nothing(db):
    seed()
    first = row_counts()
    seed()
    assert row_counts() == first


def test_it_resets_existing_accounts(db):
    User.objects.create_user(email="client@example.com", password="another password", role="admin")
    User.objects.filter(email="client@example.com").update(is_active=False)
    seed()
    client = authenticate(email="client@example.com", password=seed_demo.DEFAULT_PASSWORD)
    assert client is not None and client.role == User.Role.CLIENT
    assert User.objects.count() == 2


def test_emails_and_password_from_the_options(db):
    out = seed(
        "--client-email",
        "C@Example.com",
        "--staff-email",
        "s@example.com",
        "--password",
        "a long passphrase",
    )
    assert authenticate(email="c@example.com", password="a long passphrase").role == "client"
    assert authenticate(email="s@example.com", password="a long passphrase").role == "staff"
    assert "c@example.com / a long passphrase" in out


def test_emails_and_password_from_the_environment(db, monkeypatch):
    monkeypatch.setenv("DEMO_CLIENT_EMAIL", "env-client@example.com")
    monkeypatch.setenv("DEMO_STAFF_EMAIL", "env-staff@example.com")
    monkeypatch.setenv("DEMO_PASSWORD", "from the environment")
    seed()
    assert authenticate(email="env-client@example.com", password="from the environment")
    assert authenticate(email="env-staff@example.com", password="from the environment")


def test_a_weak_password_is_refused(db):
    with pytest.raises(CommandError, match="password"):
        seed("--password", "123")
    assert not User.objects.exists()


def test_it_refuses_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        seed()
    assert not User.objects.exists()
    seed("--force")
    assert User.objects.count() == 2


def test_each_app_with_a_demo_module_gets_the_users(db, monkeypatch):
    """The command names no app: it calls seed(users) of those that have a `demo` module."""
    calls = []
    demo = SimpleNamespace(seed=lambda users: calls.append(users))
    monkeypatch.setattr(
        seed_demo, "module_has_submodule", lambda module, name: module.__name__ == "accounts"
    )
    monkeypatch.setattr(
        seed_demo, "import_module", lambda name: demo if name == "accounts.demo" else None
    )
    seed()
    assert len(calls) == 1
    assert set(calls[0]) == {"client", "staff"}
    assert calls[0]["staff"].email == "staff@example.com"
