"""Who gets a new ticket: round-robin, least-loaded, skills, fallback, away agents, capacity."""

from __future__ import annotations

from routing_helpers import routing_via, rule


async def to_team(helpline, team="Support"):
    await rule(helpline, "To " + team, conditions=[("channel", "is", "web")], team=team)


async def test_round_robin_deals_tickets_to_each_agent_in_turn(helpline, factory, make_team):
    _team, agents = await make_team(3, "round_robin", name="Support")
    await to_team(helpline)
    got = [(await factory.ticket()).assignee_id for _ in range(6)]
    ids = [a.id for a in agents]
    assert got == ids + ids


async def test_the_routing_decision_and_its_reason_are_in_the_history(helpline, factory, make_team):
    team, agents = await make_team(2, "round_robin", name="Support")
    await rule(helpline, "Support inbox", conditions=[("text", "contains", "help")], team="Support")
    ticket = await factory.ticket(subject="Please help")
    assert ticket.team_id == team
    assert ticket.assignee_id == agents[0].id
    assert await routing_via(ticket) == [
        "routing: rule Support inbox; round-robin in Support",
        "routing: rule Support inbox; round-robin in Support",
    ]


async def test_least_loaded_gives_the_ticket_to_the_agent_with_most_room(
    helpline, factory, make_team, set_agent
):
    _team, (busy, light) = await make_team(2, "least_loaded", name="Support")
    await set_agent(busy, capacity=4)
    await set_agent(light, capacity=20)
    for _ in range(2):  # 2/4 = 50% for busy
        await factory.ticket(assignee=busy.id)
    for _ in range(5):  # 5/20 = 25% for light
        await factory.ticket(assignee=light.id)
    await to_team(helpline)
    ticket = await factory.ticket()
    assert ticket.assignee_id == light.id
    assert (await routing_via(ticket))[0].startswith("routing: rule To Support; least loaded, 5/20")


async def test_solved_tickets_do_not_count_as_load(helpline, factory, make_team, agent):
    _team, (a, b) = await make_team(2, "least_loaded", name="Support")
    for _ in range(3):
        t = await factory.ticket(assignee=a.id)
        from helpline.services import tickets

        await tickets.update_as_system(helpline, t.number, via="test", status="solved")
    await factory.ticket(assignee=b.id)
    await to_team(helpline)
    assert (await factory.ticket()).assignee_id == a.id


async def test_agents_at_capacity_receive_nothing(helpline, factory, make_team, set_agent):
    _team, (a, b) = await make_team(2, "round_robin", name="Support")
    await set_agent(a, capacity=1)
    await factory.ticket(assignee=a.id)
    await to_team(helpline)
    assert [(await factory.ticket()).assignee_id for _ in range(3)] == [b.id] * 3


async def test_away_agents_receive_nothing(helpline, factory, make_team, set_agent):
    _team, (a, b, c) = await make_team(3, "round_robin", name="Support")
    await set_agent(b, available=False)
    await to_team(helpline)
    got = [(await factory.ticket()).assignee_id for _ in range(4)]
    assert got == [a.id, c.id, a.id, c.id]


async def test_with_everyone_away_the_ticket_waits_in_the_team_unassigned(
    helpline, factory, make_team, set_agent
):
    team, (a,) = await make_team(1, "round_robin", name="Support")
    await set_agent(a, available=False)
    await to_team(helpline)
    ticket = await factory.ticket()
    assert (ticket.team_id, ticket.assignee_id) == (team, None)
    assert await routing_via(ticket) == [
        "routing: rule To Support; nobody available in Support (1 away)"
    ]


async def test_skills_routing_picks_the_agent_with_the_needed_skill_level(
    helpline, factory, make_team, set_agent
):
    _team, (novice, expert, other) = await make_team(3, "skills", name="Support")
    await set_agent(novice, skills={"billing": 1})
    await set_agent(expert, skills={"billing": 4, "german": 2})
    await set_agent(other, skills={"german": 5})
    await rule(
        helpline,
        "Invoices",
        conditions=[("text", "contains", "invoice, refund")],
        team="Support",
        skills={"billing": 3},
    )
    ticket = await factory.ticket(subject="Wrong invoice")
    assert ticket.assignee_id == expert.id
    assert await routing_via(ticket) == [
        "routing: rule Invoices; skills billing≥3 in Support",
        "routing: rule Invoices; skills billing≥3 in Support",
    ]


async def test_skills_from_several_rules_add_up(helpline, factory, make_team, set_agent):
    _team, (a, b) = await make_team(2, "skills", name="Support")
    await set_agent(a, skills={"billing": 3})
    await set_agent(b, skills={"billing": 3, "german": 1})
    await rule(
        helpline,
        "Billing",
        conditions=[("text", "contains", "rechnung")],
        team="Support",
        skills={"billing": 2},
    )
    await rule(helpline, "German", conditions=[("language", "is", "de")], skills={"german": 1})
    ticket = await factory.ticket(subject="Rechnung falsch", custom_fields={"language": "de"})
    assert ticket.assignee_id == b.id


async def test_without_a_qualified_agent_skills_routing_falls_back_to_the_next_strategy(
    helpline, factory, make_team, set_agent
):
    _team, (a, _b) = await make_team(2, "skills", fallback="round_robin", name="Support")
    await set_agent(a, skills={"billing": 1})
    await rule(
        helpline,
        "Legal",
        conditions=[("subject", "contains", "lawyer")],
        team="Support",
        skills={"legal": 2},
    )
    ticket = await factory.ticket(subject="My lawyer")
    assert ticket.assignee_id == a.id
    assert (await routing_via(ticket))[-1] == (
        "routing: rule Legal; round-robin (fallback after skills) in Support"
    )


async def test_without_a_fallback_an_unmatched_skill_leaves_the_ticket_in_the_pool(
    helpline, factory, make_team
):
    team, _ = await make_team(2, "skills", name="Support")
    await rule(
        helpline,
        "Legal",
        conditions=[("subject", "contains", "lawyer")],
        team="Support",
        skills={"legal": 2},
    )
    ticket = await factory.ticket(subject="My lawyer")
    assert (ticket.team_id, ticket.assignee_id) == (team, None)


async def test_a_manual_team_gets_the_ticket_but_nobody_is_assigned(helpline, factory, make_team):
    team, _ = await make_team(2, "manual", name="Support")
    await to_team(helpline)
    ticket = await factory.ticket()
    assert (ticket.team_id, ticket.assignee_id) == (team, None)
    assert await routing_via(ticket) == ["routing: rule To Support; team Support, assigned by hand"]


async def test_a_ticket_arriving_with_a_team_is_given_to_one_of_its_agents(
    helpline, factory, make_team, admin
):
    team, agents = await make_team(2, "round_robin", name="Support")
    ticket = await factory.ticket(by=admin, team=team)
    assert ticket.assignee_id is None  # create_ticket returns before ticket_created's change
    from helpline.services import tickets

    stored = await tickets.get_ticket(helpline, admin, ticket.number)
    assert stored.assignee_id == agents[0].id
    assert await routing_via(ticket) == ["routing: round-robin in Support"]
