"""The ticket queue: filters, sorting, pagination and totals."""

from __future__ import annotations

import pytest

from helpline.errors import Invalid
from helpline.services import messages, tickets


@pytest.fixture
async def desk(helpline, factory, clock, manager):
    """Five tickets made a minute apart, each different in one way."""
    clock.freeze()
    team = await factory.team("Billing")
    agent = await factory.user("agent", teams=[team])
    alice, bob = await factory.user("customer"), await factory.user("customer")
    made = {}
    for name, fields in (
        ("plain", {"requester": alice}),
        ("urgent", {"requester": alice, "priority": "urgent", "type": "incident"}),
        ("billing", {"requester": bob, "team": team, "tags": ["invoice"]}),
        ("assigned", {"requester": bob, "assignee": agent.id}),
        ("printer", {"requester": bob, "subject": "Printer on fire", "tags": ["invoice", "hw"]}),
    ):
        clock.advance(minutes=1)
        made[name] = await factory.ticket(**fields)
    clock.advance(minutes=1)
    await tickets.update_ticket(
        helpline, manager, made["plain"].number, version=None, status="pending"
    )
    clock.advance(minutes=1)
    await tickets.update_ticket(
        helpline, manager, made["urgent"].number, version=None, status="solved"
    )
    return {"team": team, "agent": agent, "alice": alice, "bob": bob, **made}


async def _names(helpline, actor, desk, **filters):
    found, total = await tickets.list_tickets(helpline, actor, per_page=200, **filters)
    by_id = {t.id: name for name, t in desk.items() if hasattr(t, "number")}
    assert total == len(found)
    return [by_id[t.id] for t in found]


async def test_filters_narrow_the_queue(helpline, manager, desk):
    def names(**f):
        return _names(helpline, manager, desk, **f)

    assert set(await names()) == {"plain", "urgent", "billing", "assigned", "printer"}
    assert await names(status="pending") == ["plain"]
    assert await names(status_category="solved") == ["urgent"]
    assert set(await names(status_category="new")) == {"billing", "assigned", "printer"}
    assert await names(priority="urgent") == ["urgent"]
    assert await names(type="incident") == ["urgent"]
    assert await names(assignee_id=desk["agent"].id) == ["assigned"]
    assert set(await names(unassigned=True)) == {"plain", "urgent", "billing", "printer"}
    assert set(await names(requester_id=desk["alice"].id)) == {"plain", "urgent"}
    assert await names(team_id=desk["team"]) == ["billing"]
    assert set(await names(tag="invoice")) == {"billing", "printer"}
    assert await names(tag="invoice", requester_id=desk["bob"].id, priority="normal", q="fire") == [
        "printer"
    ]
    assert await names(q="printer") == ["printer"]
    assert await names(q="   ") == await names()
    assert await names(status="nonsense") == []


async def test_filters_never_widen_what_an_actor_may_see(helpline, desk):
    alice = desk["alice"]
    assert set(await _names(helpline, alice, desk)) == {"plain", "urgent"}
    assert await _names(helpline, alice, desk, requester_id=desk["bob"].id) == []
    assert await _names(helpline, alice, desk, q="printer") == []


async def test_default_order_is_most_recently_updated_first(helpline, manager, desk):
    assert (await _names(helpline, manager, desk))[:2] == ["urgent", "plain"]
    assert (await _names(helpline, manager, desk, sort="updated_at"))[-2:] == ["plain", "urgent"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("created_at", ["plain", "urgent", "billing", "assigned", "printer"]),
        ("-created_at", ["printer", "assigned", "billing", "urgent", "plain"]),
        ("number", ["plain", "urgent", "billing", "assigned", "printer"]),
        ("-number", ["printer", "assigned", "billing", "urgent", "plain"]),
        ("-updated_at", ["urgent", "plain", "printer", "assigned", "billing"]),
    ],
)
async def test_sorting(helpline, manager, desk, sort, expected):
    assert await _names(helpline, manager, desk, sort=sort) == expected


async def test_ties_in_the_sort_key_keep_a_stable_order(helpline, factory, clock, agent):
    clock.freeze()
    made = [await factory.ticket() for _ in range(4)]
    pages = [
        (await tickets.list_tickets(helpline, agent, sort="created_at", page=p, per_page=2))[0]
        for p in (1, 2)
    ]
    assert [t.id for page in pages for t in page] == [t.id for t in made]


async def test_unknown_sort_is_invalid(helpline, manager, desk):
    for sort in ("bogus", "-version", "", "updated_at; drop table ticket"):
        with pytest.raises(Invalid) as invalid:
            await tickets.list_tickets(helpline, manager, sort=sort)
        assert invalid.value.field == "sort"


async def test_pages_split_the_queue_and_report_the_total(helpline, manager, desk):
    seen = []
    for page in (1, 2, 3):
        found, total = await tickets.list_tickets(
            helpline, manager, sort="number", page=page, per_page=2
        )
        assert total == 5
        seen.append([t.number for t in found])
    assert [len(p) for p in seen] == [2, 2, 1]
    assert sorted(n for p in seen for n in p) == [
        desk[n].number for n in ("plain", "urgent", "billing", "assigned", "printer")
    ]
    beyond, total = await tickets.list_tickets(helpline, manager, page=9, per_page=2)
    assert (beyond, total) == ([], 5)


async def test_out_of_range_paging_is_clamped(helpline, manager, desk):
    first, total = await tickets.list_tickets(helpline, manager, page=0, per_page=0)
    assert (len(first), total) == (1, 5)
    everything, _ = await tickets.list_tickets(helpline, manager, page=-3, per_page=10_000)
    assert len(everything) == 5


async def test_a_reply_moves_a_ticket_to_the_top_of_the_queue(helpline, clock, manager, desk):
    clock.advance(minutes=1)
    await messages.add_message(helpline, manager, desk["billing"].number, body="Update")
    assert (await _names(helpline, manager, desk))[0] == "billing"
