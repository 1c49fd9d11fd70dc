"""Errors to HTTP: JSON naming the field under /api, friendly pages everywhere else."""

from __future__ import annotations

import logging
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.response import Template

from helpline.errors import Conflict, Forbidden, Invalid, NotFound
from helpline_web.context import LoginRequired, is_htmx

log = logging.getLogger("helpline.web")

PAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "You do not have permission to do this."),
    404: ("Not found", "There is nothing here, or you may not see it."),
    405: ("Not allowed", "This address does not accept that kind of request."),
    409: ("Changed meanwhile", "Someone else changed this first. Reload to see their change."),
    422: ("Check your input", "Some of what you entered is not valid."),
    429: ("Slow down", "Too many requests; try again in a minute."),
    500: ("Something went wrong", "The error was logged. Please try again."),
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _json(status: int, detail: str, **extra: Any) -> Response[dict[str, Any]]:
    return Response({"status_code": status, "detail": detail, **extra}, status_code=status)


def _page(request: Request, status: int, message: str | None = None) -> Response:
    title, default = PAGES.get(status, PAGES[500] if status >= 500 else PAGES[400])
    context = {
        "status_code": status,
        "title": title,
        "message": message or default,
        "viewer": getattr(request.state, "viewer", None),
        "menu": [],
        "flashes": [],
        "fragment": is_htmx(request),
        "path": request.url.path,
        "htmx_file": "",
        "htmx_sse_file": "",
    }
    headers = {"HX-Retarget": "#errors", "HX-Reswap": "innerHTML"} if is_htmx(request) else {}
    return Template(
        "errors/error.html",
        context=context,
        status_code=status,
        headers=headers,
        media_type=MediaType.HTML,
    )


def not_found(request: Request, exc: NotFound) -> Response:
    return _json(404, str(exc)) if _is_api(request) else _page(request, 404)


def forbidden(request: Request, exc: Forbidden) -> Response:
    return (
        _json(403, str(exc), field=exc.field) if _is_api(request) else _page(request, 403, str(exc))
    )


def conflict(request: Request, exc: Conflict) -> Response:
    if _is_api(request):
        return _json(409, str(exc), current_version=exc.current_version)
    return _page(request, 409, str(exc))


def invalid(request: Request, exc: Invalid) -> Response:
    if _is_api(request):
        errors = [{"field": exc.field, "message": exc.message}]
        return _json(422, str(exc), field=exc.field, errors=errors)
    return _page(request, 422, str(exc))


def bad_request(request: Request, exc: ValidationException) -> Response:
    """Litestar's own validation (malformed JSON, wrong types): 400, naming the field."""
    errors = [
        {"field": str(e.get("key", "")).removeprefix("$."), "message": e.get("message", "")}
        for e in (exc.extra if isinstance(exc.extra, list) else [])
        if isinstance(e, dict)
    ]
    if not _is_api(request):
        return _page(
            request, 400, "; ".join(f"{e['field']}: {e['message']}" for e in errors) or None
        )
    return _json(400, exc.detail, field=errors[0]["field"] if errors else None, errors=errors)


def http_error(request: Request, exc: HTTPException) -> Response:
    if isinstance(exc, LoginRequired) and not _is_api(request):
        from helpline_web.auth import login_redirect

        return login_redirect(request, exc)
    if _is_api(request):
        return _json(exc.status_code, exc.detail, **({"extra": exc.extra} if exc.extra else {}))
    message = exc.detail if exc.status_code in (403, 429) and exc.detail else None
    return _page(request, exc.status_code, message)


def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _json(500, "Internal Server Error") if _is_api(request) else _page(request, 500)


EXCEPTION_HANDLERS = {
    NotFound: not_found,
    Forbidden: forbidden,
    Conflict: conflict,
    Invalid: invalid,
    ValidationException: bad_request,
    HTTPException: http_error,
    500: server_error,
}
