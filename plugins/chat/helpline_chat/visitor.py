"""The widget's HTTP side: the script, availability, start, leave a message, uploads, files.

Host pages call these from other origins. Bodies are sent as "simple" requests (JSON as
text/plain, uploads as multipart), so browsers send no preflight; every handler checks the
Origin header against the widget's allowed origins itself and answers with CORS headers for
that origin only. CSRF does not apply (no cookies are used: the visitor's token is the key).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery

from helpline.blobs import read_blob
from helpline.errors import Conflict, Forbidden, Invalid, NotFound
from helpline.services import messages, users
from helpline_chat import agents, limits, sessions, widgets

STATIC = Path(__file__).parent / "static"
OPEN = {"exclude_from_csrf": True}


def _json(data: Any, status: int = 200, origin: str | None = None) -> Response:
    headers = {"Vary": "Origin", "Cache-Control": "no-store"}
    if origin:
        headers["Access-Control-Allow-Origin"] = origin
    return Response(data, status_code=status, media_type="application/json", headers=headers)


def _error(exc: Exception, origin: str | None) -> Response:
    field = getattr(exc, "field", None)
    status = {Invalid: 400, Forbidden: 403, NotFound: 404, Conflict: 409}.get(type(exc), 400)
    return _json({"error": str(getattr(exc, "message", exc)), "field": field}, status, origin)


async def _widget_for(request: Request, key: str) -> tuple[dict[str, Any] | None, str | None]:
    """The active widget and the caller's origin, if that origin may use it."""
    widget = await widgets.by_key(key)
    origin = request.headers.get("origin")
    if widget is None or not widget["active"] or not widgets.origin_allowed(widget, origin):
        return None, None
    return widget, origin


def _denied() -> Response:
    return _json({"error": "this page may not use this chat widget"}, 403)


async def _read_json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > 64_000:
        raise Invalid("body", "too large")
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        raise Invalid("body", "send JSON") from None
    if not isinstance(data, dict):
        raise Invalid("body", "send a JSON object")
    return {k: v if isinstance(v, str) else "" for k, v in data.items()}


@get("/widget.js", opt=OPEN)
async def widget_js(request: Request, w: FromQuery[str] = "") -> Response:
    """The whole widget: its script with this widget's look baked in (no other files)."""
    widget = await widgets.by_key(w)
    if widget is None or not widget["active"]:
        return Response(
            "/* Helpline chat: unknown widget */", status_code=404, media_type="text/javascript"
        )
    helpline = request.app.state.helpline
    config = {
        "key": widget["key"],
        "title": widget["name"],
        "color": widget["color"],
        "textColor": widget["text_color"],
        "greeting": widget["greeting"],
        "position": widget["position"],
        "maxChars": helpline.plugin_settings["chat"].max_message_chars,
    }
    # JSON inside a script: `<` escaped so no value can close the script element.
    data = json.dumps(config).replace("<", "\\u003c")
    source = (STATIC / "widget.js").read_text().replace("/*CONFIG*/{}", data, 1)
    return Response(
        source,
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=60", "X-Content-Type-Options": "nosniff"},
    )


@get("/w/{key:str}/status", opt=OPEN)
async def status(request: Request, key: FromPath[str]) -> Response:
    widget, origin = await _widget_for(request, key)
    if widget is None:
        return _denied()
    online = await agents.available(request.app.state.helpline, widget)
    return _json({"online": online}, origin=origin)


@post("/w/{key:str}/start", opt=OPEN, status_code=200)
async def start(request: Request, key: FromPath[str]) -> Response:
    """Name, email and a first message → a waiting chat and the visitor's token."""
    helpline = request.app.state.helpline
    widget, origin = await _widget_for(request, key)
    if widget is None:
        return _denied()
    ip = request.client.host if request.client else "?"
    if not limits.limiter(helpline).allow(("start", ip)):
        return _json({"error": "too many chats from here; wait a moment"}, 429, origin)
    try:
        data = await _read_json(request)
        if not await agents.available(helpline, widget):
            return _json({"offline": True}, origin=origin)
        session, _ = await sessions.start(
            helpline,
            widget,
            name=data.get("name", ""),
            email=data.get("email", ""),
            body=data.get("body", ""),
            page_url=data.get("page", ""),
        )
    except (Invalid, Forbidden, Conflict, NotFound) as exc:
        return _error(exc, origin)
    token = limits.visitor_token(helpline, session)
    return _json(
        {"token": token, "chat": session["id"], "ticket": session["number"]}, origin=origin
    )


