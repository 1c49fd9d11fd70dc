"""Live updates for agents: a ticket's SSE stream and the presence heartbeat.

A committed change is published (after commit, see `live_channels`) on `ticket:<number>`; each
open ticket page holds an SSE stream (`GET /tickets/{number}/live`) that turns those into
"message" / "fields" events, on which htmx re-fetches the conversation or the fields panel.
Pages also post a heartbeat (`POST /tickets/{number}/presence`) with "viewing" or "replying";
every stream keeps who else is there in memory and sends a rendered "presence" fragment.
See docs/live.md.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Request, get, post
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import ServerSentEvent

from helpline.services import tickets
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.live_channels import QUEUE_CHANNEL, live_channels, ticket_channel
from helpline_web.live_presence import STATES
from helpline_web.live_stream import presence_message, queue_events, ticket_events

__all__ = ["LIVE_ROUTES", "live_channels"]

STAFF = [requires(staff=True)]
#: Litestar's ChannelsPlugin provides itself as the `channels` dependency.
ChannelsDep = NamedDependency[ChannelsPlugin]
Form = Body(media_type=RequestEncodingType.URL_ENCODED)


@get("/tickets/{number:int}/live", guards=STAFF, include_in_schema=False)
async def ticket_live(
    request: Request,
    helpline: HelplineDep,
    viewer: ViewerDep,
    channels: ChannelsDep,
    number: FromPath[int],
) -> ServerSentEvent:
    """Changes to one ticket and who else has it open, as server-sent events."""
    # NotFound (a 404 page) unless the viewer may see this ticket.
    await tickets.get_ticket(helpline, viewer, number)
    template = request.app.template_engine.get_template("live/_presence.html")

    def render(people: list[dict[str, str]]) -> str:
        return template.render(people=people).strip()

    return ServerSentEvent(ticket_events(channels, number, viewer, render))


@post("/tickets/{number:int}/presence", guards=STAFF, status_code=204)
async def ticket_presence(
    helpline: HelplineDep,
    viewer: ViewerDep,
    channels: ChannelsDep,
    number: FromPath[int],
    data: Annotated[dict[str, str], Form],
) -> None:
    """The page's heartbeat: the viewer is still here, viewing or replying."""
    await tickets.get_ticket(helpline, viewer, number)
    state = data.get("state")
    message = presence_message(viewer, state if state in STATES else "viewing")
    channels.publish(message, ticket_channel(number))


@get("/live/queue", guards=STAFF, include_in_schema=False)
async def queue_live(channels: ChannelsDep, viewer: ViewerDep) -> ServerSentEvent:
    """A "queue" event whenever any ticket is created or changes: lists re-fetch on it.

    The event carries no ticket data: which tickets the viewer may see is the list's business.
    """
    return ServerSentEvent(queue_events(channels, QUEUE_CHANNEL))


LIVE_ROUTES = [ticket_live, ticket_presence, queue_live]
