"""Sending: SMTP URLs, composing the MIME message, and the `email.send` job."""

from __future__ import annotations

import email.utils
import json
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import aiosmtplib

from helpline.blobs import read_blob
from helpline.errors import Invalid
from helpline.runtime import Helpline
from helpline.tables import Attachment
from helpline_email import notes
from helpline_email.settings import email_settings
from helpline_email.tables import Mailbox, Outbound

_TRUE = ("1", "true", "yes", "on")


@dataclass
class SmtpServer:
    host: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool
    #: True: require STARTTLS; False: never; None: when the server offers it.
    start_tls: bool | None
    validate_certs: bool


def parse_url(url: str) -> SmtpServer:
    """`smtp://user:pass@host:587?starttls=1`, `smtps://host:465`, `?verify=0` for test servers."""
    parsed = urlparse(url.strip())
    if parsed.scheme not in ("smtp", "smtps") or not parsed.hostname:
        raise Invalid(
            "smtp_url", f"not an SMTP URL: {url!r} (use smtp://host:port or smtps://host:port)"
        )
    query = {k: v[-1].lower() for k, v in parse_qs(parsed.query).items()}
    use_tls = parsed.scheme == "smtps" or query.get("tls", "") in _TRUE
    start_tls: bool | None = None
    if "starttls" in query:
        start_tls = query["starttls"] in _TRUE
    if use_tls:
        start_tls = False
    port = parsed.port or (465 if use_tls else 587 if start_tls else 25)
    return SmtpServer(
        host=parsed.hostname,
        port=port,
        username=unquote(parsed.username) if parsed.username else None,
        password=unquote(parsed.password) if parsed.password else None,
        use_tls=use_tls,
        start_tls=start_tls,
        validate_certs=query.get("verify", "1") in _TRUE,
    )


def _client(server: SmtpServer, timeout: float) -> aiosmtplib.SMTP:
    return aiosmtplib.SMTP(
        hostname=server.host,
        port=server.port,
        username=server.username,
        password=server.password,
        use_tls=server.use_tls,
        start_tls=server.start_tls,
        validate_certs=server.validate_certs,
        timeout=timeout,
    )


async def check_connection(url: str, timeout_seconds: float = 10.0) -> str:
    """Connect, say EHLO, negotiate TLS and log in; what the server answered, or an exception."""
    server = parse_url(url)
    client = _client(server, timeout_seconds)
    async with client:
        response = await client.noop()
    return f"{server.host}:{server.port} answered {response.code} {response.message}".strip()


class PermanentFailure(Exception):
    """The server refused for good (5xx): retrying will not help."""

    def __init__(self, message: str, refused: list[str] = ()) -> None:
        super().__init__(message)
        self.refused = list(refused)


async def send(
    url: str, message: EmailMessage, sender: str, recipients: list[str], timeout_seconds: float
) -> list[str]:
    """Send one message; returns recipients refused while others were accepted."""
    server = parse_url(url)
    try:
        async with _client(server, timeout_seconds) as client:
            refused, _ = await client.send_message(message, sender=sender, recipients=recipients)
    except aiosmtplib.SMTPRecipientsRefused as exc:
        bad = [r.recipient for r in exc.recipients]
        if all(r.code >= 500 for r in exc.recipients):
            raise PermanentFailure(
                "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in exc.recipients), bad
            ) from exc
        raise
    except aiosmtplib.SMTPResponseException as exc:
        if exc.code >= 500 and not isinstance(exc, aiosmtplib.SMTPAuthenticationError):
            raise PermanentFailure(f"{exc.code} {exc.message}") from exc
        raise
    return [r for r, (code, _) in refused.items() if code >= 500]


