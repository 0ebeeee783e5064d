"""A real SMTP server for the end-to-end suite (aiosmtpd, in a thread of the test process): the
API sends its mails to it over SMTP as it would to any mail server (EMAIL_URL), and the tests
read what was delivered: `mailbox.wait_for(to=user.email, subject_contains="Reset")`, then
`mail.link("/reset-password")` to follow the link in it."""

from __future__ import annotations

import email
import re
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://[^\s<>\"')]+")


@dataclass(frozen=True)
class Mail:
    """One delivered message: its envelope recipients and its parsed content."""

    recipients: tuple[str, ...]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else ""

    def links(self) -> list[str]:
        """The links in the plain-text part, in order."""
        return LINK.findall(self.text)

    def link(self, path: str) -> str:
        """The one link of the text part to the web client's page `path` (e.g. "/invite/")."""
        found = [url for url in self.links() if re.match(rf"https?://[^/]+{re.escape(path)}", url)]
        assert len(found) == 1, f"expected one link to {path} in {self.subject!r}: {self.links()}"
        return found[0]


class Mailbox:
    """What the SMTP server has received, and a way to wait for a message."""

    def __init__(self):
        self._mails: list[Mail] = []
        self._changed = threading.Condition()

    # aiosmtpd's handler hook: called once per message, in the server's thread.
    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=default)
        mail = Mail(tuple(address.lower() for address in envelope.rcpt_tos), message)
        with self._changed:
            self._mails.append(mail)
            self._changed.notify_all()
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Mail]:
        """Every message delivered to `address` so far, oldest first."""
        with self._changed:
            return [mail for mail in self._mails if address.lower() in mail.recipients]

    def wait_for(
        self, *, to: str, subject_contains: str = "", count: int = 1, timeout: float = 15
    ) -> Mail:
        """The `count`-th message to `to` whose subject contains `subject_contains` (the API
        sends after its answer, in a thread: it may still be on its way), else AssertionError."""

        def matching() -> list[Mail]:
            return [
                mail
                for mail in self._mails
                if to.lower() in mail.recipients and subject_contains in mail.subject
            ]

        deadline = time.monotonic() + timeout
        with self._changed:
            while len(found := matching()) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(m.recipients, m.subject) for m in self._mails]
                    raise AssertionError(
                        f"no mail {count} to {to} about {subject_contains!r} in {timeout} s; "
                        f"delivered: {seen}"
                    )
                self._changed.wait(left)
            return found[count - 1]


class MailServer:
    """The SMTP server on 127.0.0.1:`port`, delivering into `mailbox`."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"smtp://127.0.0.1:{port}"
        self.mailbox = Mailbox()
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=port)

    def start(self) -> None:
        self._controller.start()  # returns once the server accepts connections

    def stop(self) -> None:
        self._controller.stop()
