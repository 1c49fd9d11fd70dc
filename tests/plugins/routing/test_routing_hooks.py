"""Third parties extend routing: a strategy of their own, or their own `route_ticket`."""

from __future__ import annotations

from typing import Any

import pytest
from routing_helpers import routing_via, rule

from helpline import hookimpl
from helpline_routing.strategies import Pick


class Newest:
    """Gives every ticket to the team member with the highest user id."""

    label = "Newest member"

    async def pick(self, ctx):
        if not ctx.candidates:
            return None
        return Pick(max(c.id for c in ctx.candidates), "newest member")


class ThirdParty:
    @hookimpl(optionalhook=True)
    def routing_strategies(self) -> dict[str, Any]:
        return {"newest": Newest()}


class VipDesk:
    @hookimpl(tryfirst=True)
    def route_ticket(self, ticket):
        if "vip" in ticket.subject.lower():
            return {"team": "VIP", "reason": "VIP desk"}
        return None


@pytest.fixture
def helpline_plugins():
    return [("thirdparty", ThirdParty()), ("vipdesk", VipDesk())]


async def test_a_plugin_adds_a_strategy_teams_can_choose(helpline, factory, make_team, api, admin):
    _team, agents = await make_team(3, "newest", name="Support")
    await rule(helpline, "All", conditions=[("channel", "is", "web")], team="Support")
    ticket = await factory.ticket()
    assert ticket.assignee_id == agents[-1].id
    assert (await routing_via(ticket))[0] == "routing: rule All; newest member in Support"
    names = [s["name"] for s in (await (await api(admin)).get("/api/v1/routing/strategies")).json()]
    assert "newest" in names and "round_robin" in names


async def test_a_plugin_answering_route_ticket_first_replaces_the_routing(
    helpline, factory, make_team
):
    vip, _ = await make_team(1, "manual", name="VIP")
    await make_team(1, "round_robin", name="Support")
    await rule(helpline, "All", conditions=[("channel", "is", "web")], team="Support")
    ticket = await factory.ticket(subject="VIP customer")
    assert (ticket.team_id, ticket.assignee_id) == (vip, None)
    assert await routing_via(ticket) == ["routing: VIP desk"]
