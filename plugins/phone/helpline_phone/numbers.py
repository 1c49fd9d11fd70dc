"""Phone numbers: E.164 normalisation and display (phonenumbers), matching to users."""

from __future__ import annotations

from typing import Any

import phonenumbers

from helpline.errors import Invalid
from helpline.tables import User
from helpline_phone.tables import PhoneContact


def normalize(raw: str, region: str = "US", field: str = "number") -> str:
    """`raw` as E.164 (`+12025550143`); Invalid naming `field` when it is not a valid number."""
    text = (raw or "").strip()
    if not text:
        raise Invalid(field, "enter a phone number")
    if len(text) > 40:
        raise Invalid(field, "is too long for a phone number")
    try:
        parsed = phonenumbers.parse(text, (region or "US").upper())
    except phonenumbers.NumberParseException:
        raise Invalid(field, f"{text!r} is not a phone number") from None
    if not phonenumbers.is_valid_number(parsed):
        raise Invalid(field, f"{text!r} is not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def try_normalize(raw: str, region: str = "US") -> str | None:
    try:
        return normalize(raw, region)
    except Invalid:
        return None


def display(e164: str) -> str:
    """A number as people write it internationally: `+1 202-555-0143`."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


async def user_for_number(e164: str) -> dict[str, Any] | None:
    """The user this number belongs to: {id, name, email, staff} or None."""
    row = (
        await PhoneContact.select(
            PhoneContact.user.id.as_alias("id"),
            PhoneContact.user.name.as_alias("name"),
            PhoneContact.user.email.as_alias("email"),
            PhoneContact.user.role.staff.as_alias("staff"),
        )
        .where(PhoneContact.number == e164)
        .first()
    )
    return row


async def numbers_of(user_id: int) -> list[dict[str, Any]]:
    rows = (
        await PhoneContact.select(PhoneContact.id, PhoneContact.number, PhoneContact.label)
        .where(PhoneContact.user == user_id)
        .order_by(PhoneContact.id)
    )
    return [{**r, "display": display(r["number"])} for r in rows]


async def remember(helpline: Any, user_id: int, e164: str, label: str = "") -> bool:
    """Record that `e164` belongs to `user_id`; False when it already belongs to someone else."""
    owner = await PhoneContact.select(PhoneContact.user).where(PhoneContact.number == e164).first()
    if owner is not None:
        return owner["user"] == user_id
    if not await User.exists().where(User.id == user_id):
        raise Invalid("customer", "no such user")
    await PhoneContact.insert(
        PhoneContact(user=user_id, number=e164, label=label[:60], created_at=helpline.now())
    )
    return True


async def forget(user_id: int, contact_id: int) -> None:
    await PhoneContact.delete().where(PhoneContact.id == contact_id, PhoneContact.user == user_id)
