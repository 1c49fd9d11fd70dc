"""The "mailbox" dimension of every report (the reports plugin's `report_dimensions` hook).

A ticket's mailbox is the one its first stored email arrived in; tickets from other channels have
none. The expression is a correlated subquery over email_inbound (indexed by ticket)."""

from __future__ import annotations

from typing import Any

from helpline_email.tables import Mailbox

#: The mailbox of the ticket read as "ticket" (reports and report plugins join that name).
EXPRESSION = (
    'SELECT i.mailbox FROM email_inbound i WHERE i.ticket = "ticket".id AND i.mailbox IS NOT NULL '
    "ORDER BY i.id LIMIT 1"
)


async def options(helpline: Any) -> list[tuple[int, str]]:
    rows = await Mailbox.select(Mailbox.id, Mailbox.name, Mailbox.address).order_by(
        Mailbox.address
    )
    return [(r["id"], r["name"] or r["address"]) for r in rows]


def dimensions() -> dict[str, dict[str, Any]]:
    return {"mailbox": {"label": "Mailbox", "expression": EXPRESSION, "options": options}}
