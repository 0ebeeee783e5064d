import pytest
from django.contrib import admin
from django.core.management import call_command

from accounts.models import DeviceSession, User


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
