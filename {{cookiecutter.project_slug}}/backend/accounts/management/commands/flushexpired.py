"""`manage.py flushexpired`: delete the auth rows nothing can use any more. Run it daily (cron).

- Refresh tokens past their expiry: simplejwt's OutstandingToken rows and their BlacklistedToken
  rows. An expired token fails its signature check before the database is asked, so forgetting
  it changes nothing.
- Device sessions none of whose tokens can still be valid: past their absolute cap, or idle for
  longer than the refresh lifetime, each plus the access lifetime and a minute of clock slack.
  Revoked sessions go by the same rule, so they stay listed for audit until then.
- Security log events (SecurityEvent) older than SECURITY_LOG_RETENTION_DAYS (0: kept for good).
- Challenges (AuthChallenge: a sign-in's second step, WebAuthn) past their expiry, never used.

Rows are deleted in batches of --batch-size, each batch in its own transaction and found from
where the previous one stopped (keyset on the primary key), so memory stays bounded and the
tables are read once whatever their size. simplejwt's own `flushexpiredtokens` loads every
expired row at once (QuerySet.delete() collects them for the cascade): avoid it on big tables.
Here the cascade is done by hand, blacklist rows first, so no row is ever loaded as a model.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, router, transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import AuthChallenge, DeviceSession, SecurityEvent

CLOCK_SLACK = timedelta(minutes=1)


class Command(BaseCommand):
    help = (
        "Delete expired refresh tokens (outstanding and blacklisted), ended device sessions and "
        "security log events past their retention."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=None,
            help="Rows deleted per transaction (default: 1000, at most the database's limit).",
        )

    def handle(self, *args, batch_size=None, **options):
        now = timezone.now()
        tokens = OutstandingToken.objects.filter(expires_at__lte=now)
        cutoff = now - timedelta(seconds=settings.JWT_ACCESS_TOKEN_LIFETIME) - CLOCK_SLACK
        idle_cutoff = cutoff - timedelta(seconds=settings.JWT_REFRESH_TOKEN_LIFETIME)
        sessions = DeviceSession.objects.filter(
            Q(expires_at__lte=cutoff) | Q(last_used_at__lte=idle_cutoff)
        )
        deleted_tokens = delete_in_batches(
            tokens, self._batch_size(tokens.model, batch_size), delete_outstanding_tokens
        )
        deleted_sessions = delete_in_batches(
            sessions,
            self._batch_size(sessions.model, batch_size),
            lambda pks: DeviceSession.objects.filter(pk__in=pks).delete()[0],
        )
        self.stdout.write(
            f"Deleted {deleted_tokens} expired refresh token(s) and "
            f"{deleted_sessions} ended device session(s)."
        )
        challenges = AuthChallenge.objects.filter(expires_at__lte=now)
        deleted_challenges = delete_in_batches(
            challenges,
            self._batch_size(challenges.model, batch_size),
            lambda pks: AuthChallenge.objects.filter(pk__in=pks).delete()[0],
        )
        self.stdout.write(f"Deleted {deleted_challenges} expired challenge(s).")
        days = settings.SECURITY_LOG_RETENTION_DAYS
        if days > 0:
            events = SecurityEvent.objects.filter(created_at__lt=now - timedelta(days=days))
            deleted_events = delete_in_batches(
                events,
                self._batch_size(events.model, batch_size),
                lambda pks: SecurityEvent.objects.filter(pk__in=pks).delete()[0],
            )
            self.stdout.write(
                f"Deleted {deleted_events} security event(s) older than {days} day(s)."
            )

    def _batch_size(self, model, requested: int | None) -> int:
        if requested is not None and requested < 1:
            raise CommandError("--batch-size must be at least 1.")
        size = requested or 1000
        # An IN list of primary keys: stay within the number of parameters a query may have.
        limit = connections[router.db_for_write(model)].features.max_query_params
        return min(size, limit) if limit else size


def delete_in_batches(queryset, batch_size: int, delete) -> int:
    """Call `delete(primary keys)` on the rows of `queryset`, `batch_size` at a time, each call
    in its own transaction; returns the sum of what the calls return (rows deleted)."""
    deleted = 0
    last_pk = None
    queryset = queryset.order_by("pk")
    while True:
        page = queryset if last_pk is None else queryset.filter(pk__gt=last_pk)
        pks = list(page.values_list("pk", flat=True)[:batch_size])
        if not pks:
            return deleted
        with transaction.atomic(using=queryset.db):
            deleted += delete(pks)
        last_pk = pks[-1]


def delete_outstanding_tokens(pks: list) -> int:
    """Delete these OutstandingToken rows and the BlacklistedToken rows that point at them."""
    BlacklistedToken.objects.filter(token_id__in=pks).delete()
    connection = connections[router.db_for_write(OutstandingToken)]
    table = connection.ops.quote_name(OutstandingToken._meta.db_table)
    column = connection.ops.quote_name(OutstandingToken._meta.pk.column)
    placeholders = ", ".join(["%s"] * len(pks))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({placeholders})", pks)  # noqa: S608
        return cursor.rowcount
