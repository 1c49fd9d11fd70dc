"""`/api/v1/phone/…`: calls (list, log) for API tokens, and the telephony webhook."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import get, post
from litestar.channels import ChannelsPlugin
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers import BaseRouteHandler
from litestar.params import JSONBody, QueryParameter

from helpline.model import Actor
from helpline_phone import calls, live, webhook
from helpline_phone.settings import settings_of
from helpline_web.api.auth import ActorDep, HelplineDep

TAGS = ["phone"]
ChannelsDep = NamedDependency[ChannelsPlugin]


class CallOut(msgspec.Struct):
    id: int
    call_id: str | None
    direction: str
    number: str
    line: str
    customer: int | None
    customer_name: str | None
    agent: int | None
    agent_name: str | None
    ticket: int | None
    state: str
    outcome: str
    duration: int
    notes: str
    recording_url: str
    source: str
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None


class CallPage(msgspec.Struct):
    items: list[CallOut]
    total: int
    page: int
    per_page: int


class CallIn(msgspec.Struct, kw_only=True):
    """A call an agent made or took; `ticket` (a number) or a new phone ticket."""

    number: str
    direction: str = "inbound"
    outcome: str = "answered"
    #: Seconds.
    duration: int = 0
    notes: str = ""
    ticket: int | None = None
    #: Subject of the new ticket, when `ticket` is left out.
    subject: str = ""
    #: The customer's email, when the number belongs to no one yet.
    requester: str = ""
    #: Record the number as the customer's.
    remember: bool = False
    #: Id of a call the telephone system reported, to file on the ticket instead of a new one.
    call: int | None = None


class LoggedOut(msgspec.Struct):
    call: CallOut
    ticket: int


def _out(row: dict[str, Any]) -> CallOut:
    return CallOut(
        **{f: row[f] for f in CallOut.__struct_fields__ if f != "ticket"},
        ticket=row["ticket_number"],
    )


def _staff(actor: Actor) -> None:
    if not calls.may_log(actor):
        raise PermissionDeniedException("calls are for agents (tickets.note)")


@get("/calls", tags=TAGS)
async def list_calls(
    actor: ActorDep,
    customer: Annotated[int | None, QueryParameter()] = None,
    agent: Annotated[int | None, QueryParameter()] = None,
    ticket_id: Annotated[int | None, QueryParameter()] = None,
    page: Annotated[int, QueryParameter(ge=1)] = 1,
    per_page: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
) -> CallPage:
    """Calls the caller may see (those on tickets it can see), newest first."""
    _staff(actor)
    rows, total = await calls.list_calls(
        actor, customer=customer, agent=agent, ticket_id=ticket_id, page=page, per_page=per_page
    )
    return CallPage([_out(r) for r in rows], total, page, per_page)


@post("/calls", tags=TAGS, status_code=201)
async def log_call(actor: ActorDep, helpline: HelplineDep, data: JSONBody[CallIn]) -> LoggedOut:
    """Log a call on a ticket (an internal note) or on a new phone ticket."""
    _staff(actor)
    row, ticket = await calls.log_call(
        helpline,
        actor,
        number=data.number,
        direction=data.direction,
        outcome=data.outcome,
        duration=data.duration,
        notes=data.notes,
        ticket=data.ticket,
        subject=data.subject,
        requester=data.requester,
        remember=data.remember,
        call=data.call,
    )
    return LoggedOut(_out(row), ticket.number)


async def signed(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """The webhook's guard: runs before the body is parsed, so strangers learn nothing."""
    helpline = connection.app.state.helpline
    body = await connection.body()  # type: ignore[attr-defined]  # an HTTP request
    if not webhook.authentic(settings_of(helpline).webhook_secret, body, connection.headers):
        raise NotAuthorizedException("bad or missing webhook signature")


@post(
    "/events",
    tags=TAGS,
    status_code=200,
    guards=[signed],
    summary="Telephony webhook",
    description=(
        "A telephone system reports a call event (`ringing`, `answered`, `hangup`). Authenticate "
        "with `X-Helpline-Signature: sha256=<hex HMAC-SHA256 of the body with the shared "
        "secret>` or `Authorization: Bearer <shared secret>` (not an API token). Repeating a "
        "delivery (same `call_id` and event) changes nothing and answers `duplicate`."
    ),
)
async def phone_event(
    helpline: HelplineDep, channels: ChannelsDep, data: JSONBody[webhook.PhoneEventIn]
) -> webhook.PhoneEventOut:
    answer, announce = await webhook.process(helpline, webhook.check(data))
    if announce is not None:
        live.publish(channels, announce)  # after the commit: process() has returned
    return answer


ROUTES = [list_calls, log_call, phone_event]
