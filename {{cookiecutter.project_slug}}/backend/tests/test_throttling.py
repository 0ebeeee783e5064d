"""Login throttling (accounts/throttles.py): per client IP, then failures only, per account and
client IP and per account from addresses it never signed in from; shared by the API's two login
endpoints and the admin's login page."""

from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.test import APIClient

from accounts.checks import num_proxies_is_set
from accounts.models import User
from accounts.throttles import BACKOFF_MAX_SECONDS

from .conftest import PASSWORD, login, make_client, with_csrf

EMAIL = "ada@example.com"
WRONG = "not the password"
HOME = "192.0.2.10"  # where the owner signs in from
ADMIN_EMAIL = "boss@example.com"
ADMIN_PASSWORD = "a long admin passphrase"


def attempt(email=EMAIL, password=PASSWORD, *, ip="127.0.0.1", via="token", **extra):
    """One sign-in from `ip` through the token flow, the browser flow or the admin's form."""
    if via == "token":
        client = APIClient(HTTP_USER_AGENT="pytest-cli/1.0")
        body = {"email": email, "password": password}
        return client.post("/api/auth/token/", body, format="json", REMOTE_ADDR=ip, **extra)
    if via == "login":
        return login(with_csrf(make_client()), email, password, REMOTE_ADDR=ip, **extra)
    assert via == "admin"
    client = Client(HTTP_USER_AGENT="pytest-browser/1.0")
    response = admin_login(client, email, password, REMOTE_ADDR=ip, **extra)
    response.client = client
    return response


def admin_login(client, email=ADMIN_EMAIL, password=ADMIN_PASSWORD, **extra):
    client.get("/admin/login/")  # the CSRF cookie, as a browser would
    body = {"username": email, "password": password, "next": "/admin/"}
    return client.post("/admin/login/", body, **extra)


def admin_signed_in(response) -> bool:
    """Did this admin sign-in succeed: a redirect, and the client now holds an admin session?"""
    client = response.client
    home = client.get("/admin/")
    if response.status_code == 302 and home.status_code == 200:
        return True
    assert response.status_code == 200  # the login page again, with the form's error
    assert home.status_code == 302 and home["Location"].startswith("/admin/login/")
    assert "_auth_user_id" not in client.session
    return False


def fail(n, email=EMAIL, *, ip="127.0.0.1", via="token", **extra):
    """`n` wrong passwords; returns the statuses."""
    return [attempt(email, WRONG, ip=ip, via=via, **extra).status_code for _ in range(n)]


def assert_throttled(response):
    assert response.status_code == 429, response.content
    assert int(response["Retry-After"]) > 0
    assert response.json()["detail"]
    assert "access" not in response.cookies and "refresh" not in response.cookies


@pytest.fixture(autouse=True)
def clock():
    """A stopped clock: no backoff period ends while a test runs, however slow the machine."""
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def generous_ip_rate(settings):
    """The per-IP rate out of the way, for tests about the per-account counters."""
    settings.LOGIN_THROTTLE_RATE = "1000/min"


@pytest.fixture
def home(user):
    """The owner has signed in from HOME before."""
    assert attempt(ip=HOME).status_code == 200
    return HOME


@pytest.fixture
def boss(db) -> User:
    return User.objects.create_superuser(email=ADMIN_EMAIL, password=ADMIN_PASSWORD)


def proxies(settings, n: int) -> None:
    # DRF reloads api_settings on setting_changed, which pytest-django's `settings` sends.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": n}


# --- Per client IP, whatever the account --------------------------------------------------------


def test_login_is_throttled_per_ip(settings, browser, user):
    settings.LOGIN_THROTTLE_RATE = "3/min"
    for i in range(3):
        assert login(browser, email=f"other{i}@example.com").status_code == 401
    assert_throttled(login(browser))
    assert attempt(ip="10.9.9.9").status_code == 200  # another address is not affected


