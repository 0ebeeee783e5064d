"""The `next` of the login page never leaves the site: a signed-in visitor of /login?next=... is
sent on at once, without a click, so a `next` that normalises to "//host" would be an open
redirect (see web/src/lib/auth/next-path.ts)."""

import re
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from helpers import sign_in

EVIL = "evil.example"

# The values the page reads from ?next= (each is percent-encoded into the URL below).
HOSTILE = [
    "/.//evil.example",
    "/..//evil.example",
    "/%2e//evil.example",
    "/%252e//evil.example",
    "/%2f/evil.example",
    "/\\evil.example",
    "/\t/evil.example",
    "//evil.example",
]


def login_url(next_path: str) -> str:
    return "/login?next=" + quote(next_path, safe="/")


@pytest.fixture
def evil_requests(context) -> list[str]:
    """Every request the browser makes to evil.example (none reaches the network)."""
    seen: list[str] = []

    def record(request):
        host = urlsplit(request.url).hostname or ""
        if host == EVIL or host.endswith(f".{EVIL}"):
            seen.append(request.url)

    context.on("request", record)
    context.route(re.compile(r"^[a-z]+://([^/?#]*\.)?evil\.example([:/?#]|$)"), lambda r: r.abort())
    return seen


def assert_on_dashboard(page, base_url, user, query: str = "") -> None:
    expect(page).to_have_url(re.compile(re.escape(f"{base_url}/dashboard{query}") + "$"))
    expect(page.get_by_test_id("user-email")).to_have_text(user.email)


@pytest.mark.parametrize("next_path", HOSTILE)
def test_signed_in_visitor_is_not_sent_off_site(page, base_url, user, evil_requests, next_path):
    sign_in(page, user)

    page.goto(login_url(next_path))

    assert_on_dashboard(page, base_url, user)
    page.wait_for_load_state("networkidle")
    assert evil_requests == []


def test_signing_in_with_a_hostile_next_stays_on_the_site(page, base_url, user, evil_requests):
    page.goto(login_url("/.//evil.example"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    assert_on_dashboard(page, base_url, user)
    page.wait_for_load_state("networkidle")
    assert evil_requests == []


def test_signed_in_visitor_follows_a_next_on_the_site(page, base_url, user, evil_requests):
    sign_in(page, user)

    page.goto(login_url("/dashboard?x=1"))

    assert_on_dashboard(page, base_url, user, "?x=1")
    assert evil_requests == []
