"""Live updates on the agent's ticket page: change events, presence, permissions, processes."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import httpx
import pytest
from litestar.channels import ChannelsPlugin

from helpline import db, hookimpl
from helpline.runtime import Helpline
from helpline.services import messages, tickets
from helpline_web.app import create_app
from helpline_web.live_presence import Presence

#: Upper bound while waiting for an event, so a broken stream fails instead of hanging.
WAIT = 10


class EventStream:
    """Reads a server-sent event stream straight from the ASGI app.

    httpx's ASGITransport returns only once the app has sent the whole body, which a live
    stream never does; this calls the app itself and disconnects like a closing browser tab.
    """

    def __init__(self, app: Any, path: str, cookies: httpx.Cookies | None = None) -> None:
        self.app, self.path = app, path
        self.cookie = "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())
        self.chunks: asyncio.Queue[bytes] = asyncio.Queue()
        self.gone = asyncio.Event()
        self.buffer = ""
        self.status = 0
        self.headers: dict[str, str] = {}

    async def __aenter__(self) -> EventStream:
        started: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        asked = False

        async def receive() -> dict[str, Any]:
            nonlocal asked
            if not asked:
                asked = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await self.gone.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                self.status = message["status"]
                self.headers = {k.decode(): v.decode() for k, v in message["headers"]}
                started.set_result(None)
            elif message["type"] == "http.response.body":
                await self.chunks.put(message.get("body", b""))

        headers = [(b"host", b"testserver")]
        if self.cookie:
            headers.append((b"cookie", self.cookie.encode()))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": self.path,
            "raw_path": self.path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        self.task = asyncio.create_task(self.app(scope, receive, send))
        await asyncio.wait_for(started, WAIT)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.gone.set()
        await asyncio.wait_for(self.task, WAIT)

    async def next(self) -> dict[str, str]:
        """The next event or comment: {"event": ..., "data": ...} or {"comment": ...}."""
        while "\r\n\r\n" not in self.buffer:
            chunk = await asyncio.wait_for(self.chunks.get(), WAIT)
            self.buffer += chunk.decode()
        block, self.buffer = self.buffer.split("\r\n\r\n", 1)
        parsed: dict[str, str] = {}
        for line in block.split("\r\n"):
            field, _, value = line.partition(": ")
            parsed[field or "comment"] = (
                value if field not in parsed else parsed[field] + "\n" + value
            )
        return parsed

    async def wait_for(self, event: str) -> dict[str, str]:
        """Skip comments and other events until `event` arrives."""
        while True:
            message = await self.next()
            if message.get("event") == event:
                return message


@contextlib.asynccontextmanager
async def watching(app: Any, web: Any, number: int) -> Any:
    """A ticket page's live stream, open (and subscribed) once this yields."""
    async with EventStream(app, f"/tickets/{number}/live", web.cookies) as stream:
        assert stream.status == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert (await stream.next()).get("comment") == "live"  # subscribed from here on
        yield stream


@contextlib.asynccontextmanager
async def started(app: Any) -> Any:
    """Run the app's lifespan (the channels backend lives in it) in a task of its own.

    Its task group must be left by the task that entered it, which a fixture's teardown is not.
    """
    up, down = asyncio.Event(), asyncio.Event()

    async def run() -> None:
        async with app.lifespan():
            up.set()
            await down.wait()

    task = asyncio.create_task(run())
    ready = asyncio.ensure_future(up.wait())
    await asyncio.wait([task, ready], return_when="FIRST_COMPLETED")
    if task.done():
        ready.cancel()
        task.result()  # startup failed: raise its error
    try:
        yield app
    finally:
        down.set()
        await asyncio.wait_for(task, WAIT)


@pytest.fixture
async def running(app: Any) -> Any:
    """The app with its lifespan started."""
    async with started(app):
        yield app


async def test_an_open_ticket_page_hears_about_a_new_reply(running, signin, factory, helpline):
    agent, colleague = await factory.user("agent"), await factory.user("agent")
    ticket = await factory.ticket()
    web = await signin(agent)
    async with watching(running, web, ticket.number) as stream:
        await messages.add_message(helpline, colleague, ticket.number, body="Refund sent.")
        event = await stream.wait_for("message")
    assert f'"ticket":{ticket.number}' in event["data"]
    assert f'"by":{colleague.id}' in event["data"]


async def test_a_field_change_refreshes_the_fields_panel(running, signin, factory, helpline):
    agent, manager = await factory.user("agent"), await factory.user("manager")
    ticket = await factory.ticket()
    web = await signin(agent)
    async with watching(running, web, ticket.number) as stream:
        await tickets.update_ticket(helpline, manager, ticket.number, version=None, priority="high")
        event = await stream.wait_for("fields")
    assert f'"by":{manager.id}' in event["data"]


