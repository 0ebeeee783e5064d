import pytest
from django.contrib import admin
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.core.management import CommandError, call_command

from accounts.models import DeviceSession, User
from config import settings as configured

from .conftest import PASSWORD, login, make_client, obtain_pair, with_csrf


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
    monkeypatch.setenv("DJANGO_SUPERUSER_NAME", "Bo Boss")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long admin password")
    call_command("createsuperuser", interactive=False, verbosity=0)
    boss = User.objects.get(email="boss@example.com")
    assert boss.is_superuser and boss.is_staff and boss.role == User.Role.ADMIN
    assert boss.name == "Bo Boss"
    assert boss.check_password("a long admin password")


@pytest.mark.django_db
def test_createsuperuser_noinput_needs_the_name(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "boss@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long admin password")
    with pytest.raises(CommandError, match="name"):
        call_command("createsuperuser", interactive=False, verbosity=0)
    assert not User.objects.exists()


def test_models_are_registered_in_the_admin():
    assert admin.site.is_registered(User)
    assert admin.site.is_registered(DeviceSession)


@pytest.mark.django_db
def test_admin_lists_users_and_sessions(client):
    boss = User.objects.create_superuser(email="boss@example.com", password="a long admin password")
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


# --- Security: a new password or a deactivation ends every session ------------------------------


def signed_in_twice(user) -> tuple:
    """Two devices of `user`: (browser client, Bearer pair)."""
    browser = with_csrf(make_client())
    assert login(browser, email=user.email).status_code == 200
    return browser, obtain_pair(email=user.email)


def assert_signed_out(browser, pair):
    assert browser.get("/api/auth/me/").status_code == 401
    assert browser.post("/api/auth/refresh/").status_code == 401
    bearer = make_client()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert bearer.get("/api/auth/me/").status_code == 401
    refreshed = make_client().post(
        "/api/auth/token/refresh/", {"refresh": pair["refresh"]}, format="json"
    )
    assert refreshed.status_code == 401


def test_a_new_password_ends_every_session(user):
    browser, pair = signed_in_twice(user)
    user.set_password("a brand new passphrase")
    user.save()
    assert not DeviceSession.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert_signed_out(browser, pair)


def test_a_password_hash_changed_by_any_code_path_ends_every_session(user):
    browser, pair = signed_in_twice(user)
    fresh = User.objects.get(pk=user.pk)  # another instance, as the shell or a form would load
    fresh.password = make_password("set from the shell")
    fresh.save(update_fields=["password"])
    assert_signed_out(browser, pair)


def test_a_password_changed_in_the_admin_ends_every_session(user, client):
    browser, pair = signed_in_twice(user)
    boss = User.objects.create_superuser(email="boss@example.com", password="a long admin password")
    client.force_login(boss)
    response = client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": "changed by the admin 42", "password2": "changed by the admin 42"},
    )
    assert response.status_code == 302, response.content
    assert_signed_out(browser, pair)


def test_deactivating_ends_every_session_and_reactivating_revives_none(user):
    browser, pair = signed_in_twice(user)
    user.is_active = False
    user.save()
    user.is_active = True
    user.save()
    assert_signed_out(browser, pair)
    assert login(browser, email=user.email).status_code == 200  # a new sign-in works


def test_other_changes_end_no_session(user):
    browser, pair = signed_in_twice(user)
    user.name = "Ada King"
    user.save()
    User.objects.get(pk=user.pk).save(update_fields=["last_login"])
    assert DeviceSession.objects.filter(user=user, revoked_at__isnull=True).count() == 2
    assert browser.get("/api/auth/me/").status_code == 200
    bearer = make_client()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert bearer.get("/api/auth/me/").status_code == 200


def test_a_hash_upgraded_at_sign_in_ends_no_session(real_hashers, browser):
    """Signing in rehashes an older hash with Argon2: the same password, not a change."""
    older = PBKDF2PasswordHasher().encode(PASSWORD, "pbkdf2salt", iterations=1000)
    user = User.objects.create(email="ada@example.com", password=older)
    pair = obtain_pair()  # the sign-in that upgrades the hash
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert DeviceSession.objects.get(user=user).revoked_at is None
    assert login(browser).status_code == 200
    assert DeviceSession.objects.filter(user=user, revoked_at__isnull=True).count() == 2
    assert pair["access"]


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["12345678", "password", "boss@example.com"])
def test_createsuperuser_refuses_a_weak_password(monkeypatch, password):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "boss@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", password)
    with pytest.raises(CommandError):
        call_command("createsuperuser", interactive=False, verbosity=0)
    assert not User.objects.exists()