async def compose(helpline: Helpline, row: dict[str, Any], box: dict[str, Any]) -> EmailMessage:
    payload = json.loads(row["payload"]) if isinstance(row["payload"], str) else row["payload"]
    message = EmailMessage()
    message["From"] = Address(display_name=box["name"] or "", addr_spec=box["address"])
    message["To"] = Address(display_name=payload.get("to_name") or "", addr_spec=row["recipient"])
    if row["cc"]:
        message["Cc"] = row["cc"]
    message["Subject"] = row["subject"]
    message["Date"] = email.utils.format_datetime(helpline.now())
    message["Message-ID"] = f"<{row['message_id']}>"
    if row["in_reply_to"]:
        message["In-Reply-To"] = f"<{row['in_reply_to']}>"
    if row["references"]:
        message["References"] = " ".join(f"<{r}>" for r in row["references"].split())
    if row["automatic"]:
        message["Auto-Submitted"] = (
            "auto-replied" if row["kind"] == "new_ticket" else "auto-generated"
        )
        # Exchange and Outlook: no out-of-office or read receipts in answer to this.
        message["X-Auto-Response-Suppress"] = "All"
    if row["ticket"] is not None:
        message["X-Helpline-Ticket"] = str(row["ticket"])
    message.set_content(payload.get("text") or "")
    message.add_alternative(_document(payload.get("html") or ""), subtype="html")
    if row["message"] is not None and row["kind"] == "agent_reply":
        for file in (
            await Attachment.select()
            .where(Attachment.message == row["message"])
            .order_by(Attachment.id)
        ):
            _attach(helpline, message, file)
    for file in payload.get("attachments") or ():  # a notification's files
        _attach(helpline, message, file)
    return message


def _attach(helpline: Helpline, message: EmailMessage, file: dict[str, Any]) -> None:
    """Add a stored file (`filename`, `content_type`, `sha256`) as a MIME attachment."""
    media = (file["content_type"] or "application/octet-stream").split(";")[0].strip()
    maintype, _, subtype = media.partition("/")
    message.add_attachment(
        read_blob(helpline.settings.blob_dir, file["sha256"]),
        maintype=maintype or "application",
        subtype=subtype or "octet-stream",
        filename=file["filename"],
    )


def _document(fragment: str) -> str:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
        f'<body style="font-family: sans-serif; line-height: 1.4">{fragment}</body></html>'
    )


async def send_job(helpline: Helpline, payload: dict[str, Any]) -> None:
    """The `email.send` job: send one Outbound row; retried by the job queue when it raises."""
    row = await Outbound.select().where(Outbound.id == payload["outbound"]).first()
    if row is None or row["status"] in ("sent", "suppressed", "failed"):
        return
    box = (
        await Mailbox.select().where(Mailbox.id == row["mailbox"]).first()
        if row["mailbox"]
        else None
    )
    if box is None:
        from helpline_email.mailboxes import default_mailbox

        box = await default_mailbox(helpline)
    settings = email_settings(helpline)
    url = box["smtp_url"] or helpline.settings.smtp_url
    attempts = row["attempts"] + 1
    recipients = [row["recipient"], *[c.strip() for c in row["cc"].split(",") if c.strip()]]
    try:
        if not url:
            raise PermanentFailure("no SMTP server is configured (HELPLINE_SMTP_URL)")
        message = await compose(helpline, row, box)
        refused = await send(
            url, message, box["address"], recipients, settings.smtp_timeout_seconds
        )
    except PermanentFailure as exc:
        await _failed(helpline, row, attempts, str(exc), exc.refused)
        return
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        if attempts >= settings.send_attempts:
            await _failed(helpline, row, attempts, error, [])
        else:
            await Outbound.update(
                {Outbound.attempts: attempts, Outbound.last_error: error[:2000]}
            ).where(Outbound.id == row["id"])
        raise
    await Outbound.update(
        {
            Outbound.status: "sent",
            Outbound.attempts: attempts,
            Outbound.sent_at: helpline.now(),
            Outbound.last_error: None,
        }
    ).where(Outbound.id == row["id"])
    if refused:
        await _refused(helpline, row, refused, "refused by the server")


async def _failed(
    helpline: Helpline, row: dict[str, Any], attempts: int, error: str, refused: list[str]
) -> None:
    async with helpline.transaction():
        await Outbound.update(
            {
                Outbound.status: "failed",
                Outbound.attempts: attempts,
                Outbound.last_error: error[:2000],
            }
        ).where(Outbound.id == row["id"])
        if row["ticket"] is not None:
            await notes.system_note(
                helpline,
                row["ticket"],
                f"Email to {row['recipient']} ({row['subject']}) could not be sent after "
                f"{attempts} attempt{'s' if attempts != 1 else ''}: {error}",
                meta={"email": {"outbound": row["id"], "failed": True}},
            )
        for address in refused:
            await notes.flag_bouncing(helpline, address, error)


async def _refused(helpline: Helpline, row: dict[str, Any], refused: list[str], why: str) -> None:
    async with helpline.transaction():
        for address in refused:
            await notes.flag_bouncing(helpline, address, why)
        if row["ticket"] is not None:
            await notes.system_note(
                helpline, row["ticket"], f"The mail server refused {', '.join(refused)}: {why}."
            )
