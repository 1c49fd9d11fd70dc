"""Fixtures for the email plugin's tests: an SMTP server to send to, shortcuts for receiving."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from email_helpers import free_port


class Sink:
    """An SMTP server's handler keeping what it was sent; can refuse recipients or fail."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.refuse: set[str] = set()
        self.fail_data = ""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.fail_data:
            return self.fail_data
        self.received.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "raw": envelope.original_content,
            }
        )
        return "250 OK"

    def messages(self) -> list[Any]:
        import email
        import email.policy

        return [
            email.message_from_bytes(m["raw"], policy=email.policy.default) for m in self.received
        ]


@pytest.fixture
def smtp_sink() -> Iterator[tuple[Sink, int]]:
    """An aiosmtpd server on 127.0.0.1 collecting mail: (handler, port)."""
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@pytest.fixture
def sink(smtp_sink: tuple[Sink, int]) -> Sink:
    return smtp_sink[0]


@pytest.fixture
def receive(helpline: Any) -> Any:
    """`await receive(raw, mailbox=None)` → the ingest Result."""
    from helpline_email.ingest import receive as receive_message

    async def run(raw: bytes, **kwargs: Any) -> Any:
        return await receive_message(helpline, raw, **kwargs)

    return run


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Any]:
    """A Dovecot IMAP server (Debian's dovecot-imapd) run as a non-root user for the session."""
    import os

    from dovecot import Dovecot, find_dovecot

    binary = find_dovecot()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail(
                "CI must test IMAP, but dovecot is not installed (apt-get install dovecot-imapd)"
            )
        pytest.skip("dovecot not installed (apt-get install dovecot-imapd); IMAP tests skipped")
    server = Dovecot(
        binary, free_port(), free_port(), [f"user{n}@test.example" for n in range(1, 21)]
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()
