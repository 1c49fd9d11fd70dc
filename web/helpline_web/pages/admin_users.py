"""Admin: users — find, invite, edit, deactivate and reactivate, send a password link."""

from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import available_timezones

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from helpline.errors import Invalid
from helpline.model import Actor
from helpline.runtime import Helpline
from helpline.services import admin as people
from helpline.services.users import load_actor
from helpline.tables import Organization, Role, Team
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires, reset_link
from helpline_web.context import flash
from helpline_web.pages.admin import admin_page, client_ip, form_error, ids, pager, to_int

GUARD = [requires("users.manage")]
KINDS = {"all": "Everyone", "staff": "Agents", "customers": "Customers"}
_TIMEZONES: list[str] = []


def timezones() -> list[str]:
    if not _TIMEZONES:
        _TIMEZONES.extend(sorted(available_timezones()))
    return _TIMEZONES


async def _choices() -> dict[str, Any]:
    """What the user forms offer: roles, organizations, teams and time zones."""
    return {
        "roles": await Role.select(Role.name, Role.label, Role.staff).order_by(Role.id),
        "organizations": await Organization.select(Organization.id, Organization.name).order_by(
            Organization.name
        ),
        "teams": await Team.select(Team.id, Team.name).order_by(Team.name),
        "timezones": timezones(),
    }


def _values(form: Any) -> dict[str, Any]:
    """What the admin typed, kept as typed so a form with an error shows it again."""
    return {
        "email": (form.get("email") or "").strip(),
        "name": (form.get("name") or "").strip(),
        "role": form.get("role") or "",
        "organization": form.get("organization") or "",
        "teams": [str(t) for t in form.getall("teams", [])],
        "timezone": (form.get("timezone") or "").strip() or "UTC",
    }


async def _deliver(helpline: Helpline, user: Actor, subject: str, body: str) -> bool:
    """Send a message to a person through whichever channel plugin takes it."""
    delivered = await helpline.hook_first(
        "deliver_notification",
        helpline=helpline,
        recipient=user,
        subject=subject,
        body=body,
        ticket=None,
    )
    return bool(delivered)


@get("/admin/users", guards=GUARD)
async def list_users(
    request: Request,
    viewer: ViewerDep,
    q: FromQuery[str] = "",
    kind: FromQuery[str] = "all",
    page_number: Annotated[int, QueryParameter(name="page", ge=1)] = 1,
) -> Template:
    kind = kind if kind in KINDS else "all"
    rows, total = await people.list_users(viewer, search=q, kind=kind, page=page_number)
    return await admin_page(
        request,
        "admin/users.html",
        "users",
        title="Users",
        users=rows,
        q=q,
        kind=kind,
        kinds=KINDS,
        pager=pager(request, page_number, total),
    )


async def _new_form(
    request: Request, values: dict[str, Any], errors: dict[str, str], status_code: int = 200
) -> Template:
    return await admin_page(
        request,
        "admin/user_new.html",
        "users",
        status_code=status_code,
        title="Invite a user",
        values=values,
        errors=errors,
        **await _choices(),
    )


@get("/admin/users/new", guards=GUARD)
async def new_user(request: Request, viewer: ViewerDep, role: FromQuery[str] = "agent") -> Template:
    values = {
        "email": "",
        "name": "",
        "role": role,
        "organization": "",
        "teams": [],
        "timezone": "UTC",
    }
    return await _new_form(request, values, {})


@post("/admin/users", guards=GUARD, status_code=200)
async def invite_user(request: Request, viewer: ViewerDep, helpline: HelplineDep) -> Template:
    form = await request.form()
    values = _values(form)
    try:
        user = await people.invite_user(
            helpline,
            viewer,
            email=values["email"],
            name=values["name"],
            role=values["role"],
            organization_id=to_int(values["organization"], "organization"),
            team_ids=ids(values["teams"], "teams"),
            timezone=values["timezone"],
            ip=client_ip(request),
        )
    except Invalid as exc:
        return await _new_form(request, values, form_error(exc), 400)
    link = await reset_link(request, user.id)
    body = (
        f"{viewer.name} invited you to Helpline as {user.email}.\n\n"
        f"Open this link within an hour to choose your password:\n\n{link}\n"
    )
    delivered = await _deliver(helpline, user, "You are invited to Helpline", body)
    return await admin_page(
        request,
        "admin/user_link.html",
        "users",
        title="User invited",
        user=user,
        link=link,
        delivered=delivered,
        invited=True,
    )


