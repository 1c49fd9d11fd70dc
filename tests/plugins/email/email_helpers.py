"""Building test messages and running them through the email channel."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).parent / "corpus"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def message(
    *,
    sender: str = "Jane Doe <jane@example.org>",
    to: str = "support@helpline.localhost",
    subject: str = "Printer broken",
    body: str = "Hello, the printer on floor 2 is broken.",
    html: str | None = None,
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
) -> bytes:
    """A well-formed message as a mail client would send it."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = format_datetime(datetime(2026, 11, 20, 9, 30, tzinfo=UTC))
    mail["Message-ID"] = message_id or make_msgid(domain="example.org")
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(body)
    if html is not None:
        mail.add_alternative(html, subtype="html")
    for filename, ctype, data in attachments:
        maintype, subtype = ctype.split("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return bytes(mail)


def reply_to(raw_or_id: Any, **kwargs: Any) -> bytes:
    """A reply whose In-Reply-To and References name a Message-ID."""
    parent = raw_or_id if isinstance(raw_or_id, str) else None
    headers = kwargs.pop("headers", {}) | {
        "In-Reply-To": f"<{parent}>",
        "References": f"<{parent}>",
    }
    kwargs.setdefault("subject", "Re: Printer broken")
    return message(headers=headers, **kwargs)


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()