class FailsOnPriority:
    """Rolls back priority changes after the other hooks ran (registered first: called last)."""

    @hookimpl
    def ticket_updated(self, helpline, ticket, actor, changes):
        if "priority" in changes:
            raise RuntimeError("rules engine is down")


class TestRollback:
    @pytest.fixture
    def helpline_plugins(self):
        return [("test.fails", FailsOnPriority())]

    async def test_a_change_that_rolls_back_is_never_announced(
        self, running, signin, factory, helpline
    ):
        agent, manager = await factory.user("agent"), await factory.user("manager")
        ticket = await factory.ticket()
        web = await signin(agent)
        async with watching(running, web, ticket.number) as stream:
            with pytest.raises(RuntimeError):
                await tickets.update_ticket(
                    helpline, manager, ticket.number, version=None, priority="high"
                )
            await messages.add_message(helpline, agent, ticket.number, body="Still here.")
            first_change = await stream.next()
            while "comment" in first_change or first_change.get("event") == "presence":
                first_change = await stream.next()
        # Events arrive in commit order: had the manager's change been announced, it came first.
        assert f'"by":{agent.id}' in first_change["data"], "a rolled-back change was announced"


async def test_agents_see_who_else_is_viewing_or_replying(running, signin, factory):
    grace = await factory.user("agent", name="Grace Hopper")
    alan = await factory.user("agent", name="Alan Turing")
    ticket = await factory.ticket()
    grace_web, alan_web = await signin(grace), await signin(alan)
    async with watching(running, grace_web, ticket.number) as graces_page:
        async with watching(running, alan_web, ticket.number):
            shown = await graces_page.wait_for("presence")
            assert "Alan Turing is viewing" in shown["data"]
            beat = await alan_web.post(
                f"/tickets/{ticket.number}/presence", data={"state": "replying"}
            )
            assert beat.status_code == 204
            shown = await graces_page.wait_for("presence")
            assert "Alan Turing is replying" in shown["data"]
            assert "Grace" not in shown["data"], "nobody is shown to themself"
        # Alan closed the page: he disappears at once rather than after the timeout.
        shown = await graces_page.wait_for("presence")
        assert "Alan" not in shown["data"]


async def test_someone_arriving_learns_at_once_who_is_already_there(running, signin, factory):
    grace = await factory.user("agent", name="Grace Hopper")
    alan = await factory.user("agent", name="Alan Turing")
    ticket = await factory.ticket()
    grace_web, alan_web = await signin(grace), await signin(alan)
    async with watching(running, grace_web, ticket.number) as graces_page:
        await grace_web.post(f"/tickets/{ticket.number}/presence", data={"state": "replying"})
        async with watching(running, alan_web, ticket.number) as alans_page:
            # Grace's heartbeat came before Alan arrived; her stream answers his arrival.
            shown = await alans_page.wait_for("presence")
            assert "Grace Hopper is replying" in shown["data"]
        assert graces_page.status == 200


async def test_names_in_the_presence_bar_are_escaped(running, signin, factory):
    viewer = await factory.user("agent")
    sneaky = await factory.user("agent", name="<script>alert(1)</script>")
    ticket = await factory.ticket()
    web, sneaky_web = await signin(viewer), await signin(sneaky)
    async with watching(running, web, ticket.number) as page:
        await sneaky_web.post(f"/tickets/{ticket.number}/presence", data={"state": "viewing"})
        shown = await page.wait_for("presence")
    assert "<script>" not in shown["data"] and "&lt;script&gt;" in shown["data"]


async def test_someone_silent_for_half_a_minute_drops_off_the_presence_bar():
    presence = Presence(me=1)
    presence.heard({"user": 2, "name": "Grace", "state": "viewing"}, now=100.0)
    presence.heard({"user": 3, "name": "Alan", "state": "replying"}, now=110.0)
    assert presence.listing() == [
        {"name": "Alan", "state": "replying"},
        {"name": "Grace", "state": "viewing"},
    ]
    assert presence.expire(now=125.0) is False
    assert presence.expire(now=131.0) is True
    assert presence.listing() == [{"name": "Alan", "state": "replying"}]


async def test_the_queue_stream_tells_agents_when_tickets_change(
    running, signin, factory, helpline
):
    agent = await factory.user("agent")
    web = await signin(agent)
    async with EventStream(running, "/live/queue", web.cookies) as stream:
        assert stream.status == 200
        assert (await stream.next()).get("comment") == "live"
        await factory.ticket(subject="Printer on fire")
        event = await stream.wait_for("queue")
    assert "Printer" not in event["data"], "the queue event carries no ticket data"


