"""The app's shell in a real browser: the navigation marks the current page and shows staff
pages to staff only, the user menu works from the keyboard, a client gets "Not allowed" on a staff
page, the 404 page, confirmations before ending sessions, and nothing wider than a phone."""

import re

from playwright.sync_api import expect

from helpers import confirm, sessions_of, sign_in


def nav(page):
    return page.get_by_role("navigation", name="Main")


def test_nav_marks_the_current_page_and_shows_staff_pages_to_staff(page, staff_user):
    sign_in(page, staff_user)
    home = nav(page).get_by_role("link", name="Home")
    users = nav(page).get_by_role("link", name="Users")
    expect(home).to_have_attribute("aria-current", "page")
    expect(users).not_to_have_attribute("aria-current", "page")

    users.click()

    expect(page).to_have_url(re.compile(r"/users$"))
    expect(page.get_by_role("heading", name="Users", level=1)).to_be_visible()
    expect(users).to_have_attribute("aria-current", "page")
    expect(home).not_to_have_attribute("aria-current", "page")
    expect(nav(page).locator('[aria-current="page"]')).to_have_count(1)


def test_a_client_sees_no_staff_link_and_not_allowed_on_a_staff_page(page, user):
    sign_in(page, user)
    expect(nav(page).get_by_role("link", name="Home")).to_be_visible()
    expect(nav(page).get_by_role("link", name="Users")).to_have_count(0)

    page.goto("/users")

    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_role("heading", name="Users")).to_have_count(0)
    page.get_by_role("link", name="Back to home").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def test_the_brand_links_home(page, user):
    sign_in(page, user)
    page.goto("/users")
    page.get_by_role("banner").get_by_role("link").first.click()  # the brand
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def test_user_menu_by_keyboard(page, user):
    sign_in(page, user)
    button = page.get_by_test_id("user-menu-button")
    expect(button).to_contain_text(user.name)
    expect(button).to_have_attribute("aria-expanded", "false")
    settings = page.get_by_role("link", name="Settings")
    expect(settings).to_be_hidden()

    button.focus()
    page.keyboard.press("Enter")

    expect(button).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_text(user.email, exact=True).first).to_be_visible()
    expect(settings).to_be_focused()  # the focus moved into the menu
    page.keyboard.press("Escape")
    expect(settings).to_be_hidden()
    expect(button).to_be_focused()  # and came back to its button
    expect(button).to_have_attribute("aria-expanded", "false")

    page.keyboard.press("Enter")
    expect(settings).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("banner").get_by_role("button", name="Log out")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/login$"))  # their own logout: no notice
    expect(page.get_by_test_id("signed-out-notice")).to_have_count(0)
    assert sessions_of(user)[0].revoked_at is not None


def test_user_menu_closes_on_a_click_outside_and_opens_the_settings(page, user):
    sign_in(page, user)
    button = page.get_by_test_id("user-menu-button")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    page.get_by_role("heading", level=1).click()
    expect(button).to_have_attribute("aria-expanded", "false")

    button.click()
    page.get_by_role("link", name="Settings").click()
    expect(page).to_have_url(re.compile(r"/settings$"))
    expect(page.get_by_role("heading", name="Settings", level=1)).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")


def test_confirmation_before_logging_out_everywhere(page, user):
    sign_in(page, user)
    trigger = page.get_by_role("button", name="Log out everywhere")
    dialog = page.get_by_role("dialog", name="Log out everywhere?")

    trigger.click()  # cancelled with Escape
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(trigger).to_be_focused()

    trigger.click()  # cancelled with its button
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(trigger).to_be_focused()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    assert [s.revoked_at for s in sessions_of(user)] == [None]

    trigger.click()  # confirmed
    confirm(page, "Log out everywhere")
    expect(page).to_have_url(re.compile(r"/login$"))
    assert sessions_of(user)[0].revoked_at is not None


def test_confirmation_before_revoking_another_device(browser, base_url, page, user):
    phone = browser.new_context(base_url=base_url, user_agent="Mozilla/5.0 (iPhone) Safari/604.1")
    sign_in(phone.new_page(), user)
    sign_in(page, user)
    revoke = page.get_by_role("button", name="Revoke Safari on iOS")

    revoke.click()
    expect(page.get_by_role("dialog", name="Sign out Safari on iOS?")).to_be_visible()
    page.keyboard.press("Escape")
    expect(revoke).to_be_focused()
    assert [s.revoked_at for s in sessions_of(user)] == [None, None]

    revoke.click()
    confirm(page, "Revoke")
    expect(page.get_by_test_id("session")).to_have_count(1)
    assert sessions_of(user)[0].revoked_at is not None  # the phone's, signed in first
    assert sessions_of(user)[1].revoked_at is None
    phone.close()


def test_not_found_page(page, user):
    response = page.goto("/no-such-page")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    page.get_by_role("link", name="Go to the home page").click()
    expect(page).to_have_url(re.compile(r"/login$"))  # home, for someone not signed in

    sign_in(page, user)
    page.goto("/no-such-page")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(nav(page)).to_be_visible()  # a signed-in user keeps the app's navigation


def test_fits_a_phone(page, staff_user):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, staff_user)
    for link in ("Home", "Users"):
        expect(nav(page).get_by_role("link", name=link)).to_be_in_viewport()
    page.get_by_test_id("user-menu-button").click()
    expect(page.get_by_role("link", name="Settings")).to_be_in_viewport()
    wider = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert wider <= 0, f"the page is {wider}px wider than the phone"
