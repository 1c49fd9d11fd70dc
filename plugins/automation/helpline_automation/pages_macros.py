"""`/p/automation/macros`: managing macros; applying them to one ticket or to many at once."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Response

from helpline.errors import Invalid
from helpline_automation import forms, macros, store
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import flash, is_htmx, page
from helpline_web.pages.admin import admin_page, form_error

MANAGE = [requires(store.MANAGE, staff=True)]
APPLY = [requires(store.APPLY, staff=True)]
NEW = {"name": "", "description": "", "reply": "", "internal": False, "actions": []}


async def _editor(
    request: Request,
    helpline: Any,
    macro: dict,
    macro_id: int | None,
    *,
    errors: dict | None = None,
    status_code: int = 200,
) -> Any:
    return await admin_page(
        request,
        "automation:macro.html",
        "automation-macros",
        status_code=status_code,
        macro=macro,
        macro_id=macro_id,
        errors=errors or {},
        **await forms.editor(helpline),
    )


@get("/macros", guards=MANAGE)
async def macro_list(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    return await admin_page(
        request,
        "automation:macros.html",
        "automation-macros",
        macros=await store.list_macros(helpline),
    )


@get("/macros/new", guards=MANAGE)
async def macro_new(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    return await _editor(request, helpline, dict(NEW), None)


@get("/macros/{macro_id:int}", guards=MANAGE)
async def macro_edit(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, macro_id: FromPath[int]
) -> Any:
    return await _editor(request, helpline, await store.get_macro(helpline, macro_id), macro_id)


async def _save(request: Request, helpline: Any, viewer: Any, macro_id: int | None) -> Any:
    macro = forms.macro_from(await request.form())
    try:
        saved = await store.save_macro(helpline, viewer, macro, macro_id)
    except Invalid as exc:
        return await _editor(
            request, helpline, macro, macro_id, errors=form_error(exc), status_code=422
        )
    flash(request, f"Macro {saved['name']} saved.", "success")
    return Redirect("/p/automation/macros", status_code=303)


@post("/macros", guards=MANAGE, status_code=200)
async def macro_create(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    return await _save(request, helpline, viewer, None)


@post("/macros/{macro_id:int}", guards=MANAGE, status_code=200)
async def macro_save(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, macro_id: FromPath[int]
) -> Any:
    await store.get_macro(helpline, macro_id)
    return await _save(request, helpline, viewer, macro_id)


@post("/macros/{macro_id:int}/delete", guards=MANAGE, status_code=200)
async def macro_delete(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, macro_id: FromPath[int]
) -> Any:
    await store.delete_macro(helpline, viewer, macro_id)
    flash(request, "Macro deleted.", "success")
    return Redirect("/p/automation/macros", status_code=303)


@post("/tickets/{number:int}/apply", guards=APPLY, status_code=200)
async def apply_one(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, number: FromPath[int]
) -> Any:
    """Apply a macro from the ticket page's panel, then show the ticket again."""
    form = await request.form()
    try:
        macro_id = int(form.get("macro") or "")
    except ValueError:
        raise Invalid("macro", "choose a macro") from None
    result = (await macros.apply(helpline, viewer, macro_id, [number]))[number]
    flash(
        request,
        result if result.startswith("error") else f"Macro applied: {result}.",
        "error" if result.startswith("error") else "success",
    )
    if is_htmx(request):
        return Response("", headers={"HX-Redirect": f"/tickets/{number}"})
    return Redirect(f"/tickets/{number}", status_code=303)


@get("/apply", guards=APPLY)
async def bulk_form(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    return await page(
        request,
        "automation:apply.html",
        macros=await store.list_macros(helpline),
        values={"numbers": request.query_params.get("tickets", "")},
        errors={},
        results=None,
    )


@post("/apply", guards=APPLY, status_code=200)
async def bulk_apply(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    """Apply a macro to tickets listed by number (each ticket on its own)."""
    form = await request.form()
    values = {"macro": form.get("macro") or "", "numbers": form.get("numbers") or ""}
    numbers = [int(n) for n in re.findall(r"\d+", values["numbers"])]
    errors = {}
    if not values["macro"].isdigit():
        errors["macro"] = "Choose a macro."
    if not numbers:
        errors["numbers"] = "List at least one ticket number."
    elif len(numbers) > 500:
        errors["numbers"] = "At most 500 tickets at once."
    results = None
    if not errors:
        results = await macros.apply(
            helpline, viewer, int(values["macro"]), list(dict.fromkeys(numbers))
        )
    return await page(
        request,
        "automation:apply.html",
        macros=await store.list_macros(helpline),
        values=values,
        errors=errors,
        results=results,
        status_code=422 if errors else 200,
    )


ROUTES = [
    macro_list,
    macro_new,
    macro_edit,
    macro_create,
    macro_save,
    macro_delete,
    apply_one,
    bulk_form,
    bulk_apply,
]
