"""What the plugin's pages share: the guard, the admin frame, form errors."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template

from helpline.errors import Invalid
from helpline_web.auth import requires
from helpline_web.pages.admin import admin_page

MANAGE = [requires("email.manage", staff=True)]
FormData = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
CSS = "/static/email/email.css"


async def email_admin_page(
    request: Request, template: str, *, status_code: int = 200, **context: Any
) -> Template:
    """A page in the admin area, with its section menu (plugin pages listed there)."""
    return await admin_page(request, template, "email", status_code=status_code, css=CSS, **context)


def form_error(exc: Invalid) -> dict[str, str]:
    message = exc.message[:1].upper() + exc.message[1:]
    return {exc.field: message if message.endswith(".") else message + "."}
