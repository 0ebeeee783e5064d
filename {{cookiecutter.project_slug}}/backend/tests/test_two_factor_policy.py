"""TWO_FACTOR_REQUIRED_ROLES: a user of a listed role without a second factor can do nothing
but add one; once they have one, everything opens; they cannot remove the last one."""

import pytest

from accounts.models import User

from .conftest import login, make_client, make_user, with_csrf
from .test_two_factor import code_at


@pytest.fixture
def staff(db, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["staff", "admin"]
    return make_user("sam@example.com", role=User.Role.STAFF, name="Sam")


@pytest.fixture
def staff_client(staff):
    client = with_csrf(make_client())
    response = login(client, email=staff.email)
    assert response.status_code == 200
    assert response.json()["user"]["two_factor_setup_required"] is True
    return client


SETUP_REQUIRED = {
    "detail": "Set up two-factor authentication first.",
    "code": "two_factor_setup_required",
}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/users/"),
        ("get", "/api/users/invitations/"),
        ("patch", "/api/account/profile/"),
        ("get", "/api/account/security-events/"),
    ],
)
def test_a_staff_user_without_two_factor_can_do_nothing_else(staff_client, method, path):
    response = getattr(staff_client, method)(path, {}, format="json")
    assert response.status_code == 403
    assert response.json() == SETUP_REQUIRED


def test_bearer_clients_are_held_to_it_too(staff):
    tokens = make_client().post(
        "/api/auth/token/",
        {"email": staff.email, "password": "correct horse battery staple"},
        format="json",
    )
    access = tokens.json()["access"]
    response = make_client().get("/api/users/", HTTP_AUTHORIZATION=f"Bearer {access}")
    assert response.status_code == 403 and response.json()["code"] == "two_factor_setup_required"


def test_they_can_still_see_themselves_enrol_and_sign_out(staff_client, staff):
    assert staff_client.get("/api/auth/me/").status_code == 200
    assert staff_client.get("/api/auth/session/").json()["user"]["two_factor_setup_required"]
    assert staff_client.get("/api/account/two-factor/").json()["required"] is True
    secret = staff_client.post("/api/account/totp/").json()["secret"]
    done = staff_client.post("/api/account/totp/confirm/", {"code": code_at(secret)}, format="json")
    assert done.status_code == 200
    # The same session now reaches everything (the user is read afresh: no new sign-in).
    assert staff_client.get("/api/users/").status_code == 200
    assert staff_client.get("/api/auth/me/").json()["two_factor_setup_required"] is False
    assert staff_client.post("/api/auth/logout/").status_code == 200


def test_the_last_second_factor_of_a_covered_user_cannot_be_removed(staff_client, staff):
    secret = staff_client.post("/api/account/totp/").json()["secret"]
    staff_client.post("/api/account/totp/confirm/", {"code": code_at(secret)}, format="json")
    response = staff_client.delete("/api/account/totp/")
    assert response.status_code == 400
    assert response.json()["code"] == "two_factor_required"
    staff.refresh_from_db()
    assert staff.two_factor_enabled


def test_clients_are_not_covered_by_default(db, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["staff", "admin"]
    make_user("ada@example.com")
    client = with_csrf(make_client())
    body = login(client).json()
    assert body["user"]["two_factor_setup_required"] is False
    assert client.get("/api/account/profile/").status_code != 403


def test_a_role_change_applies_at_once(signed_in, user, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["staff", "admin"]
    assert signed_in.patch("/api/account/profile/", {"name": "A"}, format="json").status_code == 200
    user.role = User.Role.STAFF
    user.save()
    response = signed_in.patch("/api/account/profile/", {"name": "B"}, format="json")
    assert response.status_code == 403
