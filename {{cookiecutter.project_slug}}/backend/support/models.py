"""A support request (SupportRequest), opened by a client, and the replies to it (Reply)."""

from django.conf import settings
from django.db import models, transaction

from accounts.roles import is_staff_member


class SupportRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """What `user` may see: staff every request, a client their own, nobody signed in
        none. Views start from here, so someone else's request is a 404 for a client, never a
        403."""
        if is_staff_member(user):
            return self.all()
        return self.filter(author=user) if user.is_authenticated else self.none()


class SupportRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed"

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_requests"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = SupportRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        # A client's list: their requests, most recently updated first.
        indexes = [models.Index(fields=["author", "-updated_at"])]

    def __str__(self) -> str:
        return self.subject

    def add_reply(self, author, body: str) -> "Reply":
        """Reply to the request. It counts as an update (updated_at), and a client's reply to a
        resolved or closed request opens it again: the client is not done with it."""
        finished = {self.Status.RESOLVED, self.Status.CLOSED}
        reopen = not is_staff_member(author) and self.status in finished
        with transaction.atomic():
            reply = self.replies.create(author=author, body=body)
            if reopen:
                self.status = self.Status.OPEN
            # Only what changed: a status set meanwhile by staff stays.
            self.save(update_fields=["status", "updated_at"] if reopen else ["updated_at"])
        return reply


class Reply(models.Model):
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_replies"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "replies"

    def __str__(self) -> str:
        return f"Reply by {self.author} to {self.request}"
