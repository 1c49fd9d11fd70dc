"""Admin: the audit log — newest first, filtered by action and by who acted."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from helpline.errors import Invalid
from helpline.services import audit
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.pages.admin import PER_PAGE, admin_page, pager, to_int


def _show(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def summary(action: str, details: dict[str, Any]) -> list[str]:
    """Readable lines: `field: old → new` for changes, `key: value` otherwise."""
    lines = []
    for key, value in details.items():
        if action.endswith(".update") and isinstance(value, list) and len(value) == 2:
            lines.append(f"{key}: {_show(value[0])} → {_show(value[1])}")
        else:
            lines.append(f"{key}: {_show(value)}")
    return lines


@get("/admin/audit", guards=[requires("audit.view")])
async def show_audit(
    request: Request,
    viewer: ViewerDep,
    helpline: HelplineDep,
    action: FromQuery[str] = "",
    actor: FromQuery[str] = "",
    page_number: Annotated[int, QueryParameter(name="page", ge=1)] = 1,
) -> Template:
    try:
        actor_id = to_int(actor, "actor")
    except Invalid:
        actor_id = None
    rows, total = await audit.entries(
        helpline,
        viewer,
        action=action or None,
        actor_id=actor_id,
        page=page_number,
        per_page=PER_PAGE,
    )
    for row in rows:
        row["summary"] = summary(row["action"], row["details"])
    return await admin_page(
        request,
        "admin/audit.html",
        "audit",
        title="Audit log",
        entries=rows,
        action=action,
        actor_id=actor_id,
        options=await audit.filters(helpline, viewer),
        pager=pager(request, page_number, total),
    )


ROUTES = [show_audit]
