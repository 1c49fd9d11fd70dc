"""`/p/automation/rules`: the rule list, the editor with its condition builder, dry run, log."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from helpline.errors import HelplineError, Invalid
from helpline_automation import dryrun, forms, store, validate
from helpline_automation.tables import AutomationLog
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import flash
from helpline_web.pages.admin import admin_page, form_error

MANAGE = [requires(store.MANAGE, staff=True)]
NEW = {
    "name": "",
    "kind": "trigger",
    "events": ["ticket_created"],
    "match": "all",
    "cron": "0 * * * *",
    "run_limit": 100,
    "enabled": True,
    "conditions": [],
    "actions": [],
}


async def _editor(
    request: Request,
    helpline: Any,
    rule: dict,
    rule_id: int | None,
    *,
    errors: dict | None = None,
    dry: dict | None = None,
    status_code: int = 200,
) -> Any:
    return await admin_page(
        request,
        "automation:rule.html",
        "automation-rules",
        status_code=status_code,
        rule=rule,
        rule_id=rule_id,
        errors=errors or {},
        dry=dry,
        dry_number=request.query_params.get("ticket", ""),
        **await forms.editor(helpline),
    )


@get("/rules", guards=MANAGE)
async def rule_list(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    return await admin_page(
        request,
        "automation:rules.html",
        "automation-rules",
        rules=await store.list_rules(helpline),
        events=validate.EVENTS,
    )


@get("/rules/new", guards=MANAGE)
async def rule_new(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, kind: FromQuery[str] = "trigger"
) -> Any:
    rule = {**NEW, "kind": "schedule" if kind == "schedule" else "trigger"}
    if rule["kind"] == "schedule":
        rule["events"] = []
    return await _editor(request, helpline, rule, None)


@get("/rules/{rule_id:int}", guards=MANAGE)
async def rule_edit(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, rule_id: FromPath[int]
) -> Any:
    return await _editor(request, helpline, await store.get_rule(helpline, rule_id), rule_id)


async def _save(request: Request, helpline: Any, viewer: Any, rule_id: int | None) -> Any:
    form = await request.form()
    rule = forms.rule_from(form)
    if form.get("dry_run") is not None:
        return await _dry_run(request, helpline, viewer, rule, rule_id, form.get("ticket") or "")
    try:
        saved = await store.save_rule(helpline, viewer, rule, rule_id)
    except Invalid as exc:
        return await _editor(
            request, helpline, rule, rule_id, errors=form_error(exc), status_code=422
        )
    flash(request, f"Rule {saved['name']} saved.", "success")
    return Redirect("/p/automation/rules", status_code=303)


async def _dry_run(
    request: Request, helpline: Any, viewer: Any, rule: dict, rule_id: int | None, number: str
) -> Any:
    try:
        if not number.strip().lstrip("#").isdigit():
            raise Invalid("ticket", "enter a ticket number")
        checked = await validate.check_rule(helpline, rule)
        result = await dryrun.dry_run(helpline, viewer, checked, int(number.strip().lstrip("#")))
    except Invalid as exc:
        return await _editor(
            request, helpline, rule, rule_id, errors=form_error(exc), status_code=422
        )
    except HelplineError as exc:
        return await _editor(
            request, helpline, rule, rule_id, errors={"ticket": str(exc)}, status_code=422
        )
    return await _editor(request, helpline, rule, rule_id, dry=result)


@post("/rules", guards=MANAGE, status_code=200)
async def rule_create(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    return await _save(request, helpline, viewer, None)


@post("/rules/{rule_id:int}", guards=MANAGE, status_code=200)
async def rule_save(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, rule_id: FromPath[int]
) -> Any:
    await store.get_rule(helpline, rule_id)
    return await _save(request, helpline, viewer, rule_id)


@post("/rules/{rule_id:int}/enabled", guards=MANAGE, status_code=200)
async def rule_toggle(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, rule_id: FromPath[int]
) -> Any:
    form = await request.form()
    rule = await store.set_enabled(helpline, viewer, rule_id, form.get("enabled") == "1")
    flash(
        request, f"Rule {rule['name']} {'enabled' if rule['enabled'] else 'disabled'}.", "success"
    )
    return Redirect("/p/automation/rules", status_code=303)


@post("/rules/{rule_id:int}/move", guards=MANAGE, status_code=200)
async def rule_move(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, rule_id: FromPath[int]
) -> Any:
    form = await request.form()
    await store.move_rule(helpline, viewer, rule_id, -1 if form.get("step") == "up" else 1)
    return Redirect("/p/automation/rules", status_code=303)


@post("/rules/{rule_id:int}/delete", guards=MANAGE, status_code=200)
async def rule_delete(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, rule_id: FromPath[int]
) -> Any:
    rule = await store.get_rule(helpline, rule_id)
    await store.delete_rule(helpline, viewer, rule_id)
    flash(request, f"Rule {rule['name']} deleted.", "success")
    return Redirect("/p/automation/rules", status_code=303)


@get("/rules/{rule_id:int}/log", guards=MANAGE)
async def rule_log(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, rule_id: FromPath[int]
) -> Any:
    rule = await store.get_rule(helpline, rule_id)
    entries = (
        await AutomationLog.select()
        .where(AutomationLog.rule == rule_id)
        .order_by(AutomationLog.id, ascending=False)
        .limit(200)
    )
    return await admin_page(
        request, "automation:log.html", "automation-rules", rule=rule, entries=entries
    )


@get("/builder/condition", guards=MANAGE)
async def condition_row(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, key: FromQuery[str] = ""
) -> Template:
    """One row of the condition builder, for a new row or after its field changed."""
    field = request.query_params.get(f"cond-{key}-field") or ""
    context = await forms.editor(helpline)
    specs = context["condition_specs"]
    field = field if field in specs else next(iter(specs))
    row = {"field": field, "op": specs[field].operators[0], "value": ""}
    return Template(
        "automation:_condition.html",
        context={**context, "c": row, "k": key or forms.row_key(), "error": None},
    )


@get("/builder/action", guards=MANAGE)
async def action_row(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, key: FromQuery[str] = ""
) -> Template:
    action = request.query_params.get(f"act-{key}-action") or ""
    context = await forms.editor(helpline)
    specs = context["action_specs"]
    action = action if action in specs else next(iter(specs))
    return Template(
        "automation:_action.html",
        context={
            **context,
            "a": {"action": action, "params": {}},
            "k": key or forms.row_key(),
            "error": None,
        },
    )


ROUTES = [
    rule_list,
    rule_new,
    rule_edit,
    rule_create,
    rule_save,
    rule_toggle,
    rule_move,
    rule_delete,
    rule_log,
    condition_row,
    action_row,
]
