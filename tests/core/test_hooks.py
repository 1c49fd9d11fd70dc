"""One `test_hook_<name>` per hook, each driving the hook for real through the runtime.

tests/contract/test_hook_contract.py fails when a hook in `helpline.hookspecs` has no test here
(or elsewhere) and no section in docs/hooks.md. tests/core/test_event_hooks.py covers the event
hooks' transactions in more depth.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import click
import msgspec
import pytest
from click.testing import CliRunner
from litestar import Request, get
from litestar.di import NamedDependency

from helpline import db, hookimpl, jobs
from helpline.errors import Invalid
from helpline.model import Actor
from helpline.registry import Permission, RoleSpec, StatusSpec, ValueSpec
from helpline.services import messages, tickets, users
from helpline.services.setup import seed_defaults
from helpline.services.ticket_lists import TicketFilter, TicketSort


class SpySettings(msgspec.Struct):
    signature: str = "The spy"


class Spy:
    """A plugin implementing every hook, recording what it was given."""

    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []
        self.started: list[tuple[Any, bool, bool]] = []
        self.notifications: list[tuple[str, str]] = []
        self.jobs: list[dict[str, Any]] = []
        self.assignee: int | None = None
        self.explode = False
        self.after = 0

    # -- registration ----------------------------------------------------------------------

    @hookimpl
    def register_permissions(self):
        return [Permission("spy.audit", "Audit what the spy saw")]

    @hookimpl
    def register_roles(self):
        return [RoleSpec("auditor", "Auditor", ("spy.audit", "tickets.view_all"))]

    @hookimpl
    def register_statuses(self):
        return [StatusSpec("waiting_on_vendor", "Waiting on vendor", "pending", 35)]

    @hookimpl
    def register_priorities(self):
        return [ValueSpec("critical", "Critical", 50)]

    @hookimpl
    def register_ticket_types(self):
        return [ValueSpec("refund", "Refund", 60)]

    @hookimpl
    def register_routes(self, helpline):
        @get("/whoami", sync_to_thread=False)
        def whoami(request: Request) -> dict[str, Any]:
            return {"plugin": "spy", "same_runtime": request.app.state.helpline is helpline}

        return [whoami]

    @hookimpl
    def register_api_routes(self, helpline):
        @get("/whoami", sync_to_thread=False)
        def api_whoami(actor: NamedDependency[Actor]) -> dict[str, Any]:
            return {"plugin": "spy", "actor": actor.email}

        return [api_whoami]

    @hookimpl
    def register_commands(self, cli):
        @cli.group()
        def spy() -> None:
            """Spy commands."""

        @spy.command()
        @click.argument("name")
        def hello(name: str) -> None:
            click.echo(f"hello {name}")

    @hookimpl
    def register_job_handlers(self):
        async def echo(helpline, payload):
            self.jobs.append(payload)

        return {"spy.echo": echo}

    @hookimpl
    def register_settings(self):
        return SpySettings

    # -- lifecycle ---------------------------------------------------------------------------

    @hookimpl
    def helpline_started(self, helpline):
        self.started.append((helpline, helpline.started, "spy.audit" in helpline.permissions))

    # -- UI slots ----------------------------------------------------------------------------

    @hookimpl
    def menu_links(self, actor):
        return [{"label": "Spy board", "url": "/p/spy/board"}] if actor.staff else []

    @hookimpl
    def ticket_panels(self, ticket, actor):
        async def panel():
            return [{"title": "Spy notes", "html": f"#{ticket.number} seen by {actor.name}"}]

        return panel()

    @hookimpl
    def ticket_actions(self, ticket, actor):
        return lambda: [{"label": "Escalate", "url": f"/p/spy/escalate/{ticket.number}"}]

    @hookimpl
    def dashboard_widgets(self, actor):
        return [{"title": "Spy widget", "html": "<b>3</b> secrets"}]

    @hookimpl
    def settings_pages(self, actor):
        if actor.can("settings.manage"):
            return [{"label": "Spy settings", "url": "/p/spy/settings"}]
        return []

    @hookimpl
    def ticket_badges(self, tickets, actor):
        return {t.id: f'<span class="spy-badge">spy #{t.number}</span>' for t in tickets}

    @hookimpl
    async def ticket_api_fields(self, tickets, actor):
        return {t.id: {"spy_score": t.number * 10, "spy_viewer": actor.email} for t in tickets}

    @hookimpl
    def register_ticket_list_options(self):
        return [
            TicketSort(
                "spy_secret",
                "Secrets first",
                'CASE WHEN "ticket"."subject" LIKE {} THEN "ticket"."number" END',
                params=lambda helpline: ["%secret%"],
            ),
            TicketFilter("spy_even", "Even numbers", '"ticket"."number" % 2 = 0', staff_only=False),
            TicketFilter(
                "spy_after", "After", '"ticket"."number" > {}', params=lambda h: [self.after]
            ),
            TicketFilter("bogus_name", "Not the spy's name", "1 = 1"),
        ]

    @hookimpl
    def plugin_enabled(self, helpline, plugin):
        self.events.append(("plugin_enabled", plugin, helpline.is_enabled(plugin)))

    # -- events ------------------------------------------------------------------------------

    @hookimpl
    async def ticket_created(self, helpline, ticket, actor):
        # Written in the transaction of the change: commits or rolls back with the ticket.
        await jobs.enqueue(helpline, "spy.echo", {"ticket": ticket.number})
        if self.explode:
            raise RuntimeError("spy exploded")
        self.events.append(("ticket_created", ticket.number, ticket.assignee_id, actor.id))

    @hookimpl
    def ticket_updated(self, ticket, actor, changes):
        self.events.append(("ticket_updated", ticket.number, actor.id, changes))

    @hookimpl
    def message_added(self, ticket, message, actor):
        self.events.append(("message_added", ticket.number, message.kind, message.body, actor.id))

    @hookimpl
    def ticket_merged(self, source, target, actor):
        self.events.append(("ticket_merged", source.number, target.number, source.merged_into_id))

    @hookimpl
    def user_created(self, user):
        self.events.append(("user_created", user.email, user.role))

    # -- decisions ---------------------------------------------------------------------------

    @hookimpl
    def deliver_notification(self, recipient, subject, body, ticket):
        self.notifications.append((recipient.email, subject))
        return True

    @hookimpl
    def route_ticket(self, ticket):
        if "[spy]" not in ticket.subject:
            return None  # synchronously: leaves the call to other plugins
        return {"assignee": self.assignee, "reason": "spy rule"}

    # -- SLA events (announced by the SLA plugin) --------------------------------------------

    @hookimpl
    def sla_warning(self, ticket, target, due_at):
        self.events.append(("sla_warning", ticket.number, target, due_at))

    @hookimpl
    def sla_breached(self, ticket, target, due_at):
        self.events.append(("sla_breached", ticket.number, target, due_at))

    @hookimpl
    def sla_escalated(self, ticket, target, level, actions):
        self.events.append(("sla_escalated", ticket.number, target, level, actions))

    @hookimpl
    def survey_answered(self, ticket, customer, kind, score, comment, answers):
        number = ticket.number if ticket else None
        self.events.append(("survey_answered", number, customer.id, kind, score, comment, answers))

    @hookimpl
    async def demo_data(self, helpline, seed, first_number, last_number):
        count = await db.fetchval(
            helpline.engine,
            "SELECT count(*) FROM ticket WHERE number BETWEEN {} AND {}",
            first_number,
            last_number,
        )
        self.events.append(("demo_data", seed, first_number, last_number, count))

    def seen(self, kind: str) -> list[tuple[Any, ...]]:
        return [event for event in self.events if event[0] == kind]


@pytest.fixture
def spy() -> Spy:
    return Spy()


@pytest.fixture
def helpline_plugins(spy):
    return [("spy", spy)]


@pytest.fixture
def helpline_settings_overrides():
    # `plugins: []` keeps installed plugins (email, sla, …) out: only the spy answers hooks.
    return {"plugins": [], "plugin": {"spy": {"signature": "Yours, the spy"}}}


async def ticket_count(helpline) -> int:
    return await db.fetchval(helpline.engine, "SELECT count(*) FROM ticket")


# -- registration ------------------------------------------------------------------------------


async def test_hook_register_permissions(helpline, admin, agent):
    permission = helpline.permissions["spy.audit"]
    assert (permission.label, permission.plugin) == ("Audit what the spy saw", "spy")
    assert admin.can("spy.audit")
    assert not agent.can("spy.audit")


async def test_hook_register_roles(helpline):
    await seed_defaults(helpline)
    auditor = await users.create_user(helpline, email="audit@example.com", role="auditor")
    assert auditor.staff
    assert auditor.permissions == {"spy.audit", "tickets.view_all"}


async def test_hook_register_statuses(helpline, agent, factory):
    await seed_defaults(helpline)
    ticket = await factory.ticket()
    updated = await tickets.update_ticket(
        helpline, agent, ticket.number, version=ticket.version, status="waiting_on_vendor"
    )
    assert (updated.status, updated.status_category) == ("waiting_on_vendor", "pending")


async def test_hook_register_priorities(helpline, agent):
    await seed_defaults(helpline)
    ticket = await tickets.create_ticket(
        helpline, agent, subject="Outage", body="All down", priority="critical"
    )
    assert ticket.priority == "critical"


async def test_hook_register_ticket_types(helpline, agent):
    await seed_defaults(helpline)
    ticket = await tickets.create_ticket(
        helpline, agent, subject="Money back", body="Please", type="refund"
    )
    assert ticket.type == "refund"


async def test_seeding_twice_adds_nothing_twice(helpline):
    await seed_defaults(helpline)
    await seed_defaults(helpline)
    count = await db.fetchval(
        helpline.engine, "SELECT count(*) FROM status WHERE name = 'waiting_on_vendor'"
    )
    assert count == 1


async def test_hook_register_routes(helpline, client):
    response = await client.get("/p/spy/whoami")
    assert response.status_code == 200
    assert response.json() == {"plugin": "spy", "same_runtime": True}


async def test_hook_register_api_routes(helpline, api, client, agent):
    response = await (await api(agent)).get("/api/v1/spy/whoami")
    assert response.status_code == 200
    assert response.json() == {"plugin": "spy", "actor": agent.email}
    assert (await client.get("/api/v1/spy/whoami")).status_code == 401, "bearer token required"
    await helpline.set_plugin_enabled("spy", False)
    assert (await (await api(agent)).get("/api/v1/spy/whoami")).status_code == 404


async def test_hook_register_commands(helpline):
    group = click.Group("helpline")
    helpline.pm.hook.register_commands(cli=group)
    result = CliRunner().invoke(group, ["spy", "hello", "world"])
    assert result.exit_code == 0, result.output
    assert result.output == "hello world\n"


async def test_hook_register_job_handlers(helpline, spy):
    assert helpline.job_owners["spy.echo"] == "spy"
    await jobs.enqueue(helpline, "spy.echo", {"n": 1})
    assert await jobs.run_pending(helpline) == 1
    assert spy.jobs == [{"n": 1}]


async def test_hook_register_settings(helpline):
    assert helpline.plugin_settings["spy"] == SpySettings(signature="Yours, the spy")


# -- lifecycle ---------------------------------------------------------------------------------


async def test_hook_helpline_started(helpline, spy):
    assert spy.started == [(helpline, True, True)], "called once, started, registries built"


async def test_hook_demo_data(helpline, spy):
    from helpline.cli.demo import generate

    stats = await generate(helpline, 7, seed=11)

    first, last = stats["first_number"], stats["last_number"]
    assert last - first == 6
    assert spy.seen("demo_data") == [("demo_data", 11, first, last, 7)], (
        "called once, after the demo tickets are committed and visible"
    )


# -- UI slots ----------------------------------------------------------------------------------


async def test_hook_menu_links(helpline, signin, agent):
    web = await signin(agent)
    page = await web.get("/account/password")
    assert page.status_code == 200
    assert 'href="/p/spy/board"' in page.text
    assert "Spy board" in page.text


async def test_hook_ticket_panels(helpline, factory, agent):
    ticket = await factory.ticket()
    panels = await helpline.hook("ticket_panels", helpline=helpline, ticket=ticket, actor=agent)
    assert panels == [[{"title": "Spy notes", "html": f"#{ticket.number} seen by {agent.name}"}]]
    await helpline.set_plugin_enabled("spy", False)
    assert await helpline.hook("ticket_panels", helpline=helpline, ticket=ticket, actor=agent) == []


async def test_hook_ticket_actions(helpline, factory, agent):
    ticket = await factory.ticket()
    actions = await helpline.hook("ticket_actions", helpline=helpline, ticket=ticket, actor=agent)
    assert actions == [[{"label": "Escalate", "url": f"/p/spy/escalate/{ticket.number}"}]]


async def test_hook_dashboard_widgets(helpline, agent):
    widgets = await helpline.hook("dashboard_widgets", helpline=helpline, actor=agent)
    assert widgets == [[{"title": "Spy widget", "html": "<b>3</b> secrets"}]]


async def test_hook_settings_pages(helpline, admin, agent):
    assert await helpline.hook("settings_pages", helpline=helpline, actor=admin) == [
        [{"label": "Spy settings", "url": "/p/spy/settings"}]
    ]
    assert await helpline.hook("settings_pages", helpline=helpline, actor=agent) == [[]]


async def test_hook_ticket_badges(helpline, signin, factory, agent):
    ticket = await factory.ticket(subject="Badge me")
    web = await signin(agent)
    queue = await web.get("/tickets")
    assert queue.status_code == 200
    assert f'<span class="spy-badge">spy #{ticket.number}</span>' in queue.text


async def test_hook_ticket_api_fields(helpline, api, factory, agent):
    ticket = await factory.ticket()
    client = await api(agent)
    one = (await client.get(f"/api/v1/tickets/{ticket.number}")).json()
    assert (one["spy_score"], one["spy_viewer"]) == (ticket.number * 10, agent.email)
    assert one["subject"] == ticket.subject, "the core's fields stay"


async def test_hook_register_ticket_list_options(helpline, spy, factory, agent, customer):
    made = [await factory.ticket(subject=s) for s in ("one", "a secret", "three", "secret too")]
    others = [await factory.ticket(subject="theirs") for _ in range(2)]
    mine = [await factory.ticket(subject=s, requester=customer) for s in ("mine", "mine too")]

    def numbers(found):
        return [t.number for t in found[0]]

    secrets_first = await tickets.list_tickets(helpline, agent, sort="spy_secret", per_page=200)
    assert numbers(secrets_first)[:2] == [made[1].number, made[3].number]
    newest_secret = await tickets.list_tickets(helpline, agent, sort="-spy_secret", per_page=2)
    assert numbers(newest_secret) == [made[3].number, made[1].number], "no value: last either way"
    spy.after = made[2].number
    even_after = await tickets.list_tickets(helpline, agent, filters=["spy_even", "spy_after"])
    expected = [t.number for t in (*made, *others, *mine) if t.number % 2 == 0]
    assert sorted(numbers(even_after)) == [n for n in expected if n > made[2].number]
    assert even_after[1] == len(even_after[0])
    # A filter open to customers still keeps to what they may see; staff-only ones are unknown.
    theirs = await tickets.list_tickets(helpline, customer, filters=["spy_even"])
    assert set(numbers(theirs)) == {t.number for t in mine if t.number % 2 == 0}
    for actor, bad in (
        (customer, {"sort": "spy_secret"}),
        (customer, {"filters": ["spy_after"]}),
        (agent, {"filters": ["bogus_name"]}),  # not named after its plugin: ignored
    ):
        with pytest.raises(Invalid):
            await tickets.list_tickets(helpline, actor, **bad)
    await helpline.set_plugin_enabled("spy", False)
    with pytest.raises(Invalid) as gone:
        await tickets.list_tickets(helpline, agent, filters=["spy_even"])
    assert gone.value.field == "filter"


# -- events ------------------------------------------------------------------------------------


async def test_hook_ticket_created(helpline, spy, agent, customer):
    ticket = await tickets.create_ticket(
        helpline, agent, subject="Printer on fire", body="Smoke", requester=customer.id
    )
    assert spy.seen("ticket_created") == [("ticket_created", ticket.number, None, agent.id)]
    assert [j["payload"] for j in await jobs.list_jobs(helpline)] == [{"ticket": ticket.number}]


async def test_failing_event_hook_rolls_back_the_change_and_the_jobs_it_queued(
    helpline, spy, agent
):
    before = await ticket_count(helpline)
    spy.explode = True
    with pytest.raises(RuntimeError, match="spy exploded"):
        await tickets.create_ticket(helpline, agent, subject="Doomed", body="b")
    assert await ticket_count(helpline) == before
    assert await jobs.list_jobs(helpline) == [], "the job the hook queued rolled back too"


async def test_hook_ticket_updated(helpline, spy, agent, factory):
    ticket = await factory.ticket()
    await tickets.update_ticket(
        helpline, agent, ticket.number, version=ticket.version, status="open", priority="high"
    )
    [(_, number, actor_id, changes)] = spy.seen("ticket_updated")
    assert (number, actor_id) == (ticket.number, agent.id)
    assert changes == {"status": ("new", "open"), "priority": ("normal", "high")}


async def test_hook_message_added(helpline, spy, agent, factory):
    ticket = await factory.ticket()
    await messages.add_message(helpline, agent, ticket.number, body="Checked logs", internal=True)
    assert spy.seen("message_added") == [
        ("message_added", ticket.number, "internal", "Checked logs", agent.id)
    ]


async def test_hook_ticket_merged(helpline, spy, agent, factory):
    source = await factory.ticket()
    target = await factory.ticket()
    await tickets.merge_tickets(helpline, agent, source.number, target.number)
    assert spy.seen("ticket_merged") == [("ticket_merged", source.number, target.number, target.id)]


async def test_hook_user_created(helpline, spy):
    await users.create_user(helpline, email="New@Example.com", role="customer")
    assert ("user_created", "new@example.com", "customer") in spy.seen("user_created")


async def test_disabled_plugin_receives_no_events(helpline, spy, agent):
    await helpline.set_plugin_enabled("spy", False)
    await tickets.create_ticket(helpline, agent, subject="Quiet", body="b")
    assert spy.seen("ticket_created") == []
    assert await jobs.list_jobs(helpline) == []


async def announce(helpline, hook: str, ticket, **kwargs):
    """Call an SLA event the way the SLA plugin does: inside the transaction of its timer."""
    async with helpline.transaction():
        await helpline.hook(hook, helpline=helpline, ticket=ticket, **kwargs)


async def test_hook_sla_warning(helpline, spy, factory, clock):
    ticket = await factory.ticket()
    due = clock.freeze() + timedelta(minutes=30)
    await announce(helpline, "sla_warning", ticket, target="first_response", due_at=due)
    assert spy.seen("sla_warning") == [("sla_warning", ticket.number, "first_response", due)]


async def test_hook_sla_breached(helpline, spy, factory, clock):
    ticket = await factory.ticket()
    due = clock.freeze() - timedelta(minutes=1)
    await announce(helpline, "sla_breached", ticket, target="resolution", due_at=due)
    assert spy.seen("sla_breached") == [("sla_breached", ticket.number, "resolution", due)]
    await helpline.set_plugin_enabled("spy", False)
    await announce(helpline, "sla_breached", ticket, target="resolution", due_at=due)
    assert len(spy.seen("sla_breached")) == 1, "a disabled plugin hears no SLA events"


async def test_hook_sla_escalated(helpline, spy, factory):
    ticket = await factory.ticket()
    actions = [{"notify": "manager"}, {"priority": "urgent"}]
    await announce(helpline, "sla_escalated", ticket, target="resolution", level=2, actions=actions)
    assert spy.seen("sla_escalated") == [("sla_escalated", ticket.number, "resolution", 2, actions)]


async def test_hook_survey_answered(helpline, spy, factory, customer):
    ticket = await factory.ticket(requester=customer)
    async with helpline.transaction():
        await helpline.hook(
            "survey_answered",
            helpline=helpline,
            ticket=ticket,
            customer=customer,
            kind="csat",
            score=1,
            comment="Nobody called back",
            answers={"rating": 1, "reason": "slow"},
        )
    assert spy.seen("survey_answered") == [
        (
            "survey_answered",
            ticket.number,
            customer.id,
            "csat",
            1,
            "Nobody called back",
            {"rating": 1, "reason": "slow"},
        )
    ]


# -- decisions ---------------------------------------------------------------------------------


async def test_hook_deliver_notification(helpline, spy, browser_client, agent):
    web = await browser_client()
    response = await web.post("/forgot", data={"email": agent.email})
    assert response.status_code == 200
    assert spy.notifications == [(agent.email, "Reset your Helpline password")]


async def test_hook_route_ticket(helpline, spy, agent, factory):
    spy.assignee = agent.id
    routed = await factory.ticket(subject="[spy] Login loop")
    assert routed.assignee_id == agent.id
    plain = await factory.ticket(subject="Login loop")
    assert plain.assignee_id is None
    created = {number: assignee for _, number, assignee, _ in spy.seen("ticket_created")}
    assert created == {routed.number: agent.id, plain.number: None}


# -- lifecycle (plugins switched at run time) ----------------------------------------------------


async def test_hook_plugin_enabled(helpline, spy):
    await helpline.set_plugin_enabled("spy", True)  # on already: nothing to catch up on
    await helpline.set_plugin_enabled("spy", False)
    assert spy.seen("plugin_enabled") == []
    await helpline.set_plugin_enabled("spy", True)
    assert spy.seen("plugin_enabled") == [("plugin_enabled", "spy", True)]
