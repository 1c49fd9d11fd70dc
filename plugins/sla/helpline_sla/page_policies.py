"""`/p/sla/policies`: ordered policies: conditions, targets per priority, escalations, preview."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from helpline.errors import Invalid
from helpline.tables import Priority, Team, TicketType
from helpline_sla import forms, store
from helpline_sla.preview import PreviewIn, preview
from helpline_sla.specs import TARGET_LABELS
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import flash
from helpline_web.pages.admin import admin_page, form_error

MANAGE = [requires("sla.manage", staff=True)]


async def _choices(helpline: Any) -> dict[str, Any]:
    priorities = [
        r["name"]
        for r in await Priority.select(Priority.name)
        .where(Priority.active == True)  # noqa: E712
        .order_by(Priority.rank)
    ]
    types = [
        r["name"]
        for r in await TicketType.select(TicketType.name)
        .where(TicketType.active == True)  # noqa: E712
        .order_by(TicketType.position)
    ]
    teams = [r["name"] for r in await Team.select(Team.name).order_by(Team.name)]
    return {
        "priorities": priorities,
        "types": types,
        "teams": teams,
        "calendar_names": list(await store.calendars(helpline)),
        "targets": TARGET_LABELS,
    }


async def _render(
    request: Request, helpline: Any, template: str, status_code: int = 200, **context: Any
) -> Any:
    return await admin_page(
        request,
        template,
        "sla-policies",
        status_code=status_code,
        **await _choices(helpline),
        **context,
    )


@get("/policies", guards=MANAGE)
async def policy_list(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    """The policies in the order they are tried, with a preview for a ticket created now."""
    priority = request.query_params.get("priority")
    result = await preview(helpline, PreviewIn(priority=priority)) if priority else None
    return await _render(
        request,
        helpline,
        "sla:policies.html",
        policies=await store.policies(helpline),
        preview=result,
        asked=priority,
        local=_local(viewer),
    )


def _local(viewer: Any) -> Any:
    from helpline_sla.view import local

    return lambda value: local(value, viewer.timezone)


@get("/policies/new", guards=MANAGE)
async def policy_new(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    return await _render(
        request,
        helpline,
        "sla:policy.html",
        name=None,
        values=forms.NEW_POLICY,
        errors={},
        preview=None,
    )


@get("/policies/{name:str}", guards=MANAGE)
async def policy_edit(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, name: FromPath[str]
) -> Any:
    spec = await store.get_policy(helpline, name)
    return await _render(
        request,
        helpline,
        "sla:policy.html",
        name=name,
        values=forms.policy_to_form(spec),
        errors={},
        preview=None,
    )


async def _values(request: Request) -> tuple[Any, dict[str, Any]]:
    form = await request.form()
    values: dict[str, Any] = {key: form.get(key) for key in form}
    for key in ("priority", "type", "team"):
        values[key] = forms.getall(form, key)
    return form, values


async def _save(request: Request, helpline: Any, viewer: Any, name: str | None) -> Any:
    form, values = await _values(request)
    choices = await _choices(helpline)
    try:
        spec = forms.policy_from_form(form, choices["priorities"])
        if name is None and any(p.name == spec.name for p in await store.policies(helpline)):
            raise Invalid("name", f"a policy named {spec.name!r} already exists")
        if form.get("preview"):
            result = await preview(
                helpline, PreviewIn(priority=form.get("preview_priority") or "normal"), spec
            )
            return await _render(
                request,
                helpline,
                "sla:policy.html",
                name=name,
                values=values,
                errors={},
                preview=result,
                local=_local(viewer),
            )
        saved = await store.save_policy(helpline, spec, replace=name)
    except Invalid as exc:
        return await _render(
            request,
            helpline,
            "sla:policy.html",
            status_code=422,
            name=name,
            values=values,
            errors=form_error(exc),
            preview=None,
        )
    flash(request, f"Policy {saved.name} saved; open tickets are being recomputed.", "success")
    return Redirect("/p/sla/policies", status_code=303)


@post("/policies", guards=MANAGE, status_code=200)
async def policy_create(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    return await _save(request, helpline, viewer, None)


@post("/policies/{name:str}", guards=MANAGE, status_code=200)
async def policy_save(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, name: FromPath[str]
) -> Any:
    await store.get_policy(helpline, name)
    return await _save(request, helpline, viewer, name)


@post("/policies/{name:str}/delete", guards=MANAGE, status_code=200)
async def policy_delete(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, name: FromPath[str]
) -> Redirect:
    await store.delete_policy(helpline, name)
    flash(request, f"Policy {name} deleted; open tickets are being recomputed.", "success")
    return Redirect("/p/sla/policies", status_code=303)


ROUTES = [policy_list, policy_new, policy_edit, policy_create, policy_save, policy_delete]
__all__ = ["ROUTES", "Template"]
