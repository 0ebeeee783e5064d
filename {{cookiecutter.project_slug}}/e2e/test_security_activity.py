"""The security log in a real browser: a user reads their sign-in and a wrong password typed on
another device (with each device and IP address) on /settings/activity; staff read it on the
user's page; nobody else's events show, and a client cannot read another user's log."""

import re

from playwright.sync_api import expect

from accessibility import report
from conftest import make_user
from helpers import alerts, sign_in

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
LOCAL_IP = re.compile(r"^(127\.0\.0\.1|::1)$")
WHEN = re.compile(r"^(now|\d+ minutes? ago)$")
LAYOUTS = [(390, "light"), (1280, "dark")]


def fail_a_password(browser, base_url, user, user_agent=FIREFOX) -> None:
    """A wrong password for `user` on the login page of another browser (another device)."""
    context = browser.new_context(base_url=base_url, user_agent=user_agent)
    try:
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill("not the password at all")
        page.get_by_role("button", name="Log in").click()
        expect(alerts(page)).to_contain_text("don't match")
    finally:
        context.close()


def events(page):
    return page.get_by_test_id("security-event")


def row(page, description: str):
    return events(page).filter(has=page.get_by_role("cell", name=description, exact=True))


def accessibility_problems(page, what: str) -> list[str]:
    problems = []
    for width, scheme in LAYOUTS:
        page.set_viewport_size({"width": width, "height": 844})
        page.emulate_media(color_scheme=scheme)
        if found := report(page, f"{what}, {width}px, {scheme}"):
            problems.append(found)
    return problems


def test_a_user_reads_their_sign_in_and_a_wrong_password_typed_elsewhere(
    page, browser, base_url, user, other_user
):
    sign_in(page, user)
    fail_a_password(browser, base_url, user)
    fail_a_password(browser, base_url, other_user)  # someone else's: never on this page

    page.goto("/settings/activity")
    expect(page.get_by_role("heading", name="Security activity", level=1)).to_be_visible()
    expect(page.get_by_test_id("security-events-summary")).to_have_text("2 events")
    headers = page.get_by_test_id("security-events").get_by_role("columnheader")
    expect(headers).to_have_text(["What happened", "When", "Device", "IP address"])
    expect(events(page)).to_have_count(2)

    failed, signed_in = events(page).nth(0), events(page).nth(1)  # newest first
    expect(failed.get_by_role("cell")).to_have_text(
        ["Wrong password entered", WHEN, "Firefox on Windows", LOCAL_IP]
    )
    expect(signed_in.get_by_role("cell")).to_have_text(
        ["Signed in with the password", WHEN, re.compile(r"^Chrome on "), LOCAL_IP]
    )
    # The exact time is there too: machine-readable, and in the title.
    time = failed.locator("time")
    expect(time).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\dT"))
    expect(time).to_have_attribute("title", re.compile(r"\d{4}"))
    expect(failed.get_by_role("cell").nth(2)).to_have_attribute("title", FIREFOX)
    problems = accessibility_problems(page, "/settings/activity")
    assert not problems, "\n\n".join(problems)


def test_staff_read_a_users_activity_on_their_page(page, browser, base_url, user, staff_user):
    fail_a_password(browser, base_url, user)
    sign_in(page, staff_user)
    page.goto(f"/users/{user.pk}")
    expect(page.get_by_role("heading", name=user.name, level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Security activity", level=2)).to_be_visible()
    expect(events(page)).to_have_count(1)
    expect(row(page, "Wrong password entered").get_by_role("cell")).to_have_text(
        ["Wrong password entered", WHEN, "Firefox on Windows", LOCAL_IP]
    )
    problems = accessibility_problems(page, "a user's page with their activity")
    assert not problems, "\n\n".join(problems)

    # Their own page shows their sign-in, with its second step; a new account's, nothing yet.
    page.goto(f"/users/{staff_user.pk}")
    expect(row(page, "Signed in with the password and an authenticator app code")).to_have_count(1)
    newcomer = make_user(name="Nia Newcomer")
    page.goto(f"/users/{newcomer.pk}")
    expect(page.get_by_test_id("security-events-empty")).to_contain_text("No security activity yet")
    expect(page.get_by_test_id("security-events-summary")).to_have_text("0 events")


def test_a_client_cannot_read_another_users_log(page, user, api_url):
    client = make_user(name="Grace Hopper")
    sign_in(page, client)
    response = page.request.get(f"{api_url}/api/users/{user.pk}/security-events/")
    assert response.status == 403
    assert response.json() == {"detail": "Only staff can do this."}
    page.goto(f"/users/{user.pk}")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_test_id("security-activity")).to_have_count(0)
