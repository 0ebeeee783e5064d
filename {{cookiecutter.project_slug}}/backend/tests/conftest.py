from types import SimpleNamespace

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts import auth_cache, mail
from accounts.models import User

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _mail_sent_at_once(monkeypatch):
    """accounts/mail.py sends when the request's transaction commits; a test's transaction never
    does, so here mails go at once: in django.core.mail.outbox when the request is done."""
    monkeypatch.setattr(mail, "transaction", SimpleNamespace(on_commit=lambda send: send()))


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_IN_BACKGROUND = False  # mails are in mail.outbox once the request is done
    # Staff here have no second factor: the policy that requires one is tested on its own
    # (test_two_factor_policy.py turns it on).
    settings.TWO_FACTOR_REQUIRED_ROLES = []
    cache.clear()  # throttling counters
    auth_cache.forget_all()  # authentication's memory of active sessions


@pytest.fixture
def user(db) -> User:
    return User.objects.create_user(
        email="ada@example.com", password=PASSWORD, name="Ada Lovelace", role=User.Role.CLIENT
    )


def make_user(email: str, role=User.Role.CLIENT, **fields) -> User:
    return User.objects.create_user(email=email, password=PASSWORD, role=role, **fields)


def acting_as(user: User) -> APIClient:
    """A client authenticated as `user` without signing in: for tests of what users may do
    (how they sign in is tested through the real flows)."""
    client = APIClient()
    client.force_authenticate(user)
    return client


def make_client() -> APIClient:
    """A browser-like client: cookies kept, CSRF enforced as in production."""
    return APIClient(enforce_csrf_checks=True, HTTP_USER_AGENT="pytest-browser/1.0")


def with_csrf(client: APIClient) -> APIClient:
    token = client.get("/api/auth/csrf/").json()["csrfToken"]
    client.credentials(HTTP_X_CSRFTOKEN=token)
    return client


def login(client: APIClient, email="ada@example.com", password=PASSWORD, **extra):
    return client.post(
        "/api/auth/login/", {"email": email, "password": password}, format="json", **extra
    )


@pytest.fixture
def browser(db) -> APIClient:
    return with_csrf(make_client())


@pytest.fixture
def signed_in(browser, user) -> APIClient:
    response = login(browser)
    assert response.status_code == 200, response.content
    return browser


def obtain_pair(client=None, email="ada@example.com", password=PASSWORD) -> dict:
    client = client or APIClient()
    response = client.post(
        "/api/auth/token/", {"email": email, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()
