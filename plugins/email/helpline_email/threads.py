"""Which ticket a message belongs to, and why: signed or known Message-IDs, then subject tags."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from helpline.runtime import Helpline
from helpline.tables import Ticket, User
from helpline_email import msgid
from helpline_email.parse import ParsedMail
from helpline_email.tables import Follower, ThreadRef

MAX_MERGE_HOPS = 20


@dataclass
class Decision:
    ticket_id: int | None
    rule: str  # signed, message-id, subject-tag, new
    reason: str
    message_ref: int | None = None


def _anchors(mail: ParsedMail) -> list[tuple[str, str]]:
    """(header, Message-ID) pairs: In-Reply-To first, then References from newest to oldest."""
    pairs = [("In-Reply-To", i) for i in mail.in_reply_to]
    pairs += [("References", i) for i in reversed(mail.references)]
    seen, out = set(), []
    for name, value in pairs:
        if value not in seen:
            seen.add(value)
            out.append((name, value))
    return out


async def decide(
    helpline: Helpline, mail: ParsedMail, sender_id: int | None, sender_staff: bool
) -> Decision:
    secret = helpline.settings.secret_key
    anchors = _anchors(mail)
    for name, value in anchors:
        signed = msgid.verify_message_id(secret, value)
        if signed and await Ticket.exists().where(Ticket.id == signed[0]):
            return await _follow_merges(
                Decision(
                    signed[0],
                    "signed",
                    f"{name} carries our signed Message-ID <{value}>",
                    signed[1],
                )
            )
    if anchors:
        rows = await ThreadRef.select(
            ThreadRef.message_id, ThreadRef.ticket, ThreadRef.message
        ).where(ThreadRef.message_id.is_in([v for _, v in anchors]))
        known = {r["message_id"]: r for r in rows}
        for name, value in anchors:
            if value in known:
                row = known[value]
                return await _follow_merges(
                    Decision(
                        row["ticket"],
                        "message-id",
                        f"{name} names a known message <{value}>",
                        row["message"],
                    )
                )
    rejected = []
    for number in msgid.subject_numbers(mail.subject):
        ticket = (
            await Ticket.select(Ticket.id, Ticket.requester).where(Ticket.number == number).first()
        )
        if ticket is None:
            rejected.append(f"subject tag [#{number}] names no ticket")
            continue
        who = await _relation(ticket, sender_id, sender_staff, mail.from_address)
        if who:
            return await _follow_merges(
                Decision(
                    ticket["id"], "subject-tag", f"subject tag [#{number}] and the sender is {who}"
                )
            )
        rejected.append(
            f"subject tag [#{number}] ignored: the sender is not its requester, "
            "a follower or an agent"
        )
    reasons = rejected or ["no reference to a known message and no subject tag"]
    return Decision(None, "new", "; ".join(reasons))


async def _relation(
    ticket: dict[str, Any], sender_id: int | None, staff: bool, address: str
) -> str:
    if sender_id is not None and ticket["requester"] == sender_id:
        return "its requester"
    if staff:
        return "an agent"
    if await Follower.exists().where(
        (Follower.ticket == ticket["id"])
        & (Follower.address == address)
        & (Follower.state == "follower")
    ):
        return "a follower"
    return ""


async def _follow_merges(decision: Decision) -> Decision:
    """A reply to a merged ticket lands on the ticket it was merged into (and so on)."""
    seen = set()
    while (
        decision.ticket_id is not None
        and decision.ticket_id not in seen
        and len(seen) < MAX_MERGE_HOPS
    ):
        seen.add(decision.ticket_id)
        row = (
            await Ticket.select(
                Ticket.number, Ticket.merged_into, Ticket.merged_into.number.as_alias("target")
            )
            .where(Ticket.id == decision.ticket_id)
            .first()
        )
        if row is None or row["merged_into"] is None:
            break
        decision.reason += f"; #{row['number']} was merged into #{row['target']}"
        decision.ticket_id = row["merged_into"]
    return decision


async def sender_user(address: str) -> dict[str, Any] | None:
    return (
        await User.select(User.id, User.active, User.role.staff.as_alias("staff"))
        .where(User.email == address)
        .first()
    )
