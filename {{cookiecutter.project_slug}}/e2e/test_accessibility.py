"""Every page passes axe-core's WCAG 2.2 AA checks (no serious or critical violation) on a phone
and on a desktop, in the light and the dark theme: signed out (login, 404), as a client
(dashboard, its user menu and a confirm dialog open, "Not allowed"), as staff (users)."""

from playwright.sync_api import expect
from support.models import SupportRequest  # example_app

from accessibility import report
from helpers import sign_in

LAYOUTS = [
    (390, "light"),
    (390, "dark"),
    (1280, "light"),
    (1280, "dark"),
]


def check_layouts(page, what: str) -> list[str]:
    """The page as it is, in every layout: what is wrong, one entry per layout."""
    problems = []
    for width, scheme in LAYOUTS:
        page.set_viewport_size({"width": width, "height": 844})
        page.emulate_media(color_scheme=scheme)
        if found := report(page, f"{what}, {width}px, {scheme}"):
            problems.append(found)
    return problems


def assert_none(problems: list[str]) -> None:
    assert not problems, "\n\n".join(problems)


def test_signed_out_pages(page):
    problems = []
    page.goto("/login")
    expect(page.get_by_label("Email")).to_be_visible()
    problems += check_layouts(page, "/login")

    page.goto("/login?reason=revoked")
    expect(page.get_by_test_id("signed-out-notice")).to_be_visible()
    problems += check_layouts(page, "/login with a notice")

    page.goto("/no-such-page")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    problems += check_layouts(page, "404")
    assert_none(problems)


def test_client_pages(page, user):
    problems = []
    sign_in(page, user)
    expect(page.get_by_test_id("session")).to_have_count(1)
    problems += check_layouts(page, "/dashboard")

    page.get_by_test_id("user-menu-button").click()
    expect(page.get_by_role("link", name="Settings")).to_be_visible()
    problems += check_layouts(page, "/dashboard, user menu open")
    page.keyboard.press("Escape")

    page.get_by_role("button", name="Log out everywhere").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    problems += check_layouts(page, "/dashboard, confirm dialog open")
    page.keyboard.press("Escape")

    page.goto("/users")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    problems += check_layouts(page, "/users as a client (not allowed)")

    jam = SupportRequest.objects.create(author=user, subject="Jam", body="?")  # example_app
    page.goto("/requests")  # example_app
    expect(page.get_by_test_id("request-row")).to_have_count(1)  # example_app
    problems += check_layouts(page, "/requests as a client")  # example_app
    page.goto(f"/requests/{jam.pk}")  # example_app
    expect(page.get_by_test_id("message")).to_have_count(1)  # example_app
    problems += check_layouts(page, "a request as a client")  # example_app
    page.goto("/requests/new")  # example_app
    page.get_by_role("button", name="Send request").click()  # example_app
    expect(page.locator("#subject-error")).to_be_visible()  # example_app
    problems += check_layouts(page, "/requests/new with the API's errors")  # example_app
    assert_none(problems)


def test_staff_pages(page, staff_user):
    problems = []
    sign_in(page, staff_user)
    page.goto("/users")
    expect(page.get_by_role("heading", name="Users", level=1)).to_be_visible()
    problems += check_layouts(page, "/users as staff")

    jam = SupportRequest.objects.create(author=staff_user, subject="Jam", body="?")  # example_app
    page.goto("/requests")  # example_app
    expect(page.get_by_test_id("request-author").first).to_be_visible()  # example_app
    problems += check_layouts(page, "/requests as staff")  # example_app
    page.goto(f"/requests/{jam.pk}")  # example_app
    expect(page.get_by_label("Change the status to")).to_be_visible()  # example_app
    problems += check_layouts(page, "a request as staff")  # example_app
    assert_none(problems)
