"""A real SMTP server inside the test process (aiosmtpd): every mail the
application sends in tests travels over SMTP to it, and tests read what arrived."""

from __future__ import annotations

import re
import socket
import threading
import time
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Mail:
    to: tuple[str, ...]
    message: EmailMessage

    @property
    def subject(self) -> str:
        # A long non-ASCII subject is folded right after "Subject:"; readers strip that.
        return str(self.message["Subject"]).strip()

    def part(self, content_type: str) -> str:
        for part in self.message.walk():
            if part.get_content_type() == content_type:
                return str(part.get_content())
        raise AssertionError(f"no {content_type} part in {self.subject!r}")

    @property
    def text(self) -> str:
        return self.part("text/plain")

    @property
    def html(self) -> str:
        return self.part("text/html")

    def links(self) -> list[str]:
        return re.findall(r"https?://\S+", self.text)

    def link(self, containing: str) -> str:
        found = [link for link in self.links() if containing in link]
        assert found, f"no link with {containing!r} in {self.text!r}"
        return found[0]


class Mailbox:
    def __init__(self) -> None:
        self._mails: list[Mail] = []
        self._lock = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self._mails.append(Mail(tuple(envelope.rcpt_tos), message))
            self._lock.notify_all()
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        with self._lock:
            self._mails.clear()

    def all(self) -> list[Mail]:
        with self._lock:
            return list(self._mails)

    def to(self, address: str) -> list[Mail]:
        return [mail for mail in self.all() if address in mail.to]

    def wait_for(self, address: str, count: int = 1, timeout: float = 15) -> list[Mail]:
        """The first ``count`` mails to the address, waiting for them to arrive."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [mail for mail in self._mails if address in mail.to]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                assert left > 0, f"{count} mail(s) to {address} expected, {len(found)} arrived"
                self._lock.wait(left)


_server: tuple[Controller, Mailbox] | None = None


def smtp_server() -> tuple[str, int, Mailbox]:
    """The process's SMTP server, started on first use on a free loopback port."""
    global _server
    if _server is None:
        mailbox = Mailbox()
        with socket.socket() as probe:  # a free port (aiosmtpd needs one up front)
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(mailbox, hostname="127.0.0.1", port=port)
        controller.start()
        _server = (controller, mailbox)
    controller, mailbox = _server
    return "127.0.0.1", controller.port, mailbox
