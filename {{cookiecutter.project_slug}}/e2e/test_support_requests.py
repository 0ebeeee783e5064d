"""The support request pages in a real browser: a client opens a request, replies and finds it
by its status; someone else's request is "not found", by its address or in the list; staff see
every request, change a status and reply, and the client sees both; pages of a long list; an
admin deletes a request after confirming."""

import re
import secrets

from playwright.sync_api import expect

from conftest import add_authenticator_app, make_user
from helpers import Traffic, alerts, confirm, sign_in


def make_request(author, subject: str | None = None, **fields):
    from support.models import SupportRequest

    return SupportRequest.objects.create(
        author=author,
        subject=subject or f"Printer jam {secrets.token_hex(3)}",
        body=fields.pop("body", "The printer on the second floor jams on every page."),
        **fields,
    )


def stored(request):
    request.refresh_from_db()
    return request


def rows(page):
    return page.get_by_test_id("request-row")


def row(page, subject: str):
    return rows(page).filter(has=page.get_by_role("link", name=subject, exact=True))


def test_a_client_opens_a_request_replies_and_finds_it_by_its_status(page, user):
    from support.models import SupportRequest

    sign_in(page, user)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    expect(page.get_by_role("heading", name="Support requests", level=1)).to_be_visible()
    expect(page.get_by_test_id("requests-empty")).to_contain_text("opened a request yet")

    page.get_by_role("link", name="Open your first request").click()
    expect(page).to_have_url(re.compile(r"/requests/new$"))
    subject = page.get_by_label("Subject")
    expect(subject).to_be_focused()

    # Nothing filled in: the API's own messages, under each field, and the focus on the first.
    page.get_by_role("button", name="Send request").click()
    expect(subject).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#subject-error")).to_have_text("This field may not be blank.")
    expect(page.locator("#body-error")).to_have_text("This field may not be blank.")
    expect(subject).to_have_accessible_description("This field may not be blank.")
    expect(subject).to_be_focused()
    assert not SupportRequest.objects.filter(author=user).exists()

    subject.fill("The printer is on fire")
    page.get_by_label("Message").fill("Smoke since this morning.\nPlease hurry.")
    page.get_by_role("button", name="Send request").click()

    expect(page).to_have_url(re.compile(r"/requests/\d+$"))
    created = SupportRequest.objects.get(author=user)
    assert page.url.endswith(f"/requests/{created.pk}")
    expect(page.get_by_role("heading", name="The printer is on fire", level=1)).to_be_visible()
    expect(page.get_by_test_id("request-status")).to_have_text("Open")
    thread = page.get_by_test_id("message")
    expect(thread).to_have_count(1)
    expect(thread.first).to_contain_text("Smoke since this morning.")

    # An empty reply is refused, with the API's message on the field.
    page.get_by_role("button", name="Send reply").click()
    reply = page.get_by_label("Your reply")
    expect(reply).to_have_attribute("aria-invalid", "true")
    expect(reply).to_have_accessible_description("This field may not be blank.")

    reply.fill("Any news?")
    page.get_by_role("button", name="Send reply").click()
    expect(thread).to_have_count(2)
    expect(thread.nth(1)).to_contain_text("Any news?")
    expect(thread.nth(1)).to_contain_text("You")
    expect(page.get_by_role("status").filter(has_text="Your reply was sent.")).to_be_visible()
    expect(reply).to_have_value("")
    assert [r.body for r in created.replies.all()] == ["Any news?"]

    page.get_by_role("link", name="All requests").click()
    expect(row(page, "The printer is on fire")).to_contain_text("1 reply")
    expect(row(page, "The printer is on fire").get_by_test_id("request-status")).to_have_text(
        "Open"
    )
    expect(page.get_by_test_id("request-author")).to_have_count(0)  # their own: no author

    filters = page.get_by_role("navigation", name="Filter by status")
    filters.get_by_role("link", name="Resolved").click()
    expect(page).to_have_url(re.compile(r"/requests\?status=resolved$"))
    expect(filters.get_by_role("link", name="Resolved")).to_have_attribute("aria-current", "page")
    expect(page.get_by_test_id("requests-empty")).to_have_text(re.compile("No resolved requests"))
    expect(rows(page)).to_have_count(0)

    filters.get_by_role("link", name="Open").click()
    expect(page).to_have_url(re.compile(r"/requests\?status=open$"))
    expect(page.get_by_test_id("requests-summary")).to_have_text("1 open request")
    expect(rows(page)).to_have_count(1)

    page.reload()  # the filter is in the address
    expect(filters.get_by_role("link", name="Open")).to_have_attribute("aria-current", "page")
    expect(rows(page)).to_have_count(1)


def test_a_client_never_sees_someone_elses_request(page, api_url, user, other_user):
    secret = f"Grace's salary {secrets.token_hex(4)}"
    theirs = make_request(other_user, secret, body=f"Confidential: {secret}")
    mine = make_request(user)
    traffic = Traffic(api_url).attach(page.context)
    sign_in(page, user)

    page.goto(f"/requests/{theirs.pk}")
    expect(page.get_by_role("heading", name="Request not found")).to_be_visible()
    assert traffic.statuses("GET", f"/api/support/requests/{theirs.pk}/") == [404]
    expect(page.locator("body")).not_to_contain_text(secret)
    expect(page.get_by_test_id("thread")).to_have_count(0)
    expect(page.get_by_label("Your reply")).to_have_count(0)

    page.goto("/requests/not-a-number")
    expect(page.get_by_role("heading", name="Request not found")).to_be_visible()

    page.get_by_role("link", name="Go to your requests").click()
    expect(row(page, mine.subject)).to_be_visible()
    expect(rows(page)).to_have_count(1)
    expect(page.locator("body")).not_to_contain_text(secret)


