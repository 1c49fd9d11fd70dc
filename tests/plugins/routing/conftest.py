"""Routing test fixtures: a team of agents with a strategy; changing an agent's profile."""

from __future__ import annotations

from typing import Any

import pytest

from helpline_routing import store, strategies


@pytest.fixture
def make_team(helpline, factory):
    """`await make_team(n, strategy, …)` → (team id, [agents])."""

    async def make(
        n: int = 3,
        strategy: str = "round_robin",
        fallback: str = "",
        reroute_minutes: int = 0,
        name: str | None = None,
    ) -> tuple[int, list[Any]]:
        agents = [await factory.user("agent") for _ in range(n)]
        team = await factory.team(name, members=agents)
        row = await store.team_row(team)
        await store.save_team_config(
            helpline,
            store.TeamConfig(
                team_id=team,
                team=row["name"],
                strategy=strategy,
                fallback=fallback,
                reroute_minutes=reroute_minutes,
            ),
            list(await strategies.available(helpline)),
        )
        return team, agents

    return make


@pytest.fixture
def set_agent(helpline):
    async def change(agent: Any, **fields: Any) -> None:
        await store.save_profile(helpline, await store.profile(agent.id), **fields)

    return change


@pytest.fixture
def helpline_settings_overrides() -> dict[str, Any]:
    """Only this plugin: routing must work whatever else is installed."""
    return {"plugins": ["routing"]}
