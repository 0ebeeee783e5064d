"""Demo data for `manage.py seed_demo`: a few requests of the demo client, some answered by the
demo staff member. Running it again changes nothing: requests are found by their subject."""

from .models import SupportRequest

Status = SupportRequest.Status

# (subject, body, status, replies: (who, body)), oldest first.
REQUESTS = [
    (
        "Invoice 2024-031 charged twice",
        "My card was charged twice for invoice 2024-031. Could you refund one of them?",
        Status.RESOLVED,
        [
            ("staff", "Sorry about that: the second charge is refunded, allow 3 to 5 days."),
            ("client", "Received, thank you!"),
        ],
    ),
    (
        "Add a colleague to our account",
        "Could you give access to my colleague Grace (grace@example.com)?",
        Status.IN_PROGRESS,
        [("staff", "On it: Grace will get an invitation today.")],
    ),
    (
        "Export of last year's orders",
        "Is there a way to download all of last year's orders as a spreadsheet?",
        Status.OPEN,
        [],
    ),
]


def seed(users: dict) -> None:
    client = users["client"]
    for subject, body, status, replies in REQUESTS:
        request, created = SupportRequest.objects.get_or_create(
            author=client, subject=subject, defaults={"body": body}
        )
        if not created:
            continue
        for who, text in replies:
            request.replies.create(author=users[who], body=text)
        request.status = status
        request.save(update_fields=["status", "updated_at"])
