"""The throttles of the account endpoints anyone may call (accounts/throttles.py): per client IP
and per target address, each endpoint on its own counters, 429 with Retry-After."""

from types import SimpleNamespace

import pytest

from accounts.throttles import AccountAddressThrottle, email_digest

RESET = "/api/auth/password-reset/"


@pytest.fixture(autouse=True)
def rates(settings):
    settings.ACCOUNT_IP_RATE = "6/hour"
    settings.ACCOUNT_EMAIL_RATE = "3/hour"


def ask(browser, email, ip="127.0.0.1"):
    return browser.post(RESET, {"email": email}, format="json", REMOTE_ADDR=ip)


def assert_throttled(response):
    assert response.status_code == 429, response.content
    assert int(response["Retry-After"]) > 0
    assert response.json()["detail"]


def test_one_address_from_many_ips_is_held_at_the_per_address_limit(browser, user):
    for i in range(3):
        assert ask(browser, "ada@example.com", ip=f"10.0.0.{i}").status_code == 202
    assert_throttled(ask(browser, "ada@example.com", ip="10.0.0.99"))
    # Variants of the address are the same address.
    assert_throttled(ask(browser, " ADA@Example.com", ip="10.0.0.98"))


def test_a_victims_address_locks_out_nobody_else(browser, user):
    # Someone spends the victim's budget from one IP: other addresses, from other IPs, go on.
    for _ in range(5):
        ask(browser, "ada@example.com", ip="10.0.0.1")
    assert_throttled(ask(browser, "ada@example.com", ip="10.0.0.2"))
    for i in range(3):
        assert ask(browser, f"other{i}@example.com", ip="10.0.0.2").status_code == 202
    # The attacker's own IP has requests left under its limit, for other addresses only.
    assert ask(browser, "grace@example.com", ip="10.0.0.1").status_code == 202


def test_different_addresses_from_one_ip_hit_the_ip_limit(browser, db):
    for i in range(6):
        assert ask(browser, f"person{i}@example.com").status_code == 202
    assert_throttled(ask(browser, "someone-new@example.com"))
    assert ask(browser, "someone-new@example.com", ip="10.0.0.5").status_code == 202


def test_endpoints_count_separately(browser, db):
    for _ in range(3):
        ask(browser, "ada@example.com")
    assert_throttled(ask(browser, "ada@example.com"))
    body = {"uid": "MQ", "token": "nope", "new_password": "a new long passphrase"}
    response = browser.post("/api/auth/password-reset/confirm/", body, format="json")
    assert response.status_code == 400  # not throttled: its own counters


def test_the_cache_key_holds_a_digest_not_the_address():
    request = SimpleNamespace(data={"email": " Secret.Person@Example.com"})
    key = AccountAddressThrottle().get_cache_key(request, SimpleNamespace(throttle_scope="x"))
    assert "secret" not in key.lower()
    assert email_digest("secret.person@example.com") in key


def test_a_body_without_an_address_is_a_400_not_a_throttle(browser, db):
    for _ in range(4):
        response = browser.post(RESET, {"email": ["not", "a", "string"]}, format="json")
        assert response.status_code == 400
        assert "email" in response.json()["errors"]
