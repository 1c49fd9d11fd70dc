"""An LMTP listener an MTA delivers to directly (Postfix `mailbox_transport = lmtp:…`)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiosmtpd.lmtp import LMTP

from helpline.runtime import Helpline
from helpline_email import mailboxes
from helpline_email.ingest import receive
from helpline_email.settings import email_settings

log = logging.getLogger("helpline.email")


class LmtpHandler:
    """Accepts recipients that are mailboxes; answers DATA once per recipient, as LMTP wants."""

    def __init__(self, helpline: Helpline) -> None:
        self.helpline = helpline

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        try:
            await mailboxes.by_address(self.helpline, address)
        except mailboxes.UnknownMailbox:
            return f"550 5.1.1 <{address}>: no such mailbox here"
        except Exception:
            log.exception("email: LMTP could not look up %s", address)
            return "451 4.3.0 Temporary failure, try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        replies = []
        for address in envelope.rcpt_tos:
            try:
                result = await receive(
                    self.helpline, envelope.original_content, mailbox=address, source="lmtp"
                )
                replies.append(f"250 2.0.0 <{address}> {result.action}")
            except Exception:
                log.exception("email: LMTP delivery to %s failed", address)
                replies.append(f"451 4.3.0 <{address}> Temporary failure, try again later")
        return "\r\n".join(replies)


async def serve(
    helpline: Helpline,
    host: str,
    port: int,
    stop: asyncio.Event,
    ready: asyncio.Event | None = None,
) -> None:
    """Listen until `stop` is set."""
    handler = LmtpHandler(helpline)
    limit = email_settings(helpline).max_message_bytes
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: LMTP(handler, data_size_limit=limit, enable_SMTPUTF8=True, hostname="helpline"),
        host,
        port,
    )
    if ready is not None:
        ready.set()
    try:
        await stop.wait()
    finally:
        server.close()
        await server.wait_closed()
