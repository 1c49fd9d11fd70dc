"""A help desk that looks lived-in: agents, teams, customers and 30 varied tickets over 3 days."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from helpline.services import messages, tickets
from helpline.services.users import load_actor

# subject | priority type tags status assignee team ("-": none). Ticket i is requested by
# customer i % 8, so the printer ticket's requester also has a pending and a solved request.
TICKETS = """
Cannot log in after password reset            | high incident login open Ada Support
Invoice #4411 charged twice                   | urgent problem billing,vip open Alan Billing
How do I export my data to CSV?               | low question export pending Grace Support
Dark mode for the mobile app                  | low feature_request mobile on_hold - -
VPN drops every hour since the update         | high incident network new - -
Printer on floor 3 jams on every duplex job   | normal problem hardware open Ada Support
Change the billing address on our account     | normal question billing solved Alan Billing
Refund for order 1182                         | normal question billing,refund pending Alan Billing
New laptop for Sam (starts Monday)            | normal issue onboarding open Grace Support
Two-factor codes arrive late                  | high incident login,sms new - Support
API returns 502 on /orders under load         | urgent incident api open Ada -
Please add Italian to the portal              | low feature_request i18n new - -
Shared mailbox stopped syncing                | high problem email on_hold Grace Support
Where can I find last year's invoices?        | low question billing solved Alan Billing
Upgrade to the team plan                      | normal question sales new - Billing
Webhook retries flood our endpoint            | high problem api,webhooks pending Ada -
Cannot attach files larger than 5 MB          | normal issue attachments open Grace Support
Calendar invites show the wrong time zone     | normal problem calendar new - -
Cancel my subscription                        | normal question billing,churn open Alan Billing
SSO with Azure AD fails for new users         | urgent incident login,sso new Ada Support
Typo on the pricing page                      | low issue website solved - -
Bulk-edit contacts in the address book        | low feature_request contacts on_hold - -
Search ignores accented characters            | normal problem search open Grace Support
Tax ID missing on receipts                    | high issue billing,tax pending Alan Billing
Phone app crashes when opening a photo        | high incident mobile open Ada Support
Reports take minutes to load                  | normal problem performance new - -
Move our account to the EU region             | normal question gdpr on_hold Grace -
Password rules are too strict                 | low feature_request login solved - -
Wrong company name on the contract            | normal issue legal new - Billing
Keyboard shortcuts stopped working in Firefox | normal problem browser pending Grace Support
"""
CUSTOMERS = [
    "Olivia Brown",
    "Liam Chen",
    "Sofia Rossi",
    "Noah Müller",
    "Amara Okafor",
    "Lucas Silva",
    "Mei Tanaka",
    "Ethan Walker",
]


@dataclass
class Desk:
    agents: list[Any]
    customers: list[Any]
    teams: dict[str, int]
    tickets: list[Any] = field(default_factory=list)
    showcase: Any = None  # the ticket with a conversation and an internal note


async def seed_desk(helpline: Any, factory: Any, clock: Any, manager: Any) -> Desk:
    """Tickets spread over the last three days; the clock runs in real time again afterwards."""
    agents = [
        await factory.user("agent", name="Ada Lovelace", email="ada@example.com"),
        await factory.user("agent", name="Grace Hopper", email="grace@example.com"),
        await factory.user("agent", name="Alan Turing", email="alan@example.com"),
    ]
    teams = {
        "Support": await factory.team("Support", members=agents[:2]),
        "Billing": await factory.team("Billing", members=agents[2:]),
    }
    agents = [await load_actor(helpline, a.id) for a in agents]  # now with their teams
    org = await factory.organization("Acme Corp", domain="acme.example")
    customers = [
        await factory.user(
            "customer",
            name=name,
            email=f"{name.split()[0].lower()}@acme.example",
            organization=org if i % 2 else None,
        )
        for i, name in enumerate(CUSTOMERS)
    ]
    desk = Desk(agents, customers, teams)
    start = clock.freeze(datetime.now(UTC) - timedelta(days=3))
    try:
        for i, row in enumerate(TICKETS.strip().splitlines()):
            subject, rest = (part.strip() for part in row.split("|"))
            priority, kind, tags, status, who, team = rest.split()
            clock.freeze(start + timedelta(hours=2.3 * i, minutes=7 * i))
            requester = customers[i % len(customers)]
            ticket = await tickets.create_ticket(
                helpline,
                requester,
                subject=subject,
                body=f"Hello,\n\n{subject}. Could you have a look?\n\nThanks, {requester.name}",
            )
            fields: dict[str, Any] = {"priority": priority, "type": kind, "tags": tags.split(",")}
            if who != "-":
                fields["assignee_id"] = next(a.id for a in agents if a.name.startswith(who))
            if team != "-":
                fields["team_id"] = teams[team]
            if status != "new":
                fields["status"] = status
            clock.advance(minutes=25)
            ticket = await tickets.update_ticket(
                helpline, manager, ticket.number, version=None, **fields
            )
            desk.tickets.append(ticket)
        desk.showcase = await _conversation(helpline, clock, desk)
    finally:
        clock.unfreeze()
    return desk


async def _conversation(helpline: Any, clock: Any, desk: Desk) -> Any:
    """A short exchange on the printer ticket: reply, internal note, customer answer."""
    ada, grace = desk.agents[0], desk.agents[1]
    ticket = next(t for t in desk.tickets if t.subject.startswith("Printer"))
    customer = next(c for c in desk.customers if c.id == ticket.requester_id)
    clock.advance(minutes=40)
    await messages.add_message(
        helpline,
        ada,
        ticket.number,
        body="Thanks for the report! Does it happen with single-sided jobs too, "
        "or only with duplex printing?",
    )
    clock.advance(minutes=12)
    await messages.add_message(
        helpline,
        ada,
        ticket.number,
        internal=True,
        body="Same model (HP M479) jammed at ACME last month: the fuser kit was worn out. "
        "Grace, do we have a spare?",
    )
    clock.advance(minutes=30)
    await messages.add_message(
        helpline, customer, ticket.number, body="Only duplex. Single-sided prints are fine."
    )
    clock.advance(minutes=5)
    await messages.add_message(
        helpline, grace, ticket.number, internal=True, body="One spare fuser kit in storage room B."
    )
    return await tickets.get_ticket(helpline, ada, ticket.number)
