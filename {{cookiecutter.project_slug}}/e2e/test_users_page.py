"""The users page in a real browser: staff list every user, filter by role, search and page; a
client gets "Not allowed", and the page never asks the API for the list."""

import re
import secrets

from playwright.sync_api import expect

from conftest import make_user
from helpers import Traffic, sign_in


def table_rows(page):
    return page.get_by_test_id("users-table").locator("tbody tr")


def test_staff_list_filter_and_search_the_users(page, staff_user):
    from accounts.models import User

    tag = secrets.token_hex(4)  # the database holds other tests' users too
    client = make_user(name=f"Zoe Client {tag}")
    colleague = make_user(name=f"Sol Staff {tag}", role="staff")
    inactive = make_user(name=f"Ian Inactive {tag}", is_active=False)
    sign_in(page, staff_user)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", name="Users", level=1)).to_be_visible()
    everyone = User.objects.count()
    expect(page.get_by_test_id("users-summary")).to_have_text(f"{everyone} users")
    expect(table_rows(page)).to_have_count(min(everyone, 20))
    headers = page.get_by_test_id("users-table").get_by_role("columnheader")
    expect(headers).to_have_text(["Email", "Name", "Role", "Active", "Joined"])

    search = page.get_by_role("searchbox", name="Email or name")
    search.fill(tag)
    search.press("Enter")
    expect(page).to_have_url(re.compile(rf"/users\?search={tag}$"))
    expect(page.get_by_test_id("users-summary")).to_have_text(f"3 users matching “{tag}”")
    expect(table_rows(page)).to_have_count(3)
    row = table_rows(page).filter(has_text=client.email)
    expect(row.get_by_role("cell")).to_have_text(
        [client.email, client.name, "Client", "Yes", re.compile(r"\d{4}")]
    )
    inactive_row = table_rows(page).filter(has_text=inactive.email)
    expect(inactive_row.get_by_role("cell").nth(3)).to_have_text("No")

    roles = page.get_by_role("navigation", name="Filter by role")
    roles.get_by_role("link", name="Staff").click()  # the search stays
    expect(page).to_have_url(re.compile(rf"/users\?role=staff&search={tag}$"))
    expect(roles.get_by_role("link", name="Staff")).to_have_attribute("aria-current", "page")
    expect(table_rows(page)).to_have_count(1)
    expect(table_rows(page).first).to_contain_text(colleague.email)
    expect(search).to_have_value(tag)

    search.fill("")
    search.press("Enter")  # the role stays
    expect(page).to_have_url(re.compile(r"/users\?role=staff$"))
    staff = User.objects.filter(role="staff").count()
    expect(page.get_by_test_id("users-summary")).to_have_text(f"{staff} users")
    roles_column = page.get_by_test_id("users-table").locator("tbody td:nth-child(3)")
    expect(roles_column).to_have_text(["Staff"] * min(staff, 20))

    page.get_by_role("link", name="Everyone").click()
    expect(page).to_have_url(re.compile(r"/users$"))


def test_a_long_list_of_users_has_pages(page, staff_user):
    from accounts.models import User

    tag = secrets.token_hex(4)
    User.objects.bulk_create(
        User(email=f"many{number:02}-{tag}@example.com", name=f"Many {tag}")
        for number in range(1, 22)
    )
    sign_in(page, staff_user)
    page.goto(f"/users?search={tag}")
    expect(page.get_by_test_id("users-summary")).to_have_text(f"21 users matching “{tag}”")
    expect(table_rows(page)).to_have_count(20)
    expect(table_rows(page).first).to_contain_text(f"many01-{tag}@")  # email order

    pages = page.get_by_role("navigation", name="Pages")
    pages.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(rf"/users\?search={tag}&page=2$"))
    expect(table_rows(page)).to_have_count(1)
    expect(table_rows(page).first).to_contain_text(f"many21-{tag}@")


def test_a_client_is_not_allowed_and_the_list_is_never_asked_for(page, api_url, user):
    other = make_user(name="Someone Else")
    traffic = Traffic(api_url).attach(page.context)
    sign_in(page, user)

    page.goto("/users")

    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_test_id("users-table")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(other.email)
    assert not [call for call in traffic.calls if call[1].startswith("/api/users/")]