@post("/w/{key:str}/leave", opt=OPEN, status_code=200)
async def leave(request: Request, key: FromPath[str]) -> Response:
    """No one to chat with: the message opens a ticket answered by email."""
    helpline = request.app.state.helpline
    widget, origin = await _widget_for(request, key)
    if widget is None:
        return _denied()
    ip = request.client.host if request.client else "?"
    if not limits.limiter(helpline).allow(("leave", ip)):
        return _json({"error": "too many messages from here; wait a moment"}, 429, origin)
    try:
        data = await _read_json(request)
        ticket = await sessions.leave_message(
            helpline,
            widget,
            name=data.get("name", ""),
            email=data.get("email", ""),
            body=data.get("body", ""),
        )
    except (Invalid, Forbidden, Conflict, NotFound) as exc:
        return _error(exc, origin)
    return _json({"ticket": ticket.number}, origin=origin)


async def _visitor(request: Request, widget: dict, token: str) -> tuple[Any, dict[str, Any]]:
    helpline = request.app.state.helpline
    payload = limits.read_token(helpline, token, widget)
    session = await sessions.get(payload["s"])
    if session["visitor"] != payload["v"]:
        raise Invalid("token", "this link is not valid")
    return await users.load_actor(helpline, session["visitor"]), session


@post("/w/{key:str}/upload", opt=OPEN, status_code=200)
async def upload(request: Request, key: FromPath[str]) -> Response:
    """A file from the visitor, posted to the chat as a message with the attachment."""
    helpline = request.app.state.helpline
    widget, origin = await _widget_for(request, key)
    if widget is None:
        return _denied()
    form = await request.form()
    try:
        visitor, session = await _visitor(request, widget, str(form.get("token") or ""))
        if not limits.limiter(helpline).allow(session["id"]):
            return _json({"error": "slow down a little"}, 429, origin)
        file = form.get("file")
        if not isinstance(file, UploadFile) or not file.filename:
            raise Invalid("file", "choose a file")
        data = await file.read()
        if len(data) > helpline.plugin_settings["chat"].max_upload_bytes:
            raise Invalid("file", "this file is too large")
        _, message = await messages.add_message(
            helpline,
            visitor,
            session["number"],
            body="",
            channel="chat",
            meta={"chat": "visitor", "chat_cid": str(form.get("cid") or "")[:64] or None},
            attachments=[
                messages.NewAttachment(
                    filename=file.filename, content_type=file.content_type or "", data=data
                )
            ],
        )
    except (Invalid, Forbidden, Conflict, NotFound) as exc:
        return _error(exc, origin)
    return _json({"seq": message.id}, origin=origin)


@get("/w/{key:str}/files/{attachment_id:int}", opt=OPEN)
async def file(
    request: Request, key: FromPath[str], attachment_id: FromPath[int], t: FromQuery[str] = ""
) -> Response:
    """A chat attachment, for the visitor holding the chat's token."""
    helpline = request.app.state.helpline
    widget = await widgets.by_key(key)
    if widget is None:
        return _denied()
    try:
        visitor, session = await _visitor(request, widget, t)
        row = await messages.get_attachment(helpline, visitor, attachment_id)
        if row["number"] != session["number"]:
            raise NotFound("attachment not found")
    except (Invalid, Forbidden, NotFound) as exc:
        return _error(exc, None)
    name = row["filename"]
    return Response(
        read_blob(helpline.settings.blob_dir, row["sha256"]),
        media_type=row["content_type"] or "application/octet-stream",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


@post("/w/{key:str}/end", opt=OPEN, status_code=200)
async def end(request: Request, key: FromPath[str]) -> Response:
    """The visitor closes the chat; the ticket stays and continues by email."""
    helpline = request.app.state.helpline
    widget, origin = await _widget_for(request, key)
    if widget is None:
        return _denied()
    try:
        data = await _read_json(request)
        _, session = await _visitor(request, widget, data.get("token", ""))
        await sessions.end(helpline, session["id"])
    except (Invalid, Forbidden, Conflict, NotFound) as exc:
        return _error(exc, origin)
    return _json({"ended": True}, origin=origin)


ROUTES = [widget_js, status, start, leave, upload, file, end]
