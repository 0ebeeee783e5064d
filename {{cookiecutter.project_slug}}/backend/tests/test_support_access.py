"""Who sees and does what with support requests. Someone else's request is a 404 for a client,
exactly as a request that does not exist, and nothing of it comes back."""

import pytest

from accounts.models import User
from support.models import Reply, SupportRequest

from .conftest import acting_as, make_client, make_user

LIST = "/api/support/requests/"
SECRET = "Eve's private subject"


def detail(pk) -> str:
    return f"{LIST}{pk}/"


@pytest.fixture
def eve(db) -> User:
    return make_user("eve@example.com", name="Eve")


@pytest.fixture
def staff(db) -> User:
    return make_user("sam@example.com", role=User.Role.STAFF, name="Sam Staff")


@pytest.fixture
def admin(db) -> User:
    return make_user("root@example.com", role=User.Role.ADMIN, name="Root")


@pytest.fixture
def eves_request(eve) -> SupportRequest:
    request = SupportRequest.objects.create(author=eve, subject=SECRET, body="Eve's private body")
    request.replies.create(author=eve, body="Eve's private reply")
    return request


@pytest.fixture
def adas_request(user) -> SupportRequest:
    return SupportRequest.objects.create(author=user, subject="Ada's subject", body="Ada's body")


def assert_not_found(response):
    assert response.status_code == 404, response.content
    assert "Eve" not in response.content.decode()
    assert list(response.json()) == ["detail"]


# --- Another client's request: 404, no data, nothing changed -------------------------------


def test_a_client_does_not_list_others_requests(user, eves_request, adas_request):
    response = acting_as(user).get(LIST)
    assert [item["id"] for item in response.json()["results"]] == [adas_request.pk]
    assert SECRET not in response.content.decode()


def test_the_filters_do_not_reach_others_requests(user, eves_request):
    for params in ({"search": "Eve"}, {"status": "open"}, {"ordering": "created_at"}):
        assert acting_as(user).get(LIST, params).json()["count"] == 0


def test_a_client_cannot_read_others_requests(user, eves_request):
    response = acting_as(user).get(detail(eves_request.pk))
    assert_not_found(response)
    # Exactly what a request that does not exist gets: no way to tell that it does.
    missing = acting_as(user).get(detail(eves_request.pk + 1000))
    assert response.json() == missing.json()


def test_a_client_cannot_change_the_status_of_others_requests(user, eves_request):
    response = acting_as(user).patch(detail(eves_request.pk), {"status": "closed"}, format="json")
    assert_not_found(response)
    eves_request.refresh_from_db()
    assert eves_request.status == "open"


def test_a_client_cannot_reply_to_others_requests(user, eves_request):
    response = acting_as(user).post(
        f"{detail(eves_request.pk)}replies/", {"body": "Hi Eve"}, format="json"
    )
    assert_not_found(response)
    assert not Reply.objects.filter(author=user).exists()


def test_a_client_cannot_delete_others_requests(user, eves_request):
    assert_not_found(acting_as(user).delete(detail(eves_request.pk)))
    assert SupportRequest.objects.filter(pk=eves_request.pk).exists()


def test_the_author_is_the_sender_whatever_the_body_says(user, eve):
    response = acting_as(user).post(
        LIST,
        {"subject": "Mine", "body": "Text", "author": eve.pk, "author_id": eve.pk},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["author"]["id"] == user.pk
    assert not SupportRequest.objects.filter(author=eve).exists()


# --- Staff and admins -----------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ["staff", "admin"])
def test_staff_see_every_request(request, viewer, eves_request, adas_request):
    client = acting_as(request.getfixturevalue(viewer))
    listed = client.get(LIST).json()
    assert {item["id"] for item in listed["results"]} == {eves_request.pk, adas_request.pk}
    body = client.get(detail(eves_request.pk)).json()
    assert body["subject"] == SECRET
    assert [reply["body"] for reply in body["replies"]] == ["Eve's private reply"]


def test_staff_change_the_status(staff, eves_request):
    response = acting_as(staff).patch(
        detail(eves_request.pk), {"status": "in_progress"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"
    eves_request.refresh_from_db()
    assert eves_request.status == "in_progress"


def test_a_client_cannot_change_the_status_of_their_own_request(user, adas_request):
    response = acting_as(user).patch(detail(adas_request.pk), {"status": "closed"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Only staff can change the status of a request."}
    adas_request.refresh_from_db()
    assert adas_request.status == "open"


def test_staff_reply_to_any_request(staff, eves_request):
    response = acting_as(staff).post(
        f"{detail(eves_request.pk)}replies/", {"body": "We are on it."}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["author"]["role"] == "staff"


@pytest.mark.parametrize(
    ("who", "status"), [("user", 403), ("staff", 403), ("admin", 204)], ids=str
)
def test_only_admins_delete(request, adas_request, who, status):
    response = acting_as(request.getfixturevalue(who)).delete(detail(adas_request.pk))
    assert response.status_code == status
    assert SupportRequest.objects.filter(pk=adas_request.pk).exists() is (status != 204)
    if status == 403:
        assert response.json()["detail"] == "Only admins can delete a request."


def test_deleting_a_request_deletes_its_replies(admin, eves_request):
    assert acting_as(admin).delete(detail(eves_request.pk)).status_code == 204
    assert not Reply.objects.exists()


def test_a_deactivated_staff_member_is_a_stranger(staff, eves_request):
    staff.is_active = False
    staff.save()
    assert acting_as(staff).get(detail(eves_request.pk)).status_code == 404


# --- Anonymous, and ids that are no request -------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", LIST),
        ("post", LIST),
        ("get", "{detail}"),
        ("patch", "{detail}"),
        ("delete", "{detail}"),
        ("post", "{detail}replies/"),
    ],
)
def test_not_signed_in_is_401(eves_request, method, path):
    url = path.format(detail=detail(eves_request.pk))
    response = getattr(make_client(), method)(url, {}, format="json")
    assert response.status_code == 401
    assert SECRET not in response.content.decode()


@pytest.mark.parametrize(
    "pk", ["0", "-1", "99999999999999999999999", "9223372036854775808", "abc", "1.0", "1e3", "%20"]
)
@pytest.mark.parametrize("viewer", ["user", "staff"])
def test_ids_that_are_no_request_are_404(request, eves_request, viewer, pk):
    client = acting_as(request.getfixturevalue(viewer))
    for response in (
        client.get(f"{LIST}{pk}/"),
        client.patch(f"{LIST}{pk}/", {"status": "closed"}, format="json"),
        client.post(f"{LIST}{pk}/replies/", {"body": "x"}, format="json"),
        client.delete(f"{LIST}{pk}/"),
    ):
        assert response.status_code == 404, (pk, response.content)
        assert response.json()["detail"]
    assert SupportRequest.objects.get().status == "open"
