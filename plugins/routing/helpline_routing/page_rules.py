"""`/p/routing/rules`: the ordered categorisation rules and their editor."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from helpline.errors import Invalid
from helpline.tables import Priority, Team, TicketType
from helpline_routing import forms, rules, store
from helpline_routing.guards import MANAGE
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep
from helpline_web.context import flash
from helpline_web.pages.admin import admin_page, form_error


async def _names(table: Any, order: Any) -> list[str]:
    return [r["name"] for r in await table.select(table.name).order_by(order)]


async def _render(
    request: Request, template: str, status_code: int = 200, **context: Any
) -> Template:
    return await admin_page(
        request,
        template,
        "routing-rules",
        status_code=status_code,
        teams=await _names(Team, Team.name),
        types=await _names(TicketType, TicketType.position),
        priorities=await _names(Priority, Priority.rank),
        fields=rules.FIELDS,
        ops=rules.OPS,
        **context,
    )


@get("/rules", guards=MANAGE)
async def rule_list(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Template:
    return await _render(request, "routing:rules.html", rules=await store.rules())


@get("/rules/new", guards=MANAGE)
async def rule_new(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Template:
    return await _render(
        request, "routing:rule.html", name=None, values=forms.rule_to_form(None), errors={}
    )


@get("/rules/{name:str}", guards=MANAGE)
async def rule_edit(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, name: FromPath[str]
) -> Template:
    rule = await store.get_rule(name)
    return await _render(
        request, "routing:rule.html", name=name, values=forms.rule_to_form(rule), errors={}
    )


async def _save(request: Request, helpline: Any, name: str | None) -> Any:
    form = await request.form()
    values = forms.form_values(form)
    if form.get("add_row") is not None:  # "Add a condition": show the form again, one row more
        return await _render(request, "routing:rule.html", name=name, values=values, errors={})
    rows: list[int] = []
    try:
        spec, rows = forms.rule_from_form(values)
        spec = await rules.validate(spec)
        await store.save_rule(helpline, spec, replace=name)
    except Invalid as exc:
        exc.field = forms.remap_error(exc.field or "", rows)
        return await _render(
            request,
            "routing:rule.html",
            status_code=422,
            name=name,
            values=values,
            errors=form_error(exc),
        )
    flash(request, f"Rule {spec.name} saved.", "success")
    return Redirect("/p/routing/rules", status_code=303)


@post("/rules", guards=MANAGE, status_code=200)
async def rule_create(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    return await _save(request, helpline, None)


@post("/rules/{name:str}", guards=MANAGE, status_code=200)
async def rule_save(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, name: FromPath[str]
) -> Any:
    await store.get_rule(name)
    return await _save(request, helpline, name)


@post("/rules/{name:str}/delete", guards=MANAGE, status_code=200)
async def rule_delete(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, name: FromPath[str]
) -> Redirect:
    await store.delete_rule(helpline, name)
    flash(request, f"Rule {name} deleted.", "success")
    return Redirect("/p/routing/rules", status_code=303)


ROUTES = [rule_list, rule_new, rule_edit, rule_create, rule_save, rule_delete]
