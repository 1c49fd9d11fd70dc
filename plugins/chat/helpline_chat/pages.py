"""Pages: the agent console `/p/chat/` and the widget admin `/p/chat/widgets`."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from helpline.errors import Invalid, NotFound
from helpline.tables import Team, User
from helpline_chat import widgets
from helpline_chat.tables import ChatCanned
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import flash, page
from helpline_web.pages.admin import admin_page, form_error

MANAGE = [requires("chat.manage", staff=True)]
ANSWER = [requires("tickets.reply", staff=True)]
BLANK = {
    "name": "",
    "origins": "",
    "color": "#1d4ed8",
    "text_color": "#ffffff",
    "greeting": "Hi! How can we help?",
    "position": "right",
    "team": "",
    "active": "on",
}


async def canned() -> list[dict[str, Any]]:
    return await ChatCanned.select().order_by(ChatCanned.title)


async def teams() -> list[dict[str, Any]]:
    return await Team.select(Team.id, Team.name).order_by(Team.name)


@get("/", guards=ANSWER)
async def console(request: Request, viewer: ViewerDep) -> Any:
    """The agent console: waiting chats, one's own chats, canned replies, transfer targets."""
    agents = await (
        User.select(User.id, User.name)
        .where((User.role.staff == True) & (User.active == True) & (User.id != viewer.id))  # noqa: E712
        .order_by(User.name)
    )
    return await page(
        request, "chat:console.html", canned=await canned(), agents=agents, teams=await teams()
    )


def _snippet(request: Request, widget: dict[str, Any]) -> str:
    base = str(request.base_url).rstrip("/")
    return f'<script src="{base}/p/chat/widget.js?w={widget["key"]}" async></script>'


async def _render(request: Request, template: str, status_code: int = 200, **ctx: Any) -> Any:
    return await admin_page(
        request, template, "chat-widgets", status_code=status_code, teams=await teams(), **ctx
    )


@get("/widgets", guards=MANAGE)
async def widget_list(request: Request, viewer: ViewerDep) -> Any:
    rows = await widgets.all_widgets()
    return await _render(
        request, "chat:widgets.html", widgets=rows, values=BLANK, errors={}, canned=await canned()
    )


@post("/widgets", guards=MANAGE)
async def widget_create(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    form = await request.form()
    values = {k: form.get(k) or "" for k in BLANK}
    try:
        widget_id = await widgets.save(helpline, None, values)
    except Invalid as exc:
        return await _render(
            request,
            "chat:widgets.html",
            400,
            widgets=await widgets.all_widgets(),
            values=values,
            errors=form_error(exc),
            canned=await canned(),
        )
    flash(request, "Widget created. Copy its snippet into your site.", "success")
    return Redirect(f"/p/chat/widgets/{widget_id}", status_code=303)


async def _widget(widget_id: int) -> dict[str, Any]:
    widget = await widgets.by_id(widget_id)
    if widget is None:
        raise NotFound("no such widget")
    return widget


@get("/widgets/{widget_id:int}", guards=MANAGE)
async def widget_page(request: Request, viewer: ViewerDep, widget_id: FromPath[int]) -> Any:
    widget = await _widget(widget_id)
    values = {
        **widget,
        "team": str(widget["team"] or ""),
        "active": "on" if widget["active"] else "",
    }
    return await _render(
        request,
        "chat:widget.html",
        widget=widget,
        values=values,
        errors={},
        snippet=_snippet(request, widget),
    )


@post("/widgets/{widget_id:int}", guards=MANAGE)
async def widget_update(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, widget_id: FromPath[int]
) -> Any:
    widget = await _widget(widget_id)
    form = await request.form()
    values = {k: form.get(k) or "" for k in BLANK}
    try:
        await widgets.save(helpline, widget_id, values)
    except Invalid as exc:
        return await _render(
            request,
            "chat:widget.html",
            400,
            widget=widget,
            values=values,
            errors=form_error(exc),
            snippet=_snippet(request, widget),
        )
    flash(request, "Widget saved.", "success")
    return Redirect(f"/p/chat/widgets/{widget_id}", status_code=303)


@post("/widgets/{widget_id:int}/delete", guards=MANAGE)
async def widget_delete(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, widget_id: FromPath[int]
) -> Redirect:
    await _widget(widget_id)
    await widgets.delete(helpline, widget_id)
    flash(request, "Widget deleted; its chats stay as tickets.", "success")
    return Redirect("/p/chat/widgets", status_code=303)


@post("/canned", guards=MANAGE)
async def canned_create(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    form = await request.form()
    title, body = str(form.get("title") or "").strip(), str(form.get("body") or "").strip()
    if not title or not body or len(title) > 100:
        flash(request, "A canned reply needs a title (up to 100 characters) and a text.", "error")
    else:
        async with helpline.transaction():
            await ChatCanned.insert(ChatCanned(title=title, body=body, created_at=helpline.now()))
        flash(request, "Canned reply added.", "success")
    return Redirect("/p/chat/widgets", status_code=303)


@post("/canned/{canned_id:int}/delete", guards=MANAGE)
async def canned_delete(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, canned_id: FromPath[int]
) -> Redirect:
    async with helpline.transaction():
        await ChatCanned.delete().where(ChatCanned.id == canned_id)
    flash(request, "Canned reply deleted.", "success")
    return Redirect("/p/chat/widgets", status_code=303)


ROUTES = [
    console,
    widget_list,
    widget_create,
    widget_page,
    widget_update,
    widget_delete,
    canned_create,
    canned_delete,
]
