"""Admin: ticket statuses, priorities and types — add, relabel, reorder, deactivate."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from helpline.errors import Invalid
from helpline.model import Actor
from helpline.registry import STATUS_CATEGORIES
from helpline.services import admin_values
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import flash
from helpline_web.pages.admin import FormData, admin_page, client_ip, form_error, to_int

GUARD = [requires("settings.manage")]
KIND_LABELS = {
    "status": (
        "Statuses",
        "Each status belongs to a category that queues, SLA and reports reason about.",
    ),
    "priority": ("Priorities", "Ordered from least to most urgent."),
    "type": ("Ticket types", "What kind of request a ticket is."),
}


def form_id(kind: str, name: str = "") -> str:
    """The id of a row's form; table cells point their inputs at it with `form=`."""
    return f"value-{kind}-{name}" if name else f"value-{kind}--new"


async def _page(
    request: Request,
    viewer: Actor,
    kept: dict[str, dict[str, Any]] | None = None,
    errors: dict[str, dict[str, str]] | None = None,
    status_code: int = 200,
) -> Template:
    return await admin_page(
        request,
        "admin/values.html",
        "values",
        status_code=status_code,
        title="Statuses & priorities",
        values=await admin_values.list_values(viewer),
        kinds=KIND_LABELS,
        categories=STATUS_CATEGORIES,
        form_id=form_id,
        kept=kept or {},
        errors=errors or {},
    )


@get("/admin/values", guards=GUARD)
async def show_values(request: Request, viewer: ViewerDep) -> Template:
    return await _page(request, viewer)


def _typed(data: dict[str, str]) -> dict[str, Any]:
    return {
        "name": data.get("name", ""),
        "label": data.get("label", ""),
        "order": data.get("order", ""),
        "category": data.get("category") or None,
    }


@post("/admin/values/{kind:str}", guards=GUARD, status_code=200)
async def create_value(
    request: Request, viewer: ViewerDep, helpline: HelplineDep, kind: FromPath[str], data: FormData
) -> Template | Redirect:
    typed = _typed(data)
    try:
        await admin_values.create_value(
            helpline,
            viewer,
            kind,
            name=typed["name"],
            label=typed["label"],
            order=to_int(typed["order"], "order"),
            category=typed["category"],
            ip=client_ip(request),
        )
    except Invalid as exc:
        key = form_id(kind)
        return await _page(request, viewer, {key: typed}, {key: form_error(exc)}, 400)
    flash(request, f"{typed['label'].strip()} added.", "success")
    return Redirect(f"/admin/values#{kind}", status_code=303)


@post("/admin/values/{kind:str}/{name:str}", guards=GUARD, status_code=200)
async def update_value(
    request: Request,
    viewer: ViewerDep,
    helpline: HelplineDep,
    kind: FromPath[str],
    name: FromPath[str],
    data: FormData,
) -> Template | Redirect:
    typed = {**_typed(data), "name": name}
    try:
        order = to_int(typed["order"], "order")
        if order is None:
            raise Invalid("order", "enter a whole number")
        changes = await admin_values.update_value(
            helpline,
            viewer,
            kind,
            name,
            label=typed["label"],
            order=order,
            category=typed["category"],
            ip=client_ip(request),
        )
    except Invalid as exc:
        key = form_id(kind, name)
        return await _page(request, viewer, {key: typed}, {key: form_error(exc)}, 400)
    moved = (changes.get("tickets") or [None, 0])[1]
    message = "Saved." if changes else "Nothing to change."
    if moved:
        message += f" {moved} ticket{'s' if moved != 1 else ''} moved to the new category."
    flash(request, message, "success" if changes else "info")
    return Redirect(f"/admin/values#{kind}", status_code=303)


async def _set_active(
    request: Request, viewer: Actor, helpline: Any, kind: str, name: str, active: bool
) -> Template | Redirect:
    try:
        await admin_values.set_value_active(
            helpline, viewer, kind, name, active, ip=client_ip(request)
        )
    except Invalid as exc:
        key = form_id(kind, name)
        return await _page(request, viewer, errors={key: form_error(exc)}, status_code=400)
    flash(request, f"{name} is {'offered again' if active else 'no longer offered'}.", "success")
    return Redirect(f"/admin/values#{kind}", status_code=303)


@post("/admin/values/{kind:str}/{name:str}/deactivate", guards=GUARD, status_code=200)
async def deactivate_value(
    request: Request,
    viewer: ViewerDep,
    helpline: HelplineDep,
    kind: FromPath[str],
    name: FromPath[str],
) -> Template | Redirect:
    return await _set_active(request, viewer, helpline, kind, name, False)


@post("/admin/values/{kind:str}/{name:str}/activate", guards=GUARD, status_code=200)
async def activate_value(
    request: Request,
    viewer: ViewerDep,
    helpline: HelplineDep,
    kind: FromPath[str],
    name: FromPath[str],
) -> Template | Redirect:
    return await _set_active(request, viewer, helpline, kind, name, True)


ROUTES = [show_values, create_value, update_value, deactivate_value, activate_value]
