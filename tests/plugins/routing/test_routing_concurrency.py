"""Fair under concurrency: tickets routed at the same instant never pile onto one agent."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from routing_helpers import STRATEGIES, rule

from helpline.services import tickets
from helpline_routing import pool, store

AGENTS = 4
PER_AGENT = 5


async def set_strategy(helpline, team, strategy):
    row = await store.team_row(team)
    cfg = store.TeamConfig(team_id=team, team=row["name"], strategy=strategy)
    await store.save_team_config(helpline, cfg, STRATEGIES)


@pytest.mark.postgres_only
async def test_waiting_tickets_routed_concurrently_give_each_agent_exactly_its_share(
    helpline, factory, make_team, admin
):
    team, agents = await make_team(AGENTS, "manual", name="Support")
    waiting = [await factory.ticket(by=admin, team=team) for _ in range(AGENTS * PER_AGENT)]
    await set_strategy(helpline, team, "round_robin")
    # Each call runs in its own transaction on its own pooled connection, all at once.
    routed = await asyncio.gather(*(pool.route_existing(helpline, t.number) for t in waiting))
    shares = Counter(t.assignee_id for t in routed)
    assert shares == {a.id: PER_AGENT for a in agents}


@pytest.mark.postgres_only
async def test_least_loaded_stays_even_when_tickets_are_routed_concurrently(
    helpline, factory, make_team, admin
):
    team, agents = await make_team(AGENTS, "manual", name="Support")
    waiting = [await factory.ticket(by=admin, team=team) for _ in range(AGENTS * PER_AGENT)]
    await set_strategy(helpline, team, "least_loaded")
    routed = await asyncio.gather(*(pool.route_existing(helpline, t.number) for t in waiting))
    assert Counter(t.assignee_id for t in routed) == {a.id: PER_AGENT for a in agents}


@pytest.mark.postgres_only
async def test_new_tickets_created_concurrently_give_each_agent_exactly_its_share(
    helpline, factory, make_team, customer
):
    _team, agents = await make_team(AGENTS, "round_robin", name="Support")
    await rule(helpline, "All", conditions=[("channel", "is", "web")], team="Support")
    created = await asyncio.gather(
        *(
            tickets.create_ticket(helpline, customer, subject=f"Help {n}", body="Please")
            for n in range(AGENTS * PER_AGENT)
        )
    )
    assert Counter(t.assignee_id for t in created) == {a.id: PER_AGENT for a in agents}
