"""What a signed-in user may do to a support request they can see. Whether they see it is the
queryset's business (SupportRequest.objects.visible_to): someone else's request is a 404 before
this runs, so a client learns nothing of it, not even that it exists. Roles are decided in
accounts/roles.py."""

from rest_framework.permissions import BasePermission

from accounts.roles import is_admin, is_staff_member


class SupportRequestPermission(BasePermission):
    """Anyone signed in lists, opens and reads (their own) requests; the author and staff reply;
    staff change the status; admins delete."""

    def has_object_permission(self, request, view, obj) -> bool:
        user = request.user
        if view.action == "partial_update":
            self.message = "Only staff can change the status of a request."
            return is_staff_member(user)
        if view.action == "destroy":
            self.message = "Only admins can delete a request."
            return is_admin(user)
        if view.action == "replies":
            return obj.author_id == user.pk or is_staff_member(user)
        return view.action == "retrieve"
