"""Tabs still tell each other they signed out in a browser without BroadcastChannel (Safari
before 15.4): through localStorage's `storage` event."""

import re

from playwright.sync_api import expect

from helpers import HIDDEN_TAB, sign_in

NO_BROADCAST_CHANNEL = "delete window.BroadcastChannel;"


def test_logout_signs_out_other_tabs_without_broadcast_channel(context, user, api_url):
    context.add_init_script(NO_BROADCAST_CHANNEL)
    first, second = context.new_page(), context.new_page()
    second.add_init_script(HIDDEN_TAB)  # it renews nothing by itself: only a message moves it
    sign_in(first, user)
    second.goto("/dashboard")
    expect(second.get_by_test_id("user-email")).to_have_text(user.email)
    assert second.evaluate("typeof BroadcastChannel") == "undefined"
    calls: list[str] = []
    second.on("request", lambda r: r.url.startswith(api_url) and calls.append(r.url))

    first.get_by_role("button", name="Log out", exact=True).click()

    expect(first).to_have_url(re.compile(r"/login$"))
    expect(second).to_have_url(re.compile(r"/login$"))  # told at once, no request needed
    assert calls == []
