"""The telephony webhook: a PBX reports ringing, answered and hung-up calls.

Each delivery is signed with the shared secret; a repeated delivery (same call id and event) is
recognised and changes nothing. A missed inbound call or a voicemail opens a "Call back" ticket.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any

import msgspec

from helpline.errors import Forbidden, Invalid
from helpline.runtime import Helpline
from helpline.services import history, messages, tickets, users
from helpline_phone import numbers
from helpline_phone.calls import VIA, customer_for_number
from helpline_phone.settings import settings_of
from helpline_phone.tables import PhoneCall, PhoneDelivery

EVENTS = {
    "ringing": "ringing",
    "new_call": "ringing",
    "ring": "ringing",
    "answered": "answered",
    "hangup": "hangup",
    "hung_up": "hangup",
    "ended": "hangup",
}
HANGUP_OUTCOMES = ("answered", "missed", "voicemail", "busy", "no_answer", "failed")
SIGNATURE_HEADER = "x-helpline-signature"


class PhoneEventIn(msgspec.Struct, kw_only=True):
    """What the telephone system posts: one event of one call."""

    event: str
    call_id: str
    caller: str = ""
    callee: str = ""
    direction: str = "inbound"
    #: Email of the agent who took or made the call, or their desk extension.
    agent: str = ""
    agent_extension: str = ""
    #: Seconds talked (hangup); computed from the answered time when left out.
    duration: int | None = None
    #: On hangup: answered, missed, voicemail, busy, no_answer or failed; guessed when left out.
    outcome: str = ""
    recording_url: str = ""


class PhoneEventOut(msgspec.Struct):
    status: str  # processed or duplicate
    call: int | None = None
    ticket: int | None = None


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def authentic(secret: str, body: bytes, headers: Any) -> bool:
    """A valid HMAC of the body, or the secret itself as a bearer token (constant-time)."""
    if not secret:
        return False
    signed = headers.get(SIGNATURE_HEADER, "")
    if signed and hmac.compare_digest(signed.strip().encode(), signature(secret, body).encode()):
        return True
    auth = headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return hmac.compare_digest(auth[7:].strip().encode(), secret.encode())
    return False


def check(event: PhoneEventIn) -> PhoneEventIn:
    """Invalid naming the field unless the event makes sense."""
    if event.event not in EVENTS:
        raise Invalid("event", f"one of {', '.join(sorted(EVENTS))}")
    if not event.call_id.strip() or len(event.call_id) > 200:
        raise Invalid("call_id", "must be 1 to 200 characters")
    if event.direction not in ("inbound", "outbound"):
        raise Invalid("direction", "inbound or outbound")
    if event.outcome and event.outcome not in HANGUP_OUTCOMES:
        raise Invalid("outcome", f"one of {', '.join(HANGUP_OUTCOMES)}")
    return event


async def _agent(helpline: Helpline, event: PhoneEventIn) -> int | None:
    email = event.agent.strip()
    if not email and event.agent_extension:
        email = settings_of(helpline).extensions.get(event.agent_extension.strip(), "")
    if not email or "@" not in email:
        return None
    user_id = await users.find_user_id(email)
    if user_id is None:
        return None
    person = await users.load_actor(helpline, user_id)
    return user_id if person.staff else None


def _number(raw: str, region: str) -> str:
    return numbers.try_normalize(raw, region) or raw.strip()[:64]


def _safe_url(url: str) -> str:
    url = url.strip()
    return url[:2000] if url.lower().startswith(("https://", "http://")) else ""


async def process(helpline: Helpline, event: PhoneEventIn) -> tuple[PhoneEventOut, dict | None]:
    """Apply one event; returns the answer and what to announce to agents (None: nothing)."""
    kind = EVENTS[event.event]
    call_key = event.call_id.strip()
    region = settings_of(helpline).default_region
    theirs, ours = (
        (event.caller, event.callee)
        if event.direction == "inbound"
        else (event.callee, event.caller)
    )
    now = helpline.now()
    async with helpline.transaction():
        delivered = (
            await PhoneDelivery.insert(PhoneDelivery(key=f"{call_key}:{kind}", received_at=now))
            .on_conflict(target=PhoneDelivery.key, action="DO NOTHING")
            .returning(PhoneDelivery.id)
        )
        if not delivered:
            row = await PhoneCall.select(PhoneCall.id).where(PhoneCall.call_id == call_key).first()
            return PhoneEventOut("duplicate", row["id"] if row else None), None
        number = _number(theirs, region)
        agent_id = await _agent(helpline, event)
        call = await PhoneCall.select().where(PhoneCall.call_id == call_key).first()
        if call is None:
            matched = await numbers.user_for_number(number) if number.startswith("+") else None
            # Two first events of one call may arrive at once: the second finds the first's row.
            await PhoneCall.insert(
                PhoneCall(
                    call_id=call_key,
                    direction=event.direction,
                    number=number,
                    line=_number(ours, region),
                    customer=matched["id"] if matched else None,
                    state="ringing",
                    source="webhook",
                    started_at=now,
                )
            ).on_conflict(target=PhoneCall.call_id, action="DO NOTHING")
            call = await PhoneCall.select().where(PhoneCall.call_id == call_key).first()
        changes: dict[Any, Any] = {}
        if agent_id is not None and call["agent"] is None:
            changes[PhoneCall.agent] = call["agent"] = agent_id
        if event.agent_extension:
            changes[PhoneCall.agent_extension] = event.agent_extension.strip()[:32]
        if kind == "answered" and call["state"] == "ringing":
            changes.update({PhoneCall.state: "answered", PhoneCall.answered_at: now})
            call["answered_at"] = now
        elif kind == "hangup" and call["state"] != "ended":
            changes.update(_hangup(call, event, now))
        if changes:
            await PhoneCall.update(changes).where(PhoneCall.id == call["id"])
        ticket_number = None
        outcome = changes.get(PhoneCall.outcome, call["outcome"])
        if (
            kind == "hangup"
            and call["direction"] == "inbound"
            and outcome in ("missed", "voicemail")
            and call["ticket"] is None
            and settings_of(helpline).callback_tickets
        ):
            ticket_number = await _callback_ticket(helpline, call, outcome, changes, now)
    announce = {
        "kind": kind,
        "call": call["id"],
        "agent": call["agent"],
        "direction": call["direction"],
    }
    return PhoneEventOut("processed", call["id"], ticket_number), announce


def _hangup(call: dict[str, Any], event: PhoneEventIn, now: datetime) -> dict[Any, Any]:
    recording = _safe_url(event.recording_url)
    answered = call["answered_at"] is not None
    outcome = event.outcome or ("answered" if answered else "voicemail" if recording else "missed")
    if event.duration is not None:
        duration = max(0, min(int(event.duration), 86400))
    elif answered:
        duration = max(0, int((now - call["answered_at"]).total_seconds()))
    else:
        duration = 0
    return {
        PhoneCall.state: "ended",
        PhoneCall.ended_at: now,
        PhoneCall.outcome: outcome,
        PhoneCall.duration: duration,
        PhoneCall.recording_url: recording,
    }


async def _callback_ticket(
    helpline: Helpline, call: dict[str, Any], outcome: str, changes: dict, now: datetime
) -> int | None:
    """Open "Call back <number>" for the caller (a new customer when the number is unknown)."""
    number = call["number"]
    if not number.startswith("+"):
        return None  # a withheld or garbled number: nobody to call back
    customer_id = call["customer"] or await customer_for_number(helpline, number)
    requester = await users.load_actor(helpline, customer_id)
    shown = numbers.display(number)
    recording = changes.get(PhoneCall.recording_url, call["recording_url"])
    what = "Voicemail" if outcome == "voicemail" else "Missed call"
    body = f"{what} from {shown} at {now:%Y-%m-%d %H:%M} UTC. Please call back."
    try:
        ticket = await tickets.create_ticket(
            helpline,
            requester,
            subject=f"Call back {shown}",
            body=body,
            channel="phone",
            meta={"phone_call": call["id"]},
            via=VIA,
        )
    except Forbidden:  # a deactivated account may not open tickets
        return None
    if recording:
        # The recording may need the PBX's login: staff see the link, the customer does not.
        message = await messages.insert_message(
            helpline,
            ticket.id,
            author_id=None,
            kind="system",
            body=f"Voicemail recording: {recording}",
            channel="phone",
            meta={"phone_call": call["id"], "recording_url": recording},
        )
        await history.record(
            helpline, ticket.id, None, "message", field="system", new=str(message.id), via=VIA
        )
    await PhoneCall.update({PhoneCall.ticket: ticket.id, PhoneCall.customer: customer_id}).where(
        PhoneCall.id == call["id"]
    )
    return ticket.number
