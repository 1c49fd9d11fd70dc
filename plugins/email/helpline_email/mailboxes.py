"""Mailboxes: the default one made on first use, finding the one a message was sent to, editing."""

from __future__ import annotations

from typing import Any

from helpline import db
from helpline.errors import Invalid, NotFound
from helpline.runtime import Helpline
from helpline.services.users import normalize_email
from helpline_email.settings import default_address, email_settings
from helpline_email.tables import Mailbox

METHODS = ("pipe", "imap", "lmtp")
SECURITY = ("tls", "starttls", "none")
AFTER = ("seen", "move", "delete")
CLOSED_REPLY = ("reopen", "followup")


class UnknownMailbox(LookupError):
    """No mailbox has this address."""


async def default_mailbox(helpline: Helpline) -> dict[str, Any]:
    """The default mailbox, created on first use (so `mail receive` works right after init)."""
    row = await Mailbox.select().where(Mailbox.is_default == True).first()  # noqa: E712
    if row is not None:
        return row
    address = default_address(helpline)
    # Concurrent first deliveries race to create it; the unique address lets one win.
    await db.fetch(
        helpline.engine,
        "INSERT INTO email_mailbox (address, name, team, priority, tags, method, imap_host, "
        "imap_port, imap_security, imap_verify, imap_user, imap_password, imap_folder, imap_after, "
        "imap_move_to, closed_reply, smtp_url, acknowledge, active, is_default, created_at) "
        "VALUES ({}, {}, NULL, '', '', 'pipe', '', 993, 'tls', {}, '', '', 'INBOX', 'seen', '', "
        "'reopen', '', {}, {}, {}, {}) ON CONFLICT (address) DO NOTHING",
        address,
        email_settings(helpline).default_name,
        True,
        True,
        True,
        not await Mailbox.exists().where(Mailbox.is_default == True),  # noqa: E712
        helpline.now(),
    )
    row = await Mailbox.select().where(Mailbox.is_default == True).first()  # noqa: E712
    if row is None:  # an admin's mailbox already has that address: make it the default
        await Mailbox.update({Mailbox.is_default: True}).where(Mailbox.address == address)
        row = await Mailbox.select().where(Mailbox.address == address).first()
    return row


async def get_mailbox(mailbox_id: int) -> dict[str, Any]:
    row = await Mailbox.select().where(Mailbox.id == mailbox_id).first()
    if row is None:
        raise NotFound(f"mailbox {mailbox_id} not found")
    return row


async def by_address(helpline: Helpline, address: str) -> dict[str, Any]:
    """The mailbox with this address (the default one is created if it is asked for)."""
    address = address.strip().lower()
    row = await Mailbox.select().where(Mailbox.address == address).first()
    if row is None:
        default = await default_mailbox(helpline)
        if default["address"] == address:
            return default
        raise UnknownMailbox(f"no mailbox has the address {address}")
    return row


async def for_recipients(helpline: Helpline, recipients: list[str]) -> dict[str, Any]:
    """The first active mailbox among the message's recipients, or the default mailbox."""
    wanted = [r.strip().lower() for r in recipients if r and "@" in r]
    if wanted:
        rows = await Mailbox.select().where(
            Mailbox.address.is_in(list(dict.fromkeys(wanted))) & (Mailbox.active == True)  # noqa: E712
        )
        by_addr = {r["address"]: r for r in rows}
        for address in wanted:
            if address in by_addr:
                return by_addr[address]
    return await default_mailbox(helpline)


async def all_addresses() -> set[str]:
    return {r["address"] for r in await Mailbox.select(Mailbox.address)}


async def list_mailboxes(helpline: Helpline) -> list[dict[str, Any]]:
    await default_mailbox(helpline)
    return (
        await Mailbox.select()
        .order_by(Mailbox.is_default, ascending=False)
        .order_by(Mailbox.address)
    )


def clean_values(form: dict[str, Any]) -> dict[str, Any]:
    """Validate a mailbox form; Invalid(field) names the first problem."""
    values: dict[str, Any] = {}
    values["address"] = normalize_email(form.get("address", ""), "address")
    values["name"] = str(form.get("name") or "").strip()[:200]
    team = str(form.get("team") or "").strip()
    values["team"] = int(team) if team.isdigit() else None
    values["priority"] = str(form.get("priority") or "").strip()
    values["tags"] = ", ".join(
        t.strip() for t in str(form.get("tags") or "").split(",") if t.strip()
    )
    for name, choices in (
        ("method", METHODS),
        ("imap_security", SECURITY),
        ("imap_after", AFTER),
        ("closed_reply", CLOSED_REPLY),
    ):
        value = str(form.get(name) or choices[0])
        if value not in choices:
            raise Invalid(name, f"choose one of {', '.join(choices)}")
        values[name] = value
    values["imap_host"] = str(form.get("imap_host") or "").strip()
    port = str(form.get("imap_port") or "").strip() or (
        "143" if values["imap_security"] != "tls" else "993"
    )
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise Invalid("imap_port", "must be a port number")
    values["imap_port"] = int(port)
    values["imap_user"] = str(form.get("imap_user") or "").strip()
    values["imap_folder"] = str(form.get("imap_folder") or "").strip() or "INBOX"
    values["imap_move_to"] = str(form.get("imap_move_to") or "").strip()
    values["imap_verify"] = _flag(form.get("imap_verify"))
    values["acknowledge"] = _flag(form.get("acknowledge"))
    values["active"] = _flag(form.get("active"))
    values["smtp_url"] = str(form.get("smtp_url") or "").strip()
    if values["smtp_url"] and not values["smtp_url"].startswith(("smtp://", "smtps://")):
        raise Invalid("smtp_url", "must start with smtp:// or smtps://")
    if values["method"] == "imap":
        if not values["imap_host"]:
            raise Invalid("imap_host", "an IMAP mailbox needs a server")
        if not values["imap_user"]:
            raise Invalid("imap_user", "an IMAP mailbox needs a user name")
    if values["imap_after"] == "move" and not values["imap_move_to"]:
        raise Invalid("imap_move_to", "name the folder to move fetched mail to")
    if form.get("imap_password"):
        values["imap_password"] = str(form["imap_password"])
    return values


def _flag(value: Any) -> bool:
    return str(value or "").lower() in ("1", "on", "true", "yes")


async def save_mailbox(
    helpline: Helpline, values: dict[str, Any], mailbox_id: int | None = None
) -> int:
    """Create or update a mailbox from `clean_values` output."""
    if values.get("priority"):
        from helpline.tables import Priority

        if not await Priority.exists().where(Priority.name == values["priority"]):
            raise Invalid("priority", f"unknown priority {values['priority']!r}")
    clash = await Mailbox.select(Mailbox.id).where(Mailbox.address == values["address"]).first()
    if clash is not None and clash["id"] != mailbox_id:
        raise Invalid("address", f"another mailbox already has the address {values['address']}")
    columns = {getattr(Mailbox, key): value for key, value in values.items()}
    if mailbox_id is None:
        row = await Mailbox.insert(Mailbox(**values, created_at=helpline.now())).returning(
            Mailbox.id
        )
        return row[0]["id"]
    await get_mailbox(mailbox_id)
    await Mailbox.update(columns).where(Mailbox.id == mailbox_id)
    return mailbox_id


async def make_default(mailbox_id: int) -> None:
    await get_mailbox(mailbox_id)
    await Mailbox.update({Mailbox.is_default: False}).where(Mailbox.id != mailbox_id)
    await Mailbox.update({Mailbox.is_default: True, Mailbox.active: True}).where(
        Mailbox.id == mailbox_id
    )
