"""`/p/phone/calls`: call history per customer, per agent or per ticket; a customer's numbers."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, QueryParameter
from litestar.response import Redirect

from helpline.errors import Invalid, NotFound
from helpline.services import tickets
from helpline.tables import User
from helpline_phone import calls, numbers
from helpline_phone.settings import settings_of
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import flash, page
from helpline_web.pages.admin import admin_page

LOG = [requires("tickets.note", staff=True)]
#: Recording a customer's number: agents who may open tickets on a customer's behalf.
CONTACTS = [requires("tickets.note", "tickets.create_on_behalf", staff=True)]
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
PER_PAGE = 50


def _id(text: str, field: str) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise NotFound(f"no such {field}")
    return int(text)


async def _person(user_id: int) -> dict[str, Any]:
    row = (
        await User.select(
            User.id, User.name, User.email, User.role.staff.as_alias("staff"), User.active
        )
        .where(User.id == user_id)
        .first()
    )
    if row is None:
        raise NotFound("no such user")
    if row["email"].endswith("@phone.invalid"):
        row["email"] = ""
    return row


@get("/", guards=LOG)
async def home() -> Redirect:
    return Redirect("/p/phone/calls")


@get("/calls", guards=LOG)
async def call_history(
    request: Request,
    helpline: HelplineDep,
    viewer: ViewerDep,
    customer: FromQuery[str] = "",
    agent: FromQuery[str] = "",
    ticket: FromQuery[str] = "",
    page_number: Annotated[int, QueryParameter(name="page", ge=1)] = 1,
) -> Any:
    """Calls the viewer may see, newest first: all, or one customer's, agent's or ticket's."""
    customer_id = _id(customer, "customer")
    agent_id = viewer.id if agent == "me" else _id(agent, "agent")
    ticket_row = None
    if ticket.strip():
        ticket_row = await tickets.get_ticket(helpline, viewer, _id(ticket.lstrip("#"), "ticket"))
    rows, total = await calls.list_calls(
        viewer,
        customer=customer_id,
        agent=agent_id,
        ticket_id=ticket_row.id if ticket_row else None,
        page=page_number,
        per_page=PER_PAGE,
    )
    person = await _person(customer_id) if customer_id is not None else None
    return await page(
        request,
        "phone:calls.html",
        calls=rows,
        total=total,
        page_number=page_number,
        pages=max(1, -(-total // PER_PAGE)),
        customer=person,
        agent=await _person(agent_id) if agent_id is not None else None,
        ticket=ticket_row,
        customer_numbers=await numbers.numbers_of(customer_id) if person else [],
        can_edit_numbers=viewer.can("tickets.create_on_behalf"),
        query={"customer": customer, "agent": agent, "ticket": ticket},
        errors={},
        values={},
    )


@post("/customers/{user_id:int}/numbers", guards=CONTACTS, status_code=200)
async def add_number(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, user_id: FromPath[int], data: Form
) -> Any:
    person = await _person(user_id)
    raw, label = (data.get("number") or "").strip(), (data.get("label") or "").strip()
    try:
        e164 = numbers.normalize(raw, settings_of(helpline).default_region)
        async with helpline.transaction():
            if not await numbers.remember(helpline, user_id, e164, label):
                raise Invalid("number", f"{numbers.display(e164)} belongs to someone else")
    except Invalid as exc:
        rows, total = await calls.list_calls(viewer, customer=user_id, per_page=PER_PAGE)
        return await page(
            request,
            "phone:calls.html",
            status_code=422,
            calls=rows,
            total=total,
            page_number=1,
            pages=max(1, -(-total // PER_PAGE)),
            customer=person,
            agent=None,
            ticket=None,
            customer_numbers=await numbers.numbers_of(user_id),
            can_edit_numbers=True,
            query={"customer": str(user_id), "agent": "", "ticket": ""},
            errors={exc.field: exc.message},
            values={"number": raw, "label": label},
        )
    flash(request, f"{numbers.display(e164)} now belongs to {person['name']}.", "success")
    return Redirect(f"/p/phone/calls?customer={user_id}", status_code=303)


@post("/customers/{user_id:int}/numbers/{contact_id:int}/delete", guards=CONTACTS)
async def remove_number(
    request: Request, user_id: FromPath[int], contact_id: FromPath[int]
) -> Redirect:
    await _person(user_id)
    await numbers.forget(user_id, contact_id)
    flash(request, "Number removed.", "success")
    return Redirect(f"/p/phone/calls?customer={user_id}", status_code=303)


@get("/settings", guards=[requires("phone.manage", staff=True)])
async def phone_settings(request: Request, helpline: HelplineDep) -> Any:
    """Where the telephone system posts its events, and whether the secret is set."""
    settings = settings_of(helpline)
    return await admin_page(
        request,
        "phone:settings.html",
        "phone",
        webhook_url=helpline.settings.base_url.rstrip("/") + "/api/v1/phone/events",
        secret_set=bool(settings.webhook_secret),
        settings=settings,
    )


ROUTES = [home, call_history, add_number, remove_number, phone_settings]