async def test_customers_may_not_open_live_streams_even_of_their_own_tickets(signin, factory):
    customer = await factory.user("customer")
    ticket = await factory.ticket(requester=customer)
    someone_elses = await factory.ticket()
    web = await signin(customer)
    for number in (ticket.number, someone_elses.number):
        assert (await web.get(f"/tickets/{number}/live")).status_code == 403
        beat = await web.post(f"/tickets/{number}/presence", data={"state": "viewing"})
        assert beat.status_code == 403
    assert (await web.get("/live/queue")).status_code == 403


async def test_agents_may_not_follow_tickets_they_cannot_see(signin, factory):
    billing_agent, tech_agent = await factory.user("agent"), await factory.user("agent")
    await factory.team("Billing", members=[billing_agent])
    tech = await factory.team("Tech", members=[tech_agent])
    ticket = await factory.ticket(team=tech, subject="Server down")
    web = await signin(billing_agent)
    assert (await web.get(f"/tickets/{ticket.number}/live")).status_code == 404
    beat = await web.post(f"/tickets/{ticket.number}/presence", data={"state": "replying"})
    assert beat.status_code == 404


async def test_anonymous_visitors_are_sent_to_sign_in(browser_client, factory):
    ticket = await factory.ticket()
    web = await browser_client()
    response = await web.get(f"/tickets/{ticket.number}/live")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    beat = await web.post(f"/tickets/{ticket.number}/presence", data={"state": "viewing"})
    assert beat.status_code == 303 and beat.headers["location"].startswith("/login")


async def test_the_ticket_page_snippet_connects_to_its_stream(app, factory):
    ticket = await factory.ticket()
    template = app.template_engine.get_template("live/_ticket_live.html")
    html = template.render(ticket=ticket, csrf_input='<input name="_csrf_token">')
    assert f'sse-connect="/tickets/{ticket.number}/live"' in html
    assert f'hx-get="/tickets/{ticket.number}/conversation"' in html
    assert f'hx-post="/tickets/{ticket.number}/presence"' in html
    assert 'id="presence"' in html and "_csrf_token" in html


@pytest.mark.postgres_only
async def test_a_reply_saved_by_one_web_process_reaches_a_page_open_on_another(
    running, api, signin, factory, helpline
):
    """Two apps, two runtimes, one database: only PostgreSQL NOTIFY links their channels."""
    agent, colleague = await factory.user("agent"), await factory.user("agent")
    ticket = await factory.ticket()
    other = Helpline(helpline.settings, engine=db.make_engine(helpline.settings.database))
    other_app = create_app(other, worker=False)
    assert other_app.plugins.get(ChannelsPlugin) is not running.plugins.get(ChannelsPlugin)
    web = await signin(agent)  # the session lives in the shared database: valid on both
    try:
        async with started(other_app), watching(other_app, web, ticket.number) as page:
            reply = await (await api(colleague)).post(
                f"/api/v1/tickets/{ticket.number}/messages", json={"body": "Fixed on our side."}
            )
            assert reply.status_code == 201, reply.text
            event = await page.wait_for("message")
            assert f'"by":{colleague.id}' in event["data"]
            colleague_web = await signin(colleague)
            await colleague_web.post(
                f"/tickets/{ticket.number}/presence", data={"state": "replying"}
            )
            shown = await page.wait_for("presence")
            assert colleague.name in shown["data"] and "replying" in shown["data"]
    finally:
        db.use_engine(helpline.engine)  # starting the second runtime re-bound the tables


@pytest.mark.postgres_only
async def test_pages_keep_hearing_changes_after_the_listening_connection_drops(
    running, signin, factory, helpline
):
    agent, colleague = await factory.user("agent"), await factory.user("agent")
    ticket = await factory.ticket()
    web = await signin(agent)
    backend = running.plugins.get(ChannelsPlugin)._backend
    async with watching(running, web, ticket.number) as stream:
        lost = backend._listener_conn
        sql = "SELECT pg_terminate_backend({})"
        await db.fetch(helpline.engine, sql, lost.get_server_pid())  # as a server restart would
        for _ in range(100):  # bounded: the backend reconnects within about a second
            if backend._listener_conn is not lost and backend._reconnecting is None:
                break
            await asyncio.sleep(0.1)
        assert backend._listener_conn is not lost, "the backend did not reconnect"
        await messages.add_message(helpline, colleague, ticket.number, body="Back online.")
        event = await stream.wait_for("message")
    assert f'"by":{colleague.id}' in event["data"]
