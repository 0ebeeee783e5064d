"""GET /api/users/: staff only, paginated, filtered, ordered; bad parameters are 400s."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User

from .conftest import acting_as, make_client, make_user

URL = "/api/users/"


@pytest.fixture
def staff(db) -> User:
    return make_user("sam@example.com", role=User.Role.STAFF, name="Sam Staff")


def emails(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["email"] for item in response.json()["results"]]


def test_not_signed_in_is_401(db):
    response = make_client().get(URL)
    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_client_is_refused(user):
    response = acting_as(user).get(URL)
    assert response.status_code == 403
    assert response.json() == {"detail": "Only staff can do this."}


@pytest.mark.parametrize("role", [User.Role.STAFF, User.Role.ADMIN])
def test_staff_and_admins_list_every_user(user, role):
    viewer = make_user("viewer@example.com", role=role)
    assert emails(acting_as(viewer).get(URL)) == ["ada@example.com", "viewer@example.com"]


def test_each_user_is_described(staff, user):
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    body = acting_as(staff).get(URL).json()
    assert body["count"] == 2
    assert body["next"] is None and body["previous"] is None
    ada = body["results"][0]
    assert ada == {
        "id": user.pk,
        "email": "ada@example.com",
        "name": "Ada Lovelace",
        "role": "client",
        "is_active": True,
        "date_joined": ada["date_joined"],
        "last_login": ada["last_login"],
    }
    assert ada["date_joined"] and ada["last_login"]
    assert "password" not in body["results"][1]


def test_pages(staff):
    for n in range(4):
        make_user(f"user{n}@example.com")
    first = acting_as(staff).get(URL, {"page_size": 2}).json()
    assert first["count"] == 5
    assert [u["email"] for u in first["results"]] == ["sam@example.com", "user0@example.com"]
    assert first["next"].endswith("?page=2&page_size=2")
    assert first["previous"] is None
    third = acting_as(staff).get(URL, {"page_size": 2, "page": 3}).json()
    assert [u["email"] for u in third["results"]] == ["user3@example.com"]
    assert third["next"] is None


def test_a_page_past_the_end_is_404(staff):
    response = acting_as(staff).get(URL, {"page": 9})
    assert response.status_code == 404
    assert response.json()["detail"]


def test_page_size_is_capped_at_100(staff):
    User.objects.bulk_create(User(email=f"bulk{n:03}@example.com") for n in range(105))
    body = acting_as(staff).get(URL, {"page_size": 1000}).json()
    assert body["count"] == 106
    assert len(body["results"]) == 100


def test_filter_by_role(staff, user):
    make_user("root@example.com", role=User.Role.ADMIN)
    client = acting_as(staff)
    assert emails(client.get(URL, {"role": "client"})) == ["ada@example.com"]
    assert emails(client.get(URL, {"role": "admin"})) == ["root@example.com"]


def test_search_looks_in_email_and_name(staff, user):
    client = acting_as(staff)
    assert emails(client.get(URL, {"search": "LOVELACE"})) == ["ada@example.com"]
    assert emails(client.get(URL, {"search": "sam@"})) == ["sam@example.com"]
    assert emails(client.get(URL, {"search": "nobody"})) == []


def test_ordering(staff, user):
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=3))
    make_user("zed@example.com", name="Aaron Zed")
    client = acting_as(staff)
    assert emails(client.get(URL)) == ["ada@example.com", "sam@example.com", "zed@example.com"]
    assert emails(client.get(URL, {"ordering": "-date_joined"}))[-1] == "ada@example.com"
    assert emails(client.get(URL, {"ordering": "name"})) == [
        "zed@example.com",
        "ada@example.com",
        "sam@example.com",
    ]
    assert emails(client.get(URL, {"ordering": "-email"}))[0] == "zed@example.com"


def test_ties_keep_one_order_across_pages(staff):
    for n in range(6):
        make_user(f"nameless{n}@example.com")  # the same (empty) name
    client = acting_as(staff)
    seen = []
    for page in (1, 2, 3):
        seen += emails(client.get(URL, {"ordering": "name", "page_size": 3, "page": page}))[:3]
    assert len(seen) == len(set(seen)) == 7


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"role": "superuser"}, "role"),
        ({"ordering": "password"}, "ordering"),
        ({"ordering": "email,last_login"}, "ordering"),
        ({"search": "x" * 151}, "search"),
    ],
)
def test_bad_parameters_are_400(staff, params, field):
    response = acting_as(staff).get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith(f"{field}: ")
    assert field in body["errors"]
