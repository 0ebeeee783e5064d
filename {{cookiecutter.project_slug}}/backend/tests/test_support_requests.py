"""What the support request endpoints do: the list (pages, filters, order), opening a request,
reading one, changing its status, replying. Who may do it: test_support_access.py."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from support.models import SupportRequest

from .conftest import acting_as, make_client, make_user

LIST = "/api/support/requests/"


def detail(pk) -> str:
    return f"{LIST}{pk}/"


@pytest.fixture
def staff(db) -> User:
    return make_user("sam@example.com", role=User.Role.STAFF, name="Sam Staff")


def open_request(author, subject="Subject", *, days_ago=0, **fields) -> SupportRequest:
    """A request created and last updated `days_ago` (auto_now fields: set by update())."""
    request = SupportRequest.objects.create(author=author, subject=subject, body="Body", **fields)
    when = timezone.now() - timedelta(days=days_ago)
    SupportRequest.objects.filter(pk=request.pk).update(created_at=when, updated_at=when)
    request.refresh_from_db()
    return request


def subjects(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["subject"] for item in response.json()["results"]]


# --- The list -------------------------------------------------------------------------------


def test_each_request_in_the_list(user, staff):
    request = open_request(user, "Printer on fire")
    request.add_reply(staff, "Try water.")
    body = acting_as(user).get(LIST).json()
    assert body["count"] == 1 and body["next"] is None and body["previous"] is None
    item = body["results"][0]
    assert item == {
        "id": request.pk,
        "subject": "Printer on fire",
        "status": "open",
        "author": {"id": user.pk, "name": "Ada Lovelace", "email": "ada@example.com"},
        "created_at": item["created_at"],
        "updated_at": item["updated_at"],
        "reply_count": 1,
    }
    assert item["updated_at"] > item["created_at"]


def test_most_recently_updated_first(user):
    open_request(user, "old", days_ago=3)
    open_request(user, "new", days_ago=1)
    middle = open_request(user, "middle", days_ago=2)
    assert subjects(acting_as(user).get(LIST)) == ["new", "middle", "old"]
    middle.add_reply(user, "Any news?")  # an update
    assert subjects(acting_as(user).get(LIST)) == ["middle", "new", "old"]


def test_ordering(user):
    first = open_request(user, "first", days_ago=3)
    open_request(user, "second", days_ago=2)
    SupportRequest.objects.filter(pk=first.pk).update(updated_at=timezone.now())
    client = acting_as(user)
    assert subjects(client.get(LIST, {"ordering": "created_at"})) == ["first", "second"]
    assert subjects(client.get(LIST, {"ordering": "-created_at"})) == ["second", "first"]
    assert subjects(client.get(LIST, {"ordering": "updated_at"})) == ["second", "first"]
    assert subjects(client.get(LIST, {"ordering": "-updated_at"})) == ["first", "second"]


def test_filter_by_status(user):
    open_request(user, "fixed", status=SupportRequest.Status.RESOLVED)
    open_request(user, "pending")
    client = acting_as(user)
    assert subjects(client.get(LIST, {"status": "resolved"})) == ["fixed"]
    assert subjects(client.get(LIST, {"status": "open"})) == ["pending"]
    assert subjects(client.get(LIST, {"status": "closed"})) == []


def test_search_in_subject_and_body(user):
    open_request(user, "Invoice missing")
    SupportRequest.objects.create(author=user, subject="Other", body="About my INVOICE")
    open_request(user, "Unrelated")
    assert sorted(subjects(acting_as(user).get(LIST, {"search": "invoice"}))) == [
        "Invoice missing",
        "Other",
    ]


def test_pages(user):
    for n in range(5):
        open_request(user, f"request {n}", days_ago=n)
    client = acting_as(user)
    first = client.get(LIST, {"page_size": 2}).json()
    assert first["count"] == 5
    assert [r["subject"] for r in first["results"]] == ["request 0", "request 1"]
    assert "page=2" in first["next"]
    last = client.get(LIST, {"page_size": 2, "page": 3}).json()
    assert [r["subject"] for r in last["results"]] == ["request 4"]
    assert last["next"] is None and "page=2" in last["previous"]


def test_page_size_is_capped_at_100(user):
    SupportRequest.objects.bulk_create(
        SupportRequest(author=user, subject=f"s{n}", body="b") for n in range(101)
    )
    assert len(acting_as(user).get(LIST, {"page_size": 500}).json()["results"]) == 100


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "pending"}, "status"),
        ({"status": "OPEN"}, "status"),
        ({"status": "open' OR 1=1 --"}, "status"),
        ({"ordering": "subject"}, "ordering"),
        ({"ordering": "author__password"}, "ordering"),
        ({"ordering": "created_at,body"}, "ordering"),
        ({"search": "x" * 201}, "search"),
    ],
)
def test_bad_parameters_are_400(user, params, field):
    open_request(user)
    response = acting_as(user).get(LIST, params)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith(f"{field}: ")
    assert field in body["errors"]


@pytest.mark.parametrize("page", ["0", "-1", "9", "abc", "99999999999999999999"])
def test_pages_that_do_not_exist_are_404(user, page):
    open_request(user)
    response = acting_as(user).get(LIST, {"page": page})
    assert response.status_code == 404
    assert response.json()["detail"]


def test_the_list_takes_the_same_queries_however_long(user, staff):
    client = acting_as(staff)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    open_request(user).add_reply(staff, "Hello")
    few = queries()
    for n in range(6):
        request = open_request(make_user(f"client{n}@example.com"))
        request.add_reply(staff, "Hello")
        request.add_reply(request.author, "Thanks")
    assert queries() == few <= 2  # the count and the page


# --- Opening a request ----------------------------------------------------------------------


def test_open_a_request(user):
    response = acting_as(user).post(
        LIST, {"subject": "  Broken link  ", "body": "On the pricing page."}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    request = SupportRequest.objects.get()
    assert body == {
        "id": request.pk,
        "subject": "Broken link",
        "status": "open",
        "author": {"id": user.pk, "name": "Ada Lovelace", "email": "ada@example.com"},
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
        "reply_count": 0,
        "body": "On the pricing page.",
        "replies": [],
    }
    assert request.author == user


def test_open_a_request_through_the_browser_flow(signed_in):
    """Cookies and the CSRF token, as the web client sends them."""
    response = signed_in.post(LIST, {"subject": "Hi", "body": "There"}, format="json")
    assert response.status_code == 201
    signed_in.credentials()  # no CSRF header
    assert (
        signed_in.post(LIST, {"subject": "Hi", "body": "There"}, format="json").status_code == 403
    )


def test_a_new_request_is_open_whatever_the_body_says(user):
    response = acting_as(user).post(
        LIST,
        {
            "subject": "S",
            "body": "B",
            "status": "resolved",
            "id": 4242,
            "reply_count": 99,
            "created_at": "2000-01-01T00:00:00Z",
        },
        format="json",
    )
    assert response.status_code == 201
    request = SupportRequest.objects.get()
    assert request.status == "open"
    assert response.json()["id"] == request.pk != 4242
    assert request.created_at.year > 2000
    assert response.json()["reply_count"] == 0


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"body": "no subject"}, "subject"),
        ({"subject": "   ", "body": "blank subject"}, "subject"),
        ({"subject": "x" * 201, "body": "long subject"}, "subject"),
        ({"subject": "no body"}, "body"),
        ({"subject": "huge body", "body": "x" * 10_001}, "body"),
        ({"subject": ["a list"], "body": "b"}, "subject"),
        ({"subject": {"an": "object"}, "body": "b"}, "subject"),
    ],
)
def test_an_invalid_request_is_400(user, data, field):
    response = acting_as(user).post(LIST, data, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not SupportRequest.objects.exists()


def test_a_body_that_is_not_json_is_400(user):
    response = acting_as(user).post(LIST, "subject=x", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]


# --- One request, its status, its replies ---------------------------------------------------


def test_a_request_with_its_replies_oldest_first(user, staff):
    request = open_request(user, "Help")
    first = request.add_reply(staff, "What happened?")
    second = request.add_reply(user, "It broke.")
    body = acting_as(user).get(detail(request.pk)).json()
    assert body["body"] == "Body"
    assert body["reply_count"] == 2
    assert body["replies"] == [
        {
            "id": first.pk,
            "author": {
                "id": staff.pk,
                "name": "Sam Staff",
                "email": "sam@example.com",
                "role": "staff",
            },
            "body": "What happened?",
            "created_at": body["replies"][0]["created_at"],
        },
        {
            "id": second.pk,
            "author": {
                "id": user.pk,
                "name": "Ada Lovelace",
                "email": "ada@example.com",
                "role": "client",
            },
            "body": "It broke.",
            "created_at": body["replies"][1]["created_at"],
        },
    ]


def test_a_status_change_answers_with_the_whole_request(user, staff):
    request = open_request(user, days_ago=1)
    response = acting_as(staff).patch(detail(request.pk), {"status": "resolved"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "resolved" and body["replies"] == [] and body["body"] == "Body"
    request.refresh_from_db()
    assert request.updated_at > timezone.now() - timedelta(minutes=1)


def test_a_status_change_changes_nothing_else(user, staff):
    request = open_request(user, "Original")
    response = acting_as(staff).patch(
        detail(request.pk),
        {"status": "closed", "subject": "Changed", "body": "Changed", "author": staff.pk},
        format="json",
    )
    assert response.status_code == 200
    request.refresh_from_db()
    assert (request.status, request.subject, request.body, request.author) == (
        "closed",
        "Original",
        "Body",
        user,
    )


@pytest.mark.parametrize("status", ["done", "", None, 3, ["open"]])
def test_an_unknown_status_is_400(user, staff, status):
    request = open_request(user)
    response = acting_as(staff).patch(detail(request.pk), {"status": status}, format="json")
    assert response.status_code == 400
    assert "status" in response.json()["errors"]
    request.refresh_from_db()
    assert request.status == "open"


def test_put_is_not_allowed(user, staff):
    request = open_request(user)
    response = acting_as(staff).put(detail(request.pk), {"status": "closed"}, format="json")
    assert response.status_code == 405


def test_a_reply_bumps_the_request(user, staff):
    request = open_request(user, days_ago=2)
    response = acting_as(user).post(
        f"{detail(request.pk)}replies/", {"body": "Any news?", "author": staff.pk}, format="json"
    )
    assert response.status_code == 201
    reply = request.replies.get()
    assert response.json() == {
        "id": reply.pk,
        "author": {
            "id": user.pk,
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "role": "client",
        },
        "body": "Any news?",
        "created_at": response.json()["created_at"],
    }
    request.refresh_from_db()
    assert request.updated_at > timezone.now() - timedelta(minutes=1)


@pytest.mark.parametrize("status", ["resolved", "closed"])
def test_a_clients_reply_opens_a_finished_request_again(user, staff, status):
    request = open_request(user, status=status)
    acting_as(user).post(f"{detail(request.pk)}replies/", {"body": "Still broken"}, format="json")
    request.refresh_from_db()
    assert request.status == "open"


@pytest.mark.parametrize("status", ["resolved", "closed", "in_progress"])
def test_a_staff_reply_leaves_the_status(user, staff, status):
    request = open_request(user, status=status)
    acting_as(staff).post(f"{detail(request.pk)}replies/", {"body": "Noted"}, format="json")
    request.refresh_from_db()
    assert request.status == status


def test_a_clients_reply_leaves_a_request_in_progress(user):
    request = open_request(user, status=SupportRequest.Status.IN_PROGRESS)
    acting_as(user).post(f"{detail(request.pk)}replies/", {"body": "More info"}, format="json")
    request.refresh_from_db()
    assert request.status == "in_progress"


@pytest.mark.parametrize("data", [{}, {"body": ""}, {"body": "  "}, {"body": "x" * 10_001}])
def test_an_invalid_reply_is_400(user, data):
    request = open_request(user)
    response = acting_as(user).post(f"{detail(request.pk)}replies/", data, format="json")
    assert response.status_code == 400
    assert "body" in response.json()["errors"]
    assert not request.replies.exists()


# --- Documented -----------------------------------------------------------------------------


def test_the_schema_documents_the_support_endpoints(db):
    schema = make_client().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    listing = paths[LIST]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {
        "page",
        "page_size",
        "status",
        "search",
        "ordering",
    }
    page = listing["responses"]["200"]["content"]["application/json"]["schema"]
    assert page == {"$ref": "#/components/schemas/PaginatedSupportRequestList"}
    assert {"400", "401", "404"} <= set(listing["responses"])
    one = LIST + "{id}/"  # the path as OpenAPI writes it
    assert set(paths[one]) == {"get", "patch", "delete"}
    for method in ("get", "patch", "delete"):
        assert "404" in paths[one][method]["responses"]
    assert "201" in paths[LIST]["post"]["responses"]
    assert "201" in paths[one + "replies/"]["post"]["responses"]
    status = schema["components"]["schemas"]["StatusEnum"]["enum"]
    assert status == ["open", "in_progress", "resolved", "closed"]


def test_a_reply_keeps_a_status_staff_set_meanwhile(user):
    request = open_request(user)
    SupportRequest.objects.filter(pk=request.pk).update(status="in_progress")
    request.add_reply(user, "Hello?")  # `request` still says "open"
    request.refresh_from_db()
    assert request.status == "in_progress"
