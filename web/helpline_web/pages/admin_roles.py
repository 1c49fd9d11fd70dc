"""Admin: roles and the permission editor (every code core and plugins register)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from helpline.errors import Invalid
from helpline.model import Actor
from helpline.runtime import Helpline
from helpline.services import admin_values
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import flash
from helpline_web.pages.admin import admin_page, client_ip, form_error

GUARD = [requires("roles.manage")]
#: Paths under /admin/roles/ that are pages, not role names.
RESERVED = {"new"}


def permission_groups(helpline: Helpline) -> list[dict[str, Any]]:
    """Permission codes grouped by the plugin that registered them, the core's first."""
    groups: dict[str, list[Any]] = {}
    for permission in helpline.permissions.values():
        groups.setdefault(permission.plugin, []).append(permission)
    order = sorted(groups, key=lambda name: (not name.startswith("core."), name))
    return [
        {
            "plugin": name,
            "label": "Core" if name.startswith("core.") else name,
            "permissions": groups[name],
        }
        for name in order
    ]


@get("/admin/roles", guards=GUARD)
async def list_roles(request: Request, viewer: ViewerDep) -> Template:
    return await admin_page(
        request,
        "admin/roles.html",
        "roles",
        title="Roles",
        roles=await admin_values.list_roles(viewer),
    )


async def _form(
    request: Request,
    helpline: Helpline,
    *,
    role: dict[str, Any] | None,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Template:
    return await admin_page(
        request,
        "admin/role_form.html",
        "roles",
        status_code=status_code,
        title=role["label"] if role else "New role",
        role=role,
        values=values,
        errors=errors,
        groups=permission_groups(helpline),
    )


def _values(form: Any) -> dict[str, Any]:
    return {
        "name": (form.get("name") or "").strip(),
        "label": (form.get("label") or "").strip(),
        "staff": form.get("staff", "staff") != "customer",
        "permissions": list(form.getall("permissions", [])),
    }


@get("/admin/roles/new", guards=GUARD)
async def new_role(request: Request, viewer: ViewerDep, helpline: HelplineDep) -> Template:
    values = {"name": "", "label": "", "staff": True, "permissions": []}
    return await _form(request, helpline, role=None, values=values, errors={})


@post("/admin/roles", guards=GUARD, status_code=200)
async def create_role(
    request: Request, viewer: ViewerDep, helpline: HelplineDep
) -> Template | Redirect:
    values = _values(await request.form())
    try:
        if values["name"].lower() in RESERVED:
            raise Invalid("name", f"{values['name']!r} is reserved; choose another name")
        role = await admin_values.create_role(
            helpline,
            viewer,
            name=values["name"],
            label=values["label"],
            permissions=values["permissions"],
            staff=values["staff"],
            ip=client_ip(request),
        )
    except Invalid as exc:
        return await _form(
            request, helpline, role=None, values=values, errors=form_error(exc), status_code=400
        )
    flash(request, f"Role {role['label']} created.", "success")
    return Redirect(f"/admin/roles/{role['name']}", status_code=303)


async def _edit(
    request: Request,
    viewer: Actor,
    helpline: Helpline,
    name: str,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    role = await admin_values.get_role(viewer, name)
    values = values or {"label": role["label"], "permissions": role["permissions"]}
    return await _form(
        request, helpline, role=role, values=values, errors=errors or {}, status_code=status_code
    )


@get("/admin/roles/{name:str}", guards=GUARD)
async def edit_role(
    request: Request, viewer: ViewerDep, helpline: HelplineDep, name: FromPath[str]
) -> Template:
    return await _edit(request, viewer, helpline, name)


@post("/admin/roles/{name:str}", guards=GUARD, status_code=200)
async def save_role(
    request: Request, viewer: ViewerDep, helpline: HelplineDep, name: FromPath[str]
) -> Template | Redirect:
    values = _values(await request.form())
    if name == "admin":
        values["permissions"] = ["*"]  # the editor shows every box ticked and locked
    try:
        await admin_values.update_role(
            helpline,
            viewer,
            name,
            label=values["label"],
            permissions=values["permissions"],
            ip=client_ip(request),
        )
    except Invalid as exc:
        return await _edit(request, viewer, helpline, name, values, form_error(exc), 400)
    flash(request, "Saved. Members of this role have the new permissions now.", "success")
    return Redirect(f"/admin/roles/{name}", status_code=303)


ROUTES = [list_roles, new_role, create_role, edit_role, save_role]
