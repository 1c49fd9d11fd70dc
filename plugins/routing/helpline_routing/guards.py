"""Who may open the routing pages; the handlers and services check again."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException

from helpline_web.auth import LoginRequired, current_viewer, requires

MANAGE_CODE = "routing.manage"
MANAGE = [requires(MANAGE_CODE, staff=True)]


async def _staff(connection: ASGIConnection, _: Any) -> None:
    viewer = await current_viewer(connection)  # type: ignore[arg-type]
    if viewer is None:
        raise LoginRequired()
    if not viewer.staff or not viewer.active:
        raise PermissionDeniedException("Only agents have a routing status.")


async def _load(connection: ASGIConnection, _: Any) -> None:
    from helpline_routing import sees_load

    viewer = await current_viewer(connection)  # type: ignore[arg-type]
    if viewer is None:
        raise LoginRequired()
    if not sees_load(viewer):
        raise PermissionDeniedException("You do not have permission to open this page.")


STAFF = [_staff]
LOAD = [_load]
