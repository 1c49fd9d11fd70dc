"""Domain errors to HTTP: every error body says what went wrong and, where it can, which field."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.exceptions import ValidationException

from helpline.errors import Conflict, Forbidden, Invalid, NotFound


def _json(status: int, detail: str, **extra: Any) -> Response[dict[str, Any]]:
    return Response({"status_code": status, "detail": detail, **extra}, status_code=status)


def not_found(request: Request, exc: NotFound) -> Response:
    return _json(404, str(exc))


def forbidden(request: Request, exc: Forbidden) -> Response:
    return _json(403, str(exc), field=exc.field)


def conflict(request: Request, exc: Conflict) -> Response:
    return _json(409, str(exc), current_version=exc.current_version)


def invalid(request: Request, exc: Invalid) -> Response:
    return _json(
        422, str(exc), field=exc.field, errors=[{"field": exc.field, "message": exc.message}]
    )


def bad_request(request: Request, exc: ValidationException) -> Response:
    """Litestar's own validation (malformed JSON, wrong types): 400, naming the field."""
    errors = [
        {"field": str(e.get("key", "")).removeprefix("$."), "message": e.get("message", "")}
        for e in (exc.extra if isinstance(exc.extra, list) else [])
        if isinstance(e, dict)
    ]
    return _json(
        400, exc.detail, field=errors[0]["field"] if errors else None, errors=errors
    )


EXCEPTION_HANDLERS = {
    NotFound: not_found,
    Forbidden: forbidden,
    Conflict: conflict,
    Invalid: invalid,
    ValidationException: bad_request,
}
