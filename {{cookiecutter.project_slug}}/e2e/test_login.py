"""Signing in in a real browser: the protected page's redirect, wrong passwords, and where the
tokens live."""

import re

from playwright.sync_api import expect

from conftest import PASSWORD
from helpers import Traffic, alerts, cookie, sign_in


def test_protected_page_sends_to_login_and_back(page, user):
    page.goto("/dashboard?tab=sessions")

    expect(page).to_have_url(re.compile(r"/login\?next=%2Fdashboard%3Ftab%3Dsessions$"))
    expect(page.get_by_test_id("user-email")).to_have_count(0)  # nothing protected flashed
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(re.compile(r"/dashboard\?tab=sessions$"))
    expect(page.get_by_test_id("user-email")).to_have_text(user.email)
    expect(page.get_by_test_id("user-name")).to_have_text("Ada Lovelace")
    expect(page.get_by_test_id("user-role")).to_have_text("client")


def test_next_never_leaves_the_site(page, user):
    page.goto("/login?next=https://evil.example.net/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def test_wrong_password_shows_an_alert_and_sets_no_token(page, context, user):
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()

    expect(alerts(page)).to_contain_text("don't match")
    expect(page).to_have_url(re.compile(r"/login$"))
    assert cookie(context, "access") is None
    assert cookie(context, "refresh") is None


def test_tokens_only_in_httponly_cookies(page, context, user, api_url):
    traffic = Traffic(api_url).attach(context)
    sign_in(page, user)
    expect(page.get_by_test_id("session")).to_have_count(1)

    access, refresh = cookie(context, "access"), cookie(context, "refresh")
    assert access["httpOnly"] and refresh["httpOnly"]
    assert access["sameSite"] == refresh["sameSite"] == "Lax"
    assert access["path"] == "/"
    assert refresh["path"] == "/api/auth/"  # sent to the auth endpoints only

    tokens = [access["value"], refresh["value"]]
    visible = page.evaluate(
        """() => [document.cookie,
                  JSON.stringify({...localStorage}),
                  JSON.stringify({...sessionStorage})].join("\\n")"""
    )
    assert not any(token in visible for token in tokens)
    assert "access=" not in visible and "refresh=" not in visible

    bodies = [response.text() for response in traffic.responses if response.status != 204]
    assert len(bodies) >= 4  # csrf, login, me, sessions at least
    assert not any(token in body for token in tokens for body in bodies)
