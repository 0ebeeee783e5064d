"""Who may do what: the one place roles are decided.

Every user has one role, `User.role` (the choices are `User.Role` in models.py):

- client: the portal's customers; they see their own things only.
- staff: the team serving them; they see every client's things.
- admin: staff who may also do what cannot be undone (delete).

Views never compare role names themselves: they list the permission classes below in their
`permission_classes`, or scope their querysets with the helpers (is_staff_member, say), so
who counts as staff is decided here and nowhere else. Django's own `is_staff` and
`is_superuser` flags are another matter: they open the admin site, not the API.

To add a role (say "auditor", who reads everything and changes nothing):

1. Add it to `User.Role` in models.py and run `make makemigrations` (the field's choices).
2. Decide here what it is: add it to STAFF_ROLES if it is staff, or give it a helper and a
   permission class of its own (`is_auditor`, `IsAuditor`) and use them in the views.
3. Test it in tests/test_roles.py; the web client sees the role in `GET /api/auth/me/`
   (`role`): run `make api-types` for its types.
"""

from rest_framework.permissions import BasePermission

from .models import User

Role = User.Role

# The roles that serve the clients: they see everyone's things.
STAFF_ROLES = frozenset({Role.STAFF, Role.ADMIN})


def has_role(user, roles) -> bool:
    """Whether `user` is signed in, active, and has one of `roles`."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "role", None) in roles
    )


def is_staff_member(user) -> bool:
    return has_role(user, STAFF_ROLES)


def is_admin(user) -> bool:
    return has_role(user, {Role.ADMIN})


# Who may give which role, and change whom (invitations, the users page): staff manage clients
# and staff; only admins grant the admin role or change an admin. Nobody changes their own role
# or deactivates themselves (directory.py refuses that with a 400).


def may_grant_role(actor, role) -> bool:
    return is_admin(actor) or (is_staff_member(actor) and role != Role.ADMIN)


def may_manage_user(actor, target) -> bool:
    return may_grant_role(actor, target.role)


class IsStaffMember(BasePermission):
    """Staff and admins. Anyone else: 403, or 401 when not signed in."""

    message = "Only staff can do this."

    def has_permission(self, request, view) -> bool:
        return is_staff_member(request.user)


class IsAdminRole(BasePermission):
    """Admins only. Anyone else: 403, or 401 when not signed in."""

    message = "Only admins can do this."

    def has_permission(self, request, view) -> bool:
        return is_admin(request.user)