def test_staff_change_the_status_and_reply_and_the_client_sees_both(
    browser, base_url, page, user, other_user, staff_user
):
    first = make_request(user)
    second = make_request(other_user)
    sign_in(page, staff_user)
    page.goto("/requests")
    for request, author in ((first, user), (second, other_user)):
        expect(row(page, request.subject).get_by_test_id("request-author")).to_contain_text(
            author.name
        )

    row(page, first.subject).get_by_role("link").click()
    expect(page.get_by_role("heading", name=first.subject, level=1)).to_be_visible()
    expect(page.get_by_text(f"Opened by {user.name}")).to_be_visible()
    page.get_by_label("Change the status to").select_option(label="Resolved")
    page.get_by_role("button", name="Save status").click()
    expect(page.get_by_test_id("status-saved")).to_have_text("The status is now Resolved.")
    expect(page.get_by_test_id("request-status")).to_have_text("Resolved")
    assert stored(first).status == "resolved"

    page.get_by_label("Your reply").fill("We replaced the toner. Fixed?")
    page.get_by_role("button", name="Send reply").click()
    staff_reply = page.get_by_test_id("message").nth(1)
    expect(staff_reply).to_contain_text("We replaced the toner. Fixed?")
    assert stored(first).status == "resolved"  # a staff reply leaves the status alone

    client = browser.new_context(base_url=base_url).new_page()
    sign_in(client, user)
    client.goto("/requests")
    expect(row(client, first.subject).get_by_test_id("request-status")).to_have_text("Resolved")
    expect(row(client, first.subject)).to_contain_text("1 reply")
    client.get_by_role("navigation", name="Filter by status").get_by_role(
        "link", name="Resolved"
    ).click()
    expect(rows(client)).to_have_count(1)
    row(client, first.subject).get_by_role("link").click()

    reply = client.get_by_test_id("message").nth(1)
    expect(reply).to_contain_text("We replaced the toner. Fixed?")
    expect(reply).to_contain_text(staff_user.name)
    expect(reply).to_contain_text("Support team")
    expect(client.get_by_label("Change the status to")).to_have_count(0)  # staff only

    # A client's reply to a resolved request opens it again, and says so before.
    box = client.get_by_label("Your reply")
    expect(box).to_have_accessible_description(re.compile("your reply opens it again"))
    box.fill("Still smoking.")
    client.get_by_role("button", name="Send reply").click()
    expect(client.get_by_test_id("request-status")).to_have_text("Open")
    assert stored(first).status == "open"
    client.context.close()


def test_a_long_list_has_pages(page, user):
    from support.models import SupportRequest

    SupportRequest.objects.bulk_create(
        SupportRequest(author=user, subject=f"Question {number:02}", body="?")
        for number in range(1, 22)
    )
    sign_in(page, user)
    page.goto("/requests")
    expect(page.get_by_test_id("requests-summary")).to_have_text("21 requests")
    expect(rows(page)).to_have_count(20)
    pages = page.get_by_role("navigation", name="Pages")
    expect(pages).to_contain_text("Page 1 of 2")
    expect(pages.get_by_role("link", name="Previous page")).to_have_count(0)  # inert at the start

    pages.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(r"/requests\?page=2$"))
    expect(pages).to_contain_text("Page 2 of 2")
    expect(rows(page)).to_have_count(1)

    pages.get_by_role("link", name="Previous page").click()
    expect(page).to_have_url(re.compile(r"/requests$"))
    expect(rows(page)).to_have_count(20)

    page.goto("/requests?page=9")
    expect(page.get_by_text(re.compile(r"no page 9 of this list"))).to_be_visible()
    page.get_by_role("link", name="Go to the first page").click()
    expect(rows(page)).to_have_count(20)


def test_an_admin_deletes_a_request_after_confirming(page, user):
    from support.models import SupportRequest

    admin = add_authenticator_app(make_user(name="Ada Admin", role="admin"))
    request = make_request(user)
    sign_in(page, admin)
    page.goto(f"/requests/{request.pk}")

    page.get_by_role("button", name="Delete request").click()
    page.keyboard.press("Escape")  # cancelled
    expect(page.get_by_role("heading", name=request.subject, level=1)).to_be_visible()
    assert SupportRequest.objects.filter(pk=request.pk).exists()

    page.get_by_role("button", name="Delete request").click()
    confirm(page, "Delete request")
    expect(page).to_have_url(re.compile(r"/requests$"))
    expect(page.get_by_role("heading", name="Support requests", level=1)).to_be_visible()
    expect(alerts(page)).to_have_count(0)
    assert not SupportRequest.objects.filter(pk=request.pk).exists()


def test_staff_see_no_delete_button(page, user, staff_user):
    request = make_request(user)
    sign_in(page, staff_user)
    page.goto(f"/requests/{request.pk}")
    expect(page.get_by_label("Change the status to")).to_be_visible()
    expect(page.get_by_role("button", name="Delete request")).to_have_count(0)
