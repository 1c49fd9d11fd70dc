"""`helpline demo` leaves teams that route new tickets, and keeps its own tickets where they are."""

from __future__ import annotations

from helpline import db
from helpline.cli.demo import MANAGER_EMAIL, generate
from helpline.services import tickets
from helpline_routing import store


async def _assignments(helpline):
    return await db.fetch(helpline.engine, "SELECT id, assignee, team FROM ticket ORDER BY id")


async def test_the_teams_page_of_a_demo_desk_shows_each_teams_strategy(helpline, admin, signin):
    await generate(helpline, 30, seed=4)

    page = await (await signin(admin)).get("/p/routing/teams")

    assert page.status_code == 200
    assert "Round-robin" in page.text and "Least loaded" in page.text
    assert (await store.team_config("Technical")).strategy == "skills"


async def test_demo_agents_get_skills_and_room_above_their_open_tickets(helpline):
    await generate(helpline, 60, seed=4)

    rows = await db.fetch(
        helpline.engine,
        'SELECT a."user" AS id, a.capacity, a.skills, u.email FROM routing_agent a '
        'JOIN users u ON u.id = a."user"',
    )
    assert len(rows) >= 8
    for row in rows:
        profile = await store.profile(row["id"])
        if row["email"] == MANAGER_EMAIL:
            assert profile.capacity == 0, "the manager oversees and gets no tickets"
            continue
        open_now = await db.fetchval(
            helpline.engine,
            "SELECT count(*) FROM ticket WHERE assignee = {} "
            "AND status_category NOT IN ('solved', 'closed')",
            row["id"],
        )
        assert profile.capacity > open_now and profile.skills


async def test_setting_up_routing_moves_no_demo_ticket_and_new_tickets_are_routed(
    helpline, factory, customer
):
    await generate(helpline, 40, seed=4)
    before = await _assignments(helpline)
    queued = "SELECT count(*) FROM job WHERE kind LIKE 'routing.%'"
    assert await db.fetchval(helpline.engine, queued) == 0, "no demo ticket is rerouted"

    ticket = await tickets.create_ticket(
        helpline, customer, subject="Invoice shows the wrong amount", body="Please check."
    )

    assert (await _assignments(helpline))[: len(before)] == before
    routed = await tickets.get_ticket(helpline, tickets.SYSTEM, ticket.number)
    billing = (await store.team_row("Billing"))["id"]
    assert routed.team_id == billing and routed.assignee_id is not None


async def test_a_second_demo_run_keeps_the_routing_an_admin_changed(helpline):
    await generate(helpline, 20, seed=1)
    cfg = await store.team_config("Billing")
    await store.save_team_config(
        helpline, store.TeamConfig(team_id=cfg.team_id, team="Billing"), ["manual"]
    )
    profiles = await db.fetch(helpline.engine, 'SELECT * FROM routing_agent ORDER BY "user"')
    rules = await store.rules()

    await generate(helpline, 20, seed=2)

    assert (await store.team_config("Billing")).strategy == "manual"
    after = await db.fetch(helpline.engine, 'SELECT * FROM routing_agent ORDER BY "user"')
    assert after[: len(profiles)] == profiles, "agents set up earlier keep their profiles"
    assert [r.name for r in await store.rules()] == [r.name for r in rules] and len(rules) == 2