def test_the_ip_rate_also_holds_for_the_admin_form(settings, boss):
    settings.LOGIN_THROTTLE_RATE = "3/min"
    for i in range(3):
        assert attempt(f"other{i}@example.com", via="token").status_code == 401
    response = attempt(ADMIN_EMAIL, ADMIN_PASSWORD, via="admin")
    assert not admin_signed_in(response)
    assert "try again" in response.content.decode()


def test_forwarded_for_is_ignored_without_trusted_proxies(settings, browser, user):
    proxies(settings, 0)
    settings.LOGIN_THROTTLE_RATE = "2/min"
    for i in range(2):
        login(browser, email=f"x{i}@example.com", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert login(browser, HTTP_X_FORWARDED_FOR="203.0.113.77").status_code == 429


# --- Failures from elsewhere never lock the owner out -------------------------------------------


def test_wrong_passwords_from_ten_addresses_do_not_lock_the_owner_out(db, user, home):
    # A lockout keyed on the email alone would make this a 429 for the owner.
    for i in range(10):
        via = "token" if i % 2 else "login"
        assert attempt(password=WRONG, ip=f"10.0.0.{i}", via=via).status_code == 401
    assert attempt(ip=home, via="login").status_code == 200
    assert attempt(ip=home, via="token").status_code == 200


def test_a_flood_past_every_limit_does_not_lock_the_owner_out_at_home(settings, user, home):
    settings.LOGIN_THROTTLE_RATE = "10/min"
    per_address = settings.LOGIN_FAILURES_PER_CLIENT + 1
    assert 10 * per_address > settings.LOGIN_FAILURES_PER_ACCOUNT
    for i in range(10):
        for via in ("token", "login") * (per_address // 2):
            attempt(password=WRONG, ip=f"10.0.0.{i}", via=via)
    assert_throttled(attempt(ip="10.0.0.200"))  # a stranger: the account's backoff
    assert attempt(ip=home, via="login").status_code == 200
    assert attempt(ip=home, via="token").status_code == 200


def test_successful_logins_are_not_counted(generous_ip_rate, user):
    for _ in range(20):
        assert attempt(via="login").status_code == 200
    for _ in range(20):
        assert attempt(via="token", ip="10.0.0.1").status_code == 200


# --- Per account and client IP ------------------------------------------------------------------


def test_the_attempt_after_the_limit_is_refused_even_with_the_right_password(
    settings, generous_ip_rate, user
):
    limit = settings.LOGIN_FAILURES_PER_CLIENT
    assert fail(limit, ip="10.0.0.1") == [401] * limit
    assert_throttled(attempt(ip="10.0.0.1"))


def test_per_client_limit_spares_other_addresses_and_other_accounts(
    settings, generous_ip_rate, user
):
    User.objects.create_user(email="grace@example.com", password=PASSWORD)
    limit = settings.LOGIN_FAILURES_PER_CLIENT
    fail(limit + 1, ip="10.0.0.1")  # past the limit, whichever attempt it starts refusing
    assert_throttled(attempt(ip="10.0.0.1"))
    assert attempt(ip="10.0.0.2").status_code == 200  # the same account from elsewhere
    assert attempt("grace@example.com", ip="10.0.0.1").status_code == 200  # another account
    assert attempt("grace@example.com", WRONG, ip="10.0.0.1").status_code == 401


def test_a_success_resets_the_count(settings, generous_ip_rate, user):
    limit = settings.LOGIN_FAILURES_PER_CLIENT
    assert fail(limit - 1) == [401] * (limit - 1)
    assert attempt().status_code == 200
    assert fail(limit - 1) == [401] * (limit - 1)
    assert attempt().status_code == 200


def test_backoff_lets_one_attempt_through_per_period_doubling_up_to_15_minutes(
    settings, generous_ip_rate, user, clock
):
    settings.LOGIN_FAILURES_PER_CLIENT = 2
    periods = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, BACKOFF_MAX_SECONDS, BACKOFF_MAX_SECONDS]
    assert BACKOFF_MAX_SECONDS == 15 * 60
    statuses = []
    while 429 not in statuses:
        statuses.append(attempt(password=WRONG).status_code)
        assert len(statuses) <= settings.LOGIN_FAILURES_PER_CLIENT + 2
    for period in periods:
        refused = attempt(password=WRONG)
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) == period
        clock.shift(period - 0.5)
        still = attempt()  # even the right password waits for the period to end
        assert still.status_code == 429
        assert int(still["Retry-After"]) == 1
        clock.shift(0.5)
        assert attempt(password=WRONG).status_code == 401  # this period's one attempt
    clock.shift(BACKOFF_MAX_SECONDS)
    assert attempt().status_code == 200  # the owner, in a period's slot
    assert attempt(password=WRONG).status_code == 401  # and the count starts over


