"""An MTA delivering over LMTP gets one answer per recipient (RFC 2033)."""

from __future__ import annotations

import asyncio

import pytest
from email_helpers import free_port, message

from helpline_email.lmtp import serve
from helpline_email.mailboxes import clean_values, save_mailbox
from helpline_email.tables import Inbound

# The protocol is what is under test; storing what arrives is tested on both databases elsewhere.
pytestmark = pytest.mark.sqlite_only


async def _reply(reader: asyncio.StreamReader) -> str:
    lines = []
    while True:
        line = (await reader.readline()).decode()
        lines.append(line.strip())
        if line[3:4] != "-":
            return "\n".join(lines)


async def _lmtp(port: int, sender: str, recipients: list[str], raw: bytes) -> list[str]:
    """A minimal LMTP client, like an MTA's.

    Returns the RCPT answers, then one DATA answer per accepted recipient.
    """
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    answers = []
    try:
        await _reply(reader)
        for command in ("LHLO mta.example", f"MAIL FROM:<{sender}>"):
            writer.write(command.encode() + b"\r\n")
            await _reply(reader)
        accepted = 0
        for rcpt in recipients:
            writer.write(f"RCPT TO:<{rcpt}>\r\n".encode())
            answer = await _reply(reader)
            answers.append(answer)
            accepted += answer.startswith("250")
        writer.write(b"DATA\r\n")
        await _reply(reader)
        body = raw.replace(b"\r\n.", b"\r\n..")
        writer.write(body + (b"" if body.endswith(b"\r\n") else b"\r\n") + b".\r\n")
        for _ in range(accepted):
            answers.append(await _reply(reader))
        writer.write(b"QUIT\r\n")
        await _reply(reader)
    finally:
        writer.close()
    return answers


async def test_an_mta_delivers_over_lmtp_and_unknown_recipients_are_refused(helpline):
    await save_mailbox(
        helpline, clean_values({"address": "billing@acme.example", "active": "1", "method": "lmtp"})
    )
    port = free_port()
    stop, ready = asyncio.Event(), asyncio.Event()
    server = asyncio.create_task(serve(helpline, "127.0.0.1", port, stop, ready))
    await ready.wait()
    try:
        answers = await _lmtp(
            port,
            "jane@example.org",
            ["support@helpline.localhost", "billing@acme.example", "nobody@acme.example"],
            message(message_id="<lmtp-1@example.org>"),
        )
    finally:
        stop.set()
        await server
    assert [a[:3] for a in answers] == ["250", "250", "550", "250", "250"]
    assert "created" in answers[3] and "created" in answers[4]
    rows = await Inbound.select(Inbound.mailbox.address.as_alias("box"), Inbound.action).order_by(
        Inbound.id
    )
    assert sorted((r["box"], r["action"]) for r in rows) == [
        ("billing@acme.example", "created"),
        ("support@helpline.localhost", "created"),
    ]
