"""GET and PATCH /api/users/{id}/: staff change roles and deactivate, as accounts/roles.py allows."""

import pytest

from accounts.models import DeviceSession, User

from .conftest import acting_as, login, make_client, make_user, with_csrf


@pytest.fixture
def staff(db):
    return make_user("sam@example.com", User.Role.STAFF)


@pytest.fixture
def admin(db):
    return make_user("root@example.com", User.Role.ADMIN)


def change(actor, target, **fields):
    return acting_as(actor).patch(f"/api/users/{target.pk}/", fields, format="json")


def test_staff_read_one_user(staff, user):
    response = acting_as(staff).get(f"/api/users/{user.pk}/")
    assert response.status_code == 200
    assert response.json()["email"] == user.email and response.json()["is_active"] is True
    assert acting_as(staff).get("/api/users/999999/").status_code == 404


def test_clients_and_anonymous_are_refused(user, staff):
    assert acting_as(user).get(f"/api/users/{staff.pk}/").status_code == 403
    assert change(user, staff, role="client").status_code == 403
    assert change(user, user, role="admin").status_code == 403
    assert make_client().get(f"/api/users/{user.pk}/").status_code == 401
    staff.refresh_from_db()
    user.refresh_from_db()
    assert (staff.role, user.role) == ("staff", "client")


def test_an_inactive_staff_member_is_refused(staff, user):
    staff.is_active = False
    staff.save()
    assert change(staff, user, is_active=False).status_code in {401, 403}
    user.refresh_from_db()
    assert user.is_active


def test_staff_change_a_clients_role(staff, user):
    response = change(staff, user, role="staff")
    assert response.status_code == 200 and response.json()["role"] == "staff"
    user.refresh_from_db()
    assert user.role == "staff"


def test_staff_cannot_make_an_admin(staff, user):
    response = change(staff, user, role="admin")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only admins can make someone an admin."
    user.refresh_from_db()
    assert user.role == "client"


def test_staff_cannot_change_an_admin(staff, admin):
    for fields in [{"role": "client"}, {"is_active": False}]:
        response = change(staff, admin, **fields)
        assert response.status_code == 403
        assert response.json()["detail"] == "Only admins can change an admin."
    admin.refresh_from_db()
    assert admin.role == "admin" and admin.is_active


def test_admins_change_anyone_else(admin, staff):
    assert change(admin, staff, role="admin").status_code == 200
    other_admin = User.objects.get(pk=staff.pk)
    assert change(admin, other_admin, role="client", is_active=False).status_code == 200
    other_admin.refresh_from_db()
    assert (other_admin.role, other_admin.is_active) == ("client", False)


def test_nobody_changes_their_own_role_or_activity(staff, admin):
    for actor, fields in [
        (staff, {"role": "client"}),
        (staff, {"is_active": False}),
        (admin, {"role": "staff"}),
        (admin, {"is_active": False}),
    ]:
        response = change(actor, actor, **fields)
        assert response.status_code == 400
        field = next(iter(fields))
        assert response.json()["errors"][field] == ["You cannot change this on your own account."]
    # Sending the values one already has is no change.
    assert change(admin, admin, role="admin", is_active=True).status_code == 200
    staff.refresh_from_db()
    admin.refresh_from_db()
    assert (staff.role, staff.is_active, admin.role, admin.is_active) == (
        "staff",
        True,
        "admin",
        True,
    )


def test_only_role_and_activity_change(staff, user):
    response = change(staff, user, email="evil@example.com", name="Evil", role="staff")
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.email, user.name, user.role) == ("ada@example.com", "Ada Lovelace", "staff")
    assert change(staff, user, role="overlord").status_code == 400
    assert acting_as(staff).put(f"/api/users/{user.pk}/", {}, format="json").status_code == 405


def test_deactivating_signs_the_user_out_at_once(staff, user):
    browser = with_csrf(make_client())
    assert login(browser).status_code == 200
    assert browser.get("/api/auth/me/").status_code == 200
    assert change(staff, user, is_active=False).status_code == 200
    assert not DeviceSession.objects.filter(user=user).active().exists()
    assert browser.get("/api/auth/me/").status_code == 401
    assert browser.post("/api/auth/refresh/").status_code == 401
    assert login(with_csrf(make_client())).status_code == 401
    # Reactivated, they sign in again.
    assert change(staff, user, is_active=True).status_code == 200
    assert login(with_csrf(make_client())).status_code == 200