async def _edit_form(
    request: Request,
    viewer: Actor,
    user_id: int,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    user = await people.get_user(viewer, user_id)
    if values is None:
        values = {
            "name": user["name"],
            "role": user["role_name"],
            "organization": str(user["organization"] or ""),
            "teams": [str(t) for t in user["team_ids"]],
            "timezone": user["timezone"],
        }
    return await admin_page(
        request,
        "admin/user_edit.html",
        "users",
        status_code=status_code,
        title=user["name"],
        user=user,
        values=values,
        errors=errors or {},
        is_self=user_id == viewer.id,
        **await _choices(),
    )


@get("/admin/users/{user_id:int}", guards=GUARD)
async def edit_user(request: Request, viewer: ViewerDep, user_id: FromPath[int]) -> Template:
    return await _edit_form(request, viewer, user_id)


@post("/admin/users/{user_id:int}", guards=GUARD, status_code=200)
async def save_user(
    request: Request, viewer: ViewerDep, helpline: HelplineDep, user_id: FromPath[int]
) -> Template | Redirect:
    form = await request.form()
    values = _values(form)
    try:
        changes = await people.update_user(
            helpline,
            viewer,
            user_id,
            name=values["name"],
            role=values["role"],
            organization_id=to_int(values["organization"], "organization"),
            team_ids=ids(values["teams"], "teams"),
            timezone=values["timezone"],
            ip=client_ip(request),
        )
    except Invalid as exc:
        return await _edit_form(request, viewer, user_id, values, form_error(exc), 400)
    flash(request, "Saved." if changes else "Nothing to change.", "success" if changes else "info")
    return Redirect(f"/admin/users/{user_id}", status_code=303)


async def _set_active(
    request: Request, viewer: Actor, helpline: Helpline, user_id: int, active: bool
) -> Template | Redirect:
    try:
        await people.set_user_active(helpline, viewer, user_id, active, ip=client_ip(request))
    except Invalid as exc:
        return await _edit_form(request, viewer, user_id, errors=form_error(exc), status_code=400)
    flash(
        request,
        "The account is active again." if active else "The account is deactivated.",
        "success",
    )
    return Redirect(f"/admin/users/{user_id}", status_code=303)


@post("/admin/users/{user_id:int}/deactivate", guards=GUARD, status_code=200)
async def deactivate_user(
    request: Request, viewer: ViewerDep, helpline: HelplineDep, user_id: FromPath[int]
) -> Template | Redirect:
    return await _set_active(request, viewer, helpline, user_id, False)


@post("/admin/users/{user_id:int}/reactivate", guards=GUARD, status_code=200)
async def reactivate_user(
    request: Request, viewer: ViewerDep, helpline: HelplineDep, user_id: FromPath[int]
) -> Template | Redirect:
    return await _set_active(request, viewer, helpline, user_id, True)


@post("/admin/users/{user_id:int}/password-link", guards=GUARD, status_code=200)
async def password_link(
    request: Request, viewer: ViewerDep, helpline: HelplineDep, user_id: FromPath[int]
) -> Template:
    """A link for the user to choose a new password: sent to them, and shown here."""
    try:
        await people.record_password_link(helpline, viewer, user_id, ip=client_ip(request))
    except Invalid as exc:
        return await _edit_form(request, viewer, user_id, errors=form_error(exc), status_code=400)
    link = await reset_link(request, user_id)
    body = (
        f"{viewer.name} asked Helpline to let you choose a new password. "
        f"Open this link within an hour:\n\n{link}\n"
    )
    recipient = await load_actor(helpline, user_id)
    delivered = await _deliver(helpline, recipient, "Choose a new Helpline password", body)
    return await admin_page(
        request,
        "admin/user_link.html",
        "users",
        title="Password link",
        user=recipient,
        link=link,
        delivered=delivered,
        invited=False,
    )


ROUTES = [
    list_users,
    new_user,
    invite_user,
    edit_user,
    save_user,
    deactivate_user,
    reactivate_user,
    password_link,
]
