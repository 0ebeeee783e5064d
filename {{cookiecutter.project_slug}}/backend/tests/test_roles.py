from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.roles import IsAdminRole, IsStaffMember, is_admin, is_staff_member

from .conftest import make_user

ROLES = [User.Role.CLIENT, User.Role.STAFF, User.Role.ADMIN]


@pytest.fixture
def people(db) -> dict:
    return {role: make_user(f"{role}@example.com", role=role) for role in ROLES}


def allows(permission, user) -> bool:
    return permission().has_permission(SimpleNamespace(user=user), view=None)


@pytest.mark.parametrize(
    ("role", "staff", "admin"),
    [
        (User.Role.CLIENT, False, False),
        (User.Role.STAFF, True, False),
        (User.Role.ADMIN, True, True),
    ],
)
def test_what_each_role_is(people, role, staff, admin):
    user = people[role]
    assert is_staff_member(user) is staff
    assert is_admin(user) is admin
    assert allows(IsStaffMember, user) is staff
    assert allows(IsAdminRole, user) is admin


@pytest.mark.parametrize("check", [is_staff_member, is_admin])
def test_nobody_signed_in_has_a_role(check):
    assert check(AnonymousUser()) is False
    assert check(None) is False


@pytest.mark.parametrize("role", [User.Role.STAFF, User.Role.ADMIN])
def test_a_deactivated_account_loses_its_role(people, role):
    user = people[role]
    user.is_active = False
    assert not is_staff_member(user)
    assert not is_admin(user)


def test_djangos_staff_and_superuser_flags_are_not_roles(db):
    """They open the admin site; the API goes by the role alone."""
    user = make_user("flags@example.com", is_staff=True, is_superuser=True)
    assert user.role == User.Role.CLIENT
    assert not is_staff_member(user)
    assert not is_admin(user)


def test_the_permissions_say_why_they_refuse():
    assert IsStaffMember.message == "Only staff can do this."
    assert IsAdminRole.message == "Only admins can do this."
