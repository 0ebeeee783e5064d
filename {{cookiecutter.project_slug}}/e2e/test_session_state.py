"""The tab's session state: only the API saying "not signed in" ends a session (an unreachable
API is retried by itself), and what was asked for one session never lands in the next one."""

import json
import re
import time

from playwright.sync_api import expect

from conftest import PASSWORD
from helpers import alerts, answer, click_refresh, sign_in

# Who is signed in: what a page load (and the dashboard's Refresh) asks first.
SESSION = "**/api/auth/session/"


def main_frame_urls(page) -> list[str]:
    """Every URL the page's main frame goes to from now on (client-side navigations included)."""
    urls = []
    page.on(
        "framenavigated", lambda frame: urls.append(frame.url) if frame == page.main_frame else None
    )
    return urls


def wait_until(page, condition, timeout: float = 15) -> None:
    """Waits for a condition on what route handlers saw (they run while Playwright waits)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(100)


def test_unreachable_api_on_load_is_retried_not_a_sign_out(page, base_url, user):
    sign_in(page, user)
    calls = []

    def bad_gateway(route):
        calls.append(time.monotonic())
        answer(route, base_url, 502, "<html><body>502 Bad Gateway</body></html>", "text/html")

    page.route(SESSION, bad_gateway)
    urls = main_frame_urls(page)
    page.reload()

    expect(alerts(page).filter(has_text="reach the server")).to_be_visible()
    expect(page.get_by_role("button", name="Try again")).to_be_enabled()
    expect(page.get_by_test_id("user-email")).to_have_count(0)
    wait_until(page, lambda: len(calls) >= 3)  # tried again by itself, backing off: 1 s, then 2 s
    assert calls[2] - calls[1] > calls[1] - calls[0] > 0.8
    assert not any("/login" in url for url in urls)

    page.unroute(SESSION)  # the API is back: the page recovers without a click
    expect(page.get_by_test_id("user-email")).to_have_text(user.email, timeout=15_000)
    expect(alerts(page)).to_have_count(0)
    assert not any("/login" in url for url in urls)
    assert re.search(r"/dashboard$", page.url)


def test_late_profile_after_sign_out_does_not_bring_the_user_back(context, base_url, user):
    first, second = context.new_page(), context.new_page()
    sign_in(first, user)
    second.goto("/dashboard")
    expect(second.get_by_test_id("user-email")).to_have_text(user.email)
    held = []
    first.route(SESSION, lambda route: held.append(route))  # answered later, by hand
    click_refresh(first)
    wait_until(first, lambda: held)

    second.get_by_role("button", name="Log out", exact=True).click()
    expect(first).to_have_url(re.compile(r"/login$"))
    urls = main_frame_urls(first)
    profile = {"id": user.pk, "email": user.email, "name": user.name, "role": user.role}
    state = {"user": profile, "refreshable": True}
    answer(held[0], base_url, 200, json.dumps(state), "application/json")  # asked before

    first.wait_for_timeout(1500)
    assert not any("/dashboard" in url for url in urls)
    expect(first).to_have_url(re.compile(r"/login$"))
    expect(first.get_by_test_id("user-email")).to_have_count(0)


def test_sessions_list_follows_the_signed_in_user(browser, context, base_url, user, other_user):
    elsewhere = browser.new_context(base_url=base_url)
    sign_in(elsewhere.new_page(), user)
    first = context.new_page()
    sign_in(first, user)
    expect(first.get_by_test_id("session")).to_have_count(2)

    # Another user signs in from another tab of the same browser (that tab never learnt who
    # was signed in, so it still shows the form).
    second = context.new_page()
    second.route(SESSION, lambda route: route.abort())
    second.goto("/login")
    second.get_by_label("Email").fill(other_user.email)
    second.get_by_label("Password").fill(PASSWORD)
    second.get_by_role("button", name="Log in").click()

    expect(first.get_by_test_id("user-email")).to_have_text(other_user.email)
    expect(first.get_by_test_id("session")).to_have_count(1)  # theirs, not the first user's
    expect(first.get_by_text("This device")).to_be_visible()
    elsewhere.close()
