"""The REST API under `/api/v1`, authenticated by bearer tokens."""

from __future__ import annotations

from litestar import Router
from litestar.di import Provide

from helpline_web.api.auth import provide_actor
from helpline_web.api.misc import download_attachment, me, priorities, statuses, ticket_types
from helpline_web.api.tickets import TicketController, search_tickets


def api_router() -> Router:
    return Router(
        path="/api/v1",
        route_handlers=[
            TicketController,
            search_tickets,
            me,
            download_attachment,
            statuses,
            priorities,
            ticket_types,
        ],
        # `helpline` is provided by the app for every route.
        dependencies={"actor": Provide(provide_actor)},
    )
