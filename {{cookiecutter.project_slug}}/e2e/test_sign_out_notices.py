"""What the login page says: why a session ended when the user did not end it themselves (revoked
from another device, expired), and how long to wait after too many failed sign-ins. And an
anonymous visit logs no error in the console (no request fails)."""

import math
import re

from playwright.sync_api import expect

from helpers import Traffic, alerts, confirm, sign_in

NOTICE = "signed-out-notice"


def test_a_session_revoked_from_another_device_is_explained_at_login(browser, base_url, user):
    laptop = browser.new_context(base_url=base_url)
    phone = browser.new_context(base_url=base_url, user_agent="Mozilla/5.0 (iPhone) Safari/604.1")
    laptop_page, phone_page = laptop.new_page(), phone.new_page()
    sign_in(phone_page, user)
    sign_in(laptop_page, user)

    laptop_page.get_by_role("button", name="Revoke Safari on iOS").click()
    confirm(laptop_page, "Revoke")
    expect(laptop_page.get_by_test_id("session")).to_have_count(1)
    phone_page.reload()  # the phone's next visit

    expect(phone_page).to_have_url(re.compile(r"/login\?next=%2Fdashboard&reason=revoked$"))
    expect(phone_page.get_by_test_id(NOTICE)).to_have_text(re.compile("ended elsewhere"))
    expect(phone_page.get_by_test_id(NOTICE)).to_have_attribute("role", "status")
    expect(alerts(phone_page)).to_have_count(0)
    laptop.close()
    phone.close()


def test_own_logout_shows_no_notice(page, user):
    sign_in(page, user)
    page.get_by_role("button", name="Log out", exact=True).click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_label("Email")).to_be_visible()
    expect(page.get_by_test_id(NOTICE)).to_have_count(0)


def test_the_notice_shows_only_known_reasons(page):
    page.goto("/login?reason=%3Cb%3EYour%20bank%20says%20hi%3C%2Fb%3E")
    expect(page.get_by_label("Email")).to_be_visible()
    expect(page.get_by_test_id(NOTICE)).to_have_count(0)
    expect(page.get_by_text("Your bank says hi")).to_have_count(0)


def test_a_throttled_login_says_how_long_to_wait(page, user):
    # Failed sign-ins of one account from one address are held back after a few (conftest.py's
    # servers keep the default, LOGIN_FAILURES_PER_CLIENT=5), one attempt per period that
    # doubles from 1 s: wrong passwords, quickly enough, meet a 429 with Retry-After.
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    statuses = []
    for _ in range(15):
        page.get_by_label("Password").fill("not the password")
        with page.expect_response("**/api/auth/login/") as response:
            page.get_by_role("button", name="Log in").click()
        statuses.append(response.value.status)
        expect(page.get_by_role("button", name="Log in")).to_be_enabled()
        if statuses[-1] == 429:
            break
    assert statuses[-1] == 429, statuses
    expect(alerts(page)).to_have_text(
        f"Too many sign-in attempts. Please wait {wait_phrase(response.value)} before trying again."
    )


def wait_phrase(response) -> str:
    """What the page should say of the response's Retry-After (which CORS must let it read)."""
    seconds = int(response.headers["retry-after"])
    count, unit = (seconds, "second") if seconds < 60 else (math.ceil(seconds / 60), "minute")
    return f"{count} {unit}{'' if count == 1 else 's'}"


def test_an_anonymous_visit_logs_no_error(page, context, api_url):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    traffic = Traffic(api_url).attach(context)

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_label("Email")).to_be_visible()
    page.goto("/login")
    expect(page.get_by_label("Email")).to_be_visible()
    page.wait_for_load_state("networkidle")

    assert traffic.count("GET", "/api/auth/session/") >= 2  # each page load asked
    assert [call for call in traffic.calls if call[2] >= 400] == []
    assert errors == []
