import pytest
from django.contrib import admin
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command

from accounts.models import DeviceSession, User
from config import settings as configured

from .conftest import PASSWORD, login


@pytest.mark.django_db
def test_email_is_the_login_and_is_stored_lower_case():
    user = User.objects.create_user(email="  Grace@Example.COM ", password="x" * 12)
    assert user.email == "grace@example.com"
    assert User.USERNAME_FIELD == "email"
    assert User.objects.get_by_natural_key("GRACE@example.com") == user


@pytest.mark.django_db
def test_new_users_are_clients_with_a_name():
    user = User.objects.create_user(email="a@example.com", password="x" * 12, name="A B")
    assert (user.role, user.get_full_name(), user.get_short_name()) == ("client", "A B", "A")


@pytest.mark.django_db
def test_createsuperuser_noinput(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Boss@Example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long admin password")
    call_command("createsuperuser", interactive=False, verbosity=0)
    boss = User.objects.get(email="boss@example.com")
    assert boss.is_superuser and boss.is_staff and boss.role == User.Role.ADMIN
    assert boss.check_password("a long admin password")


def test_models_are_registered_in_the_admin():
    assert admin.site.is_registered(User)
    assert admin.site.is_registered(DeviceSession)


@pytest.mark.django_db
def test_admin_lists_users_and_sessions(client):
    boss = User.objects.create_superuser(email="boss@example.com", password="x" * 12)
    client.force_login(boss)
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/accounts/devicesession/").status_code == 200


@pytest.fixture
def real_hashers(settings):
    """The hashers of config/settings.py, not the tests' fast MD5 (conftest.py)."""
    settings.PASSWORD_HASHERS = configured.PASSWORD_HASHERS


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2id(real_hashers):
    user = User.objects.create_user(email="a@example.com", password=PASSWORD)
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)


def test_a_pbkdf2_hash_still_signs_in_and_is_upgraded_to_argon2(real_hashers, browser):
    # A hash made before Argon2 was the default (few iterations: the test stays fast).
    older = PBKDF2PasswordHasher().encode(PASSWORD, "pbkdf2salt", iterations=1000)
    user = User.objects.create(email="ada@example.com", password=older)

    assert login(browser).status_code == 200
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)
