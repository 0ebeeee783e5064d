"""Sending the project's mails: one function, `send`, for every flow (invitations, password
reset, address verification, notices).

Each mail is three templates in templates/emails/: `<name>_subject.txt` (one line), `<name>.txt`
(the plain-text part) and `<name>.html` (the HTML part, extending emails/base.html). Their
context has `project_name`, `web_origin` and whatever the caller passes (`link`, `user`...);
links point at the web client: build them with `web_link()`.

A mail goes out once the current transaction commits (nothing is sent for a change that was
rolled back), and sending never fails the request: an unreachable or refusing server is logged
(`accounts.mail`), and the user can ask again.
"""

import logging
import threading
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import Context
from django.template.loader import get_template, render_to_string

logger = logging.getLogger("accounts.mail")


def web_link(path: str, **query: str) -> str:
    """An absolute link to a page of the web client (the first WEB_ORIGIN)."""
    origin = settings.WEB_ORIGINS[0].rstrip("/") if settings.WEB_ORIGINS else ""
    return f"{origin}{path}" + (f"?{urlencode(query)}" if query else "")


def duration_text(seconds: int) -> str:
    """A lifetime as mails say it: "3 days", "1 hour", "30 minutes"."""
    for unit, size in (("day", 86400), ("hour", 3600)):
        if seconds >= size and seconds % size == 0:
            return _plural(seconds // size, unit)
    return _plural(max(1, round(seconds / 60)), "minute")


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" + ("" if count == 1 else "s")


def render(name: str, to: str, context: dict | None = None) -> EmailMultiAlternatives:
    """The mail `name` to `to`, rendered but not sent."""
    context = {
        "project_name": settings.PROJECT_NAME,
        "web_origin": web_link(""),
        **(context or {}),
    }
    subject = _render_plain(f"emails/{name}_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # one line, whatever the template's whitespace
        body=_render_plain(f"emails/{name}.txt", context),
        to=[to],
    )
    message.attach_alternative(render_to_string(f"emails/{name}.html", context), "text/html")
    return message


def _render_plain(template: str, context: dict) -> str:
    """A plain-text template, without HTML escaping (a link's & stays &)."""
    return get_template(template).template.render(Context(context, autoescape=False))


def send(name: str, to: str, context: dict | None = None, *, background: bool | None = None):
    """Renders the mail now (a template error is a bug: it raises), sends it once the
    transaction commits, in a thread of its own: a slow or failing mail server never holds up
    the answer, nor tells by its timing whether a mail was sent (password reset). A failure to
    send is logged, never raised. EMAIL_IN_BACKGROUND=0 sends in the request (the tests);
    `background=False` too, whatever the setting: a management command, whose process may end
    before a thread has sent."""
    message = render(name, to, context)

    def deliver() -> None:
        try:
            message.send()
        except Exception:  # the server is down, refuses, times out: the user can ask again
            logger.exception("mail %r to %s not sent", name, _masked(to))
        else:
            logger.info("mail %r sent to %s", name, _masked(to))

    if settings.EMAIL_IN_BACKGROUND if background is None else background:
        transaction.on_commit(lambda: threading.Thread(target=deliver, daemon=True).start())
    else:
        transaction.on_commit(deliver)


def _masked(address: str) -> str:
    """a***@example.com: enough to follow a mail in the log without collecting addresses."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"