# --- Per account, from all addresses together ---------------------------------------------------


def test_account_ceiling_holds_back_strangers_but_not_known_addresses(
    settings, generous_ip_rate, user, home
):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    for i in range(settings.LOGIN_FAILURES_PER_ACCOUNT + 1):  # one address each
        assert attempt(password=WRONG, ip=f"10.0.0.{i}").status_code in (401, 429)
    assert_throttled(attempt(ip="10.0.0.99"))  # a fresh address, even with the right password
    assert attempt(ip=home, via="login").status_code == 200


def test_account_ceiling_after_exactly_the_limit(settings, generous_ip_rate, user):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    for i in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        assert attempt(password=WRONG, ip=f"10.0.0.{i}").status_code == 401
    assert_throttled(attempt(ip="10.0.0.99"))


def test_email_variants_share_the_counters(settings, generous_ip_rate, user):
    variants = ["ADA@Example.com ", "  ada@example.com", "ADA@EXAMPLE.COM", "Ada@Example.Com\t"]
    for i in range(settings.LOGIN_FAILURES_PER_CLIENT + 1):
        attempt(variants[i % len(variants)], WRONG)
    assert_throttled(attempt(EMAIL))
    assert_throttled(attempt("ADA@Example.com ", via="login"))


# --- The client IP is DRF's, with NUM_PROXIES ---------------------------------------------------


