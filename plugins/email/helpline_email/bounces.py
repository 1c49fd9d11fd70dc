"""Delivery status notifications: a system note on the ticket, the address flagged as bouncing."""

from __future__ import annotations

from helpline.runtime import Helpline
from helpline.tables import Ticket
from helpline_email import msgid, notes
from helpline_email.classify import Bounce
from helpline_email.deliver import Outcome
from helpline_email.parse import ParsedMail
from helpline_email.tables import Outbound, ThreadRef
from helpline_email.threads import Decision, _follow_merges

_VERBS = {
    "failed": "could not be delivered",
    "delayed": "is delayed",
    "delivered": "was delivered",
    "relayed": "was relayed",
    "expanded": "was delivered to a list",
}


async def apply_bounce(helpline: Helpline, mail: ParsedMail, bounce: Bounce) -> Outcome:
    ticket_id, anchor = await _ticket_of(helpline, mail, bounce)
    failed = bounce.failed
    summary = (
        ", ".join(f"{a} {action}" for a, action, _, _ in bounce.recipients) or "no recipient named"
    )
    if ticket_id is None:
        return Outcome(
            "ignored",
            f"delivery status notification ({summary}) for a message this desk did not send",
        )
    decision = await _follow_merges(Decision(ticket_id, "signed", ""))
    ticket_id = decision.ticket_id
    lines = []
    for address, action, status, diagnostic in bounce.recipients:
        line = f"Mail to {address} {_VERBS.get(action, action)}"
        if status:
            line += f" ({status})"
        if diagnostic:
            line += f": {diagnostic}"
        lines.append(line + ".")
    if not lines:
        lines.append(f"A delivery problem was reported: {mail.subject}")
    for address, _, status, diagnostic in failed:
        await notes.flag_bouncing(helpline, address, f"{status} {diagnostic}".strip())
    if failed and bounce.original_ids:
        error = "; ".join(lines)
        await Outbound.update({Outbound.status: "failed", Outbound.last_error: error[:2000]}).where(
            Outbound.message_id.is_in(bounce.original_ids)
        )
    note = await notes.system_note(
        helpline,
        ticket_id,
        "\n".join(lines),
        meta={
            "email": {
                "bounce": [list(r) for r in bounce.recipients],
                "original": bounce.original_ids,
            }
        },
    )
    number = (await Ticket.select(Ticket.number).where(Ticket.id == ticket_id).first())["number"]
    flagged = f"; flagged as bouncing: {', '.join(a for a, *_ in failed)}" if failed else ""
    reason = f"delivery status notification for {anchor} ({summary}){flagged}{decision.reason}"
    return Outcome("appended", reason, ticket_id, number, note.id)


async def _ticket_of(
    helpline: Helpline, mail: ParsedMail, bounce: Bounce
) -> tuple[int | None, str]:
    """The ticket of the returned message: our signed Message-ID, or one we stored."""
    secret = helpline.settings.secret_key
    candidates = [*bounce.original_ids, *mail.in_reply_to, *reversed(mail.references)]
    for value in candidates:
        signed = msgid.verify_message_id(secret, value)
        if signed and await Ticket.exists().where(Ticket.id == signed[0]):
            return signed[0], f"our message <{value}>"
    if candidates:
        row = (
            await ThreadRef.select(ThreadRef.ticket, ThreadRef.message_id)
            .where(ThreadRef.message_id.is_in(candidates) & (ThreadRef.direction == "out"))
            .first()
        )
        if row is not None:
            return row["ticket"], f"our message <{row['message_id']}>"
    return None, ""
