"""Recognising mail no one should answer automatically: auto-replies, bulk mail, bounces."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import Message

from helpline_email import msgid
from helpline_email.decode import clean_header, decode_bytes
from helpline_email.parse import ParsedMail, header

_NOREPLY = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|mailer-daemon|postmaster|bounces?|"
    r"notifications?|automated|auto[-_.]?(reply|confirm)|daemon)([-+_.].*)?@",
    re.I,
)
_AUTO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto[- ]?reply|autoreply|auto:|out of (the )?office|abwesenheitsnotiz|"
    r"automatische antwort|réponse automatique|respuesta automática|vacation reply)",
    re.I,
)
_BOUNCE_SUBJECT = re.compile(
    r"(undeliver|delivery status notification|delivery failure|failure notice|returned mail|"
    r"mail delivery (failed|subsystem)|unzustellbar|non remis|could not be delivered)",
    re.I,
)
_BOUNCE_RECIPIENT = re.compile(r"<([^<>\s@]+@[^<>\s@]+\.[^<>\s@]+)>:")  # qmail and friends
_STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")


@dataclass
class Bounce:
    #: (address, action, status, diagnostic): failed, delayed, delivered …
    recipients: list[tuple[str, str, str, str]] = field(default_factory=list)
    #: Message-IDs of the returned message (what we sent).
    original_ids: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[tuple[str, str, str, str]]:
        return [r for r in self.recipients if r[1] == "failed"]


@dataclass
class Classification:
    auto_reply: bool = False
    bulk: bool = False
    noreply: bool = False
    bounce: Bounce | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def never_answer(self) -> bool:
        """No automatic mail may go to this sender in response."""
        return bool(self.auto_reply or self.bulk or self.noreply or self.bounce or self.reasons)


def classify(mail: ParsedMail) -> Classification:
    found = Classification()
    message = mail.message
    auto = header(message, "Auto-Submitted").lower()
    if auto and not auto.startswith("no"):
        found.reasons.append(f"Auto-Submitted: {auto}")
        found.auto_reply = auto.startswith("auto-replied")
    precedence = header(message, "Precedence").lower()
    if precedence in ("bulk", "junk", "list"):
        found.bulk = True
        found.reasons.append(f"Precedence: {precedence}")
    elif precedence in ("auto_reply", "auto-reply"):
        found.auto_reply = True
        found.reasons.append(f"Precedence: {precedence}")
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        if header(message, name):
            found.auto_reply = True
            found.reasons.append(f"{name} header")
    suppress = header(message, "X-Auto-Response-Suppress").lower()
    if suppress and suppress != "none":
        found.reasons.append(f"X-Auto-Response-Suppress: {suppress}")
    for name in ("List-Id", "List-Unsubscribe", "List-Post", "Feedback-ID", "X-Campaign"):
        if header(message, name):
            found.bulk = True
            found.reasons.append(f"{name} header (mailing list or bulk mail)")
            break
    if _AUTO_SUBJECT.match(mail.subject):
        found.auto_reply = True
        found.reasons.append("subject says it is an automatic reply")
    if mail.from_address and _NOREPLY.match(mail.from_address):
        found.noreply = True
        found.reasons.append(f"sender {mail.from_address} does not read replies")
    if header(message, "Return-Path").strip() == "<>":
        found.reasons.append("null return path (sent by a mail system)")
    found.bounce = delivery_report(mail)
    if found.bounce is not None:
        found.auto_reply = False
        found.reasons.append("delivery status notification")
    return found


def delivery_report(mail: ParsedMail) -> Bounce | None:
    """What a bounce says: standard DSNs (RFC 3464) first, then the usual non-standard ones."""
    message = mail.message
    ctype = message.get_content_type()
    report_type = (message.get_param("report-type") or "") if ctype == "multipart/report" else ""
    if ctype == "multipart/report" and str(report_type).lower() == "delivery-status":
        return _standard(message)
    sender = mail.from_address
    looks_bounced = _BOUNCE_SUBJECT.search(mail.subject) and (
        not sender
        or sender.startswith(("mailer-daemon", "postmaster"))
        or header(message, "Return-Path").strip() == "<>"
    )
    if not looks_bounced and not header(message, "X-Failed-Recipients"):
        return None
    bounce = Bounce()
    text = mail.text or ""
    failed = [
        a.strip().lower() for a in header(message, "X-Failed-Recipients").split(",") if "@" in a
    ]
    failed += [a.lower() for a in _BOUNCE_RECIPIENT.findall(text)]
    status = _STATUS.search(text)
    diagnostic = next(
        (line.strip() for line in text.splitlines() if re.search(r"\b[45]\d\d\b", line)), ""
    )
    for address in dict.fromkeys(failed):
        bounce.recipients.append(
            (address, "failed", status.group(1) if status else "5.0.0", diagnostic[:300])
        )
    bounce.original_ids = _returned_ids(message, text)
    return bounce


def _standard(message: Message) -> Bounce:
    bounce = Bounce()
    for part in message.walk():
        ctype = part.get_content_type()
        if ctype in ("message/delivery-status", "message/global-delivery-status"):
            for block in _status_blocks(part):
                recipient = _field(block, "Final-Recipient") or _field(block, "Original-Recipient")
                address = recipient.split(";", 1)[-1].strip().strip("<>").lower()
                if "@" not in address:
                    continue
                bounce.recipients.append(
                    (
                        address,
                        _field(block, "Action").lower() or "failed",
                        _field(block, "Status"),
                        _field(block, "Diagnostic-Code")[:300],
                    )
                )
    bounce.original_ids = _returned_ids(message, "")
    return bounce


def _status_blocks(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, Message)]
    # Some MTAs label the part so the parser leaves it as text: parse the blocks ourselves.
    from email.parser import HeaderParser

    text = (
        payload if isinstance(payload, str) else decode_bytes(part.get_payload(decode=True) or b"")
    )
    return [
        HeaderParser().parsestr(block.strip() + "\n")
        for block in re.split(r"\r?\n\s*\r?\n", text)
        if block.strip()
    ]


def _field(block: Message, name: str) -> str:
    return clean_header(block.get(name, ""))


def _returned_ids(message: Message, text: str) -> list[str]:
    """Message-IDs of the returned original: its headers part, or any of ours in the text."""
    ids: list[str] = []
    for part in message.walk():
        ctype = part.get_content_type()
        if ctype in ("message/rfc822", "message/global") and part.is_multipart():
            inner = part.get_payload()[0]
            ids.append(msgid.normalize(header(inner, "Message-ID")))
        elif ctype in ("text/rfc822-headers", "text/global-headers"):
            found = re.search(r"^Message-ID:\s*(<[^>]+>)", _part_text(part), re.I | re.M)
            if found:
                ids.append(msgid.normalize(found.group(1)))
        elif ctype == "text/plain" and not text:
            text = _part_text(part)
    for candidate in re.findall(r"<([^<>\s]+@[^<>\s]+)>", text or ""):
        if msgid.looks_like_ours(candidate):
            ids.append(candidate)
    return [i for i in dict.fromkeys(ids) if i]


def _part_text(part: Message) -> str:
    data = part.get_payload(decode=True)
    if data is None:
        payload = part.get_payload()
        return payload if isinstance(payload, str) else ""
    return decode_bytes(data, part.get_content_charset())