def test_a_forged_forwarded_for_gives_no_fresh_budget(settings, generous_ip_rate, user):
    proxies(settings, 0)
    for i in range(settings.LOGIN_FAILURES_PER_CLIENT + 1):
        attempt(password=WRONG, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert_throttled(attempt(HTTP_X_FORWARDED_FOR="203.0.113.99"))


def test_behind_one_proxy_the_forwarded_address_is_the_key(settings, generous_ip_rate, user):
    proxies(settings, 1)
    proxy = {"ip": "10.1.1.1"}
    for _ in range(settings.LOGIN_FAILURES_PER_CLIENT + 1):
        attempt(password=WRONG, HTTP_X_FORWARDED_FOR="203.0.113.1", **proxy)
    assert_throttled(attempt(HTTP_X_FORWARDED_FOR="203.0.113.1", **proxy))
    # A client cannot pick its address by prepending one: the proxy appends the real one.
    assert_throttled(attempt(HTTP_X_FORWARDED_FOR="198.51.100.5, 203.0.113.1", **proxy))
    # Another client behind the same proxy is not affected.
    assert attempt(HTTP_X_FORWARDED_FOR="203.0.113.2", **proxy).status_code == 200


def test_behind_one_proxy_known_addresses_are_the_forwarded_ones(settings, generous_ip_rate, user):
    proxies(settings, 1)
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    proxy = {"ip": "10.1.1.1"}
    assert attempt(HTTP_X_FORWARDED_FOR=HOME, **proxy).status_code == 200
    for i in range(settings.LOGIN_FAILURES_PER_ACCOUNT + 1):
        attempt(password=WRONG, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}", **proxy)
    assert_throttled(attempt(HTTP_X_FORWARDED_FOR="203.0.113.99", **proxy))
    assert attempt(HTTP_X_FORWARDED_FOR=HOME, **proxy).status_code == 200


@pytest.mark.parametrize(
    ("debug", "num_proxies", "errors"),
    [(False, -1, ["accounts.E002"]), (False, 0, []), (False, 2, []), (True, -1, [])],
)
def test_num_proxies_must_be_set_without_debug(settings, debug, num_proxies, errors):
    settings.DEBUG = debug
    settings.NUM_PROXIES = num_proxies
    assert [error.id for error in num_proxies_is_set()] == errors


# --- The admin's login page shares the counters -------------------------------------------------


def test_admin_login_is_throttled_too(settings, generous_ip_rate, boss):
    # Without the throttle on the admin's form, this would sign in.
    for _ in range(15):
        assert not admin_signed_in(attempt(ADMIN_EMAIL, WRONG, via="admin"))
    response = attempt(ADMIN_EMAIL, ADMIN_PASSWORD, via="admin")
    assert not admin_signed_in(response)
    assert "try again" in response.content.decode()


def test_admin_form_failures_count_for_the_api(settings, generous_ip_rate, boss):
    fail(settings.LOGIN_FAILURES_PER_CLIENT + 1, ADMIN_EMAIL, via="admin")
    assert_throttled(attempt(ADMIN_EMAIL, ADMIN_PASSWORD))
    assert_throttled(attempt(ADMIN_EMAIL, ADMIN_PASSWORD, via="login"))


def test_api_failures_count_for_the_admin_form(settings, generous_ip_rate, boss):
    fail(settings.LOGIN_FAILURES_PER_CLIENT + 1, ADMIN_EMAIL, via="login")
    response = attempt(ADMIN_EMAIL, ADMIN_PASSWORD, via="admin")
    assert not admin_signed_in(response)
    assert "try again" in response.content.decode()


def test_a_successful_admin_login_resets_the_count(settings, generous_ip_rate, boss):
    limit = settings.LOGIN_FAILURES_PER_CLIENT
    fail(limit - 1, ADMIN_EMAIL, via="admin")
    assert admin_signed_in(attempt(ADMIN_EMAIL, ADMIN_PASSWORD, via="admin"))
    assert fail(limit - 1, ADMIN_EMAIL) == [401] * (limit - 1)
    assert attempt(ADMIN_EMAIL, ADMIN_PASSWORD).status_code == 200


def test_admin_form_sign_in_gets_the_known_address_exemption(settings, generous_ip_rate, boss):
    # The admin signs in at HOME through the admin's page only; then strangers flood the account.
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    assert admin_signed_in(attempt(ADMIN_EMAIL, ADMIN_PASSWORD, ip=HOME, via="admin"))
    for i in range(settings.LOGIN_FAILURES_PER_ACCOUNT + 1):
        attempt(ADMIN_EMAIL, WRONG, ip=f"10.0.0.{i}")
    assert_throttled(attempt(ADMIN_EMAIL, ADMIN_PASSWORD, ip="10.0.0.99"))
    assert admin_signed_in(attempt(ADMIN_EMAIL, ADMIN_PASSWORD, ip=HOME, via="admin"))


# --- Superusers get no weak password ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["12345678", "password"])
def test_createsuperuser_refuses_a_weak_password(monkeypatch, password):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", password)
    with pytest.raises(CommandError):
        call_command(
            "createsuperuser", interactive=False, email=ADMIN_EMAIL, name="Boss", stdout=StringIO()
        )
    assert not User.objects.exists()


@pytest.mark.django_db
def test_createsuperuser_accepts_a_good_passphrase(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", ADMIN_PASSWORD)
    call_command(
        "createsuperuser", interactive=False, email=ADMIN_EMAIL, name="Boss", stdout=StringIO()
    )
    boss = User.objects.get()
    assert boss.is_superuser and boss.check_password(ADMIN_PASSWORD)


@pytest.mark.django_db
def test_create_superuser_validates_the_password():
    with pytest.raises(ValidationError):
        User.objects.create_superuser(ADMIN_EMAIL, "short")
    assert not User.objects.exists()
