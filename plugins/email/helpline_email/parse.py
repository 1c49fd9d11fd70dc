"""Parsing raw mail with the stdlib `email` package (modern policy), as leniently as mail needs."""

from __future__ import annotations

import email
import email.policy
import email.utils
import mimetypes
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser

from helpline.services.users import EMAIL_RE
from helpline_email import msgid
from helpline_email.decode import clean_header, clean_text, decode_bytes


@dataclass
class Part:
    filename: str
    content_type: str
    data: bytes
    content_id: str = ""
    inline: bool = False


@dataclass
class ParsedMail:
    message: Message
    message_id: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    subject: str = ""
    from_address: str = ""
    from_name: str = ""
    reply_to: str = ""
    to: list[tuple[str, str]] = field(default_factory=list)
    cc: list[tuple[str, str]] = field(default_factory=list)
    date: datetime | None = None
    text: str = ""
    html: str = ""
    parts: list[Part] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)

    def header(self, name: str) -> str:
        return header(self.message, name)


def parse(raw: bytes) -> ParsedMail:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    mail = ParsedMail(message=message)
    mail.message_id = msgid.normalize(header(message, "Message-ID"))
    mail.in_reply_to = msgid.id_list(header(message, "In-Reply-To"))
    mail.references = msgid.id_list(header(message, "References"))
    mail.subject = header(message, "Subject")
    senders = addresses(message, "From") or addresses(message, "Sender")
    if senders:
        mail.from_name, mail.from_address = senders[0]
    reply_to = addresses(message, "Reply-To")
    mail.reply_to = reply_to[0][1] if reply_to else ""
    mail.to = addresses(message, "To")
    mail.cc = addresses(message, "Cc")
    try:
        mail.date = email.utils.parsedate_to_datetime(header(message, "Date"))
    except (TypeError, ValueError, IndexError):
        mail.date = None
    texts: list[str] = []
    htmls: list[str] = []
    _walk(message, texts, htmls, mail.parts)
    mail.text = "\n\n".join(t for t in texts if t.strip())
    mail.html = "\n".join(htmls)
    mail.defects = [type(d).__name__ for d in _all_defects(message)]
    return mail


def quick_headers(raw: bytes) -> Message:
    """Only the header block: cheap, for deduplicating before a full parse."""
    return BytesHeaderParser(policy=email.policy.default).parsebytes(raw)


def header(message: Message, name: str) -> str:
    """A header's decoded value ("" when missing or beyond repair)."""
    try:
        value = message.get(name)
    except Exception:  # a header the modern policy cannot parse at all
        value = _raw_header(message, name)
    if value is None:
        return ""
    try:
        return clean_header(value)
    except Exception:
        return clean_header(_raw_header(message, name))


def _raw_header(message: Message, name: str) -> str:
    for key, value in message.raw_items() if hasattr(message, "raw_items") else []:
        if key.lower() == name.lower():
            return str(value)
    return ""


def addresses(message: Message, name: str) -> list[tuple[str, str]]:
    """(display name, lower-case address) pairs of an address header; malformed ones skipped."""
    found: list[tuple[str, str]] = []
    try:
        values = message.get_all(name) or []
        pairs = []
        for value in values:
            items = getattr(value, "addresses", None)
            if items is not None:
                pairs += [(a.display_name, a.addr_spec) for a in items]
            else:
                pairs += email.utils.getaddresses([str(value)])
    except Exception:
        pairs = email.utils.getaddresses([_raw_header(message, name)])
    for display, address in pairs:
        address = clean_header(address).strip("<>").lower()
        if EMAIL_RE.match(address) and len(address) <= 254:
            found.append((clean_header(display)[:200], address))
    return found


def _walk(part: Message, texts: list[str], htmls: list[str], parts: list[Part]) -> None:
    ctype = part.get_content_type()
    if part.is_multipart():
        children = list(part.iter_parts()) if isinstance(part, EmailMessage) else part.get_payload()
        if ctype == "multipart/alternative":
            # Take the richest readable alternative of each kind, not every copy.
            plain = [c for c in children if c.get_content_type() == "text/plain"]
            rich = [c for c in children if c.get_content_type() == "text/html" or c.is_multipart()]
            if plain:
                texts.append(_text(plain[-1]))
            for child in rich[-1:]:
                _walk(child, [] if plain else texts, htmls, parts)
            return
        for child in children:
            _walk(child, texts, htmls, parts)
        return
    disposition = _disposition(part)
    filename = _filename(part)
    if ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename:
        (texts if ctype == "text/plain" else htmls).append(_text(part))
        return
    parts.append(_attachment(part, ctype, filename, disposition))


def _disposition(part: Message) -> str | None:
    try:
        return part.get_content_disposition()
    except Exception:
        return None


def _filename(part: Message) -> str:
    try:
        return clean_header(part.get_filename() or "")
    except Exception:
        return ""


def _text(part: Message) -> str:
    payload = _payload(part)
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    return clean_text(decode_bytes(payload, charset))


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if data is None:
        raw = part.get_payload()
        data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
    return data


def _attachment(part: Message, ctype: str, filename: str, disposition: str | None) -> Part:
    if ctype == "message/rfc822":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        data = inner.as_bytes(policy=email.policy.SMTP) if isinstance(inner, Message) else b""
        subject = header(inner, "Subject") if isinstance(inner, Message) else ""
        filename = filename or f"{subject or 'message'}.eml"
    else:
        data = _payload(part)
    if not filename:
        extension = mimetypes.guess_extension(ctype) or ".bin"
        filename = f"{ctype.split('/')[0] if '/' in ctype else 'file'}{extension}"
    content_id = msgid.normalize(header(part, "Content-ID"))
    return Part(
        filename=filename,
        content_type=ctype,
        data=data,
        content_id=content_id,
        inline=bool(content_id) and disposition != "attachment",
    )


def _all_defects(message: Message) -> list[object]:
    found = list(getattr(message, "defects", []))
    if message.is_multipart():
        for child in message.get_payload() if isinstance(message.get_payload(), list) else []:
            if isinstance(child, Message):
                found += _all_defects(child)
    return found
