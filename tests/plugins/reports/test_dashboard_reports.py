"""Dashboards: the manager overview, an agent's own numbers, live counts, others' widgets."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from helpline import hookimpl
from helpline.services import messages, tickets

WEDNESDAY = datetime(2025, 1, 8, 9, tzinfo=UTC)


class Elsewhere:
    """Another plugin contributing a dashboard widget."""

    @hookimpl
    def dashboard_widgets(self, actor):
        return [{"title": "From elsewhere", "html": "<b>42 somethings</b>"}] if actor.staff else []


@pytest.fixture
def helpline_plugins():
    return [("elsewhere", Elsewhere())]


async def test_the_overview_shows_live_counts_key_charts_and_other_plugins_widgets(
    signin, factory, clock, manager, agent
):
    clock.freeze(WEDNESDAY)
    await factory.ticket()
    await factory.ticket(assignee=agent.id)
    page = await (await signin(manager)).get("/p/reports/")
    assert page.status_code == 200
    assert "<strong>2</strong> open" in page.text
    assert "<strong>1</strong> unassigned" in page.text
    assert "From elsewhere" in page.text and "<b>42 somethings</b>" in page.text
    assert page.text.count("<svg") >= 2  # volume and backlog
    assert 'hx-trigger="every 60s"' in page.text
    assert 'href="/p/reports/schedules"' in page.text


async def test_live_counts_refresh_on_their_own_and_respect_what_the_viewer_sees(
    signin, factory, clock, agent, manager
):
    clock.freeze(WEDNESDAY)
    other_team = await factory.team("Elsewhere")
    await factory.ticket(team=other_team)
    await factory.ticket(assignee=agent.id)
    mine = await (await signin(agent)).get("/p/reports/live")
    assert mine.status_code == 200 and "<html" not in mine.text
    assert "<strong>1</strong> open" in mine.text  # the other team's ticket is not theirs to see
    everyone = await (await signin(manager)).get("/p/reports/live")
    assert "<strong>2</strong> open" in everyone.text


async def test_an_agent_sees_their_own_numbers(signin, factory, clock, helpline, agent):
    clock.freeze(WEDNESDAY)
    answered = await factory.ticket(assignee=agent.id, subject="Answered in 30 minutes")
    await factory.ticket(assignee=agent.id, subject="Still waiting")
    clock.advance(minutes=30)
    await messages.add_message(helpline, agent, answered.number, body="On it")
    await tickets.update_ticket(helpline, agent, answered.number, version=None, status="solved")
    page = await (await signin(agent)).get("/p/reports/me")
    assert page.status_code == 200
    assert "<strong>1</strong> open tickets" in page.text
    assert "<strong>1</strong> solved this week" in page.text
    assert "<strong>30 min</strong> median first response" in page.text
    assert "Still waiting" in page.text and "Answered in 30 minutes" not in page.text
    assert "From elsewhere" in page.text


async def test_agents_get_a_menu_link_to_their_numbers_and_managers_to_reports(
    signin, agent, manager
):
    agent_page = await (await signin(agent)).get("/p/reports/me")
    assert 'href="/p/reports/me"' in agent_page.text
    assert 'href="/p/reports/"' not in agent_page.text
    manager_page = await (await signin(manager)).get("/p/reports/me")
    assert 'href="/p/reports/"' in manager_page.text


async def test_the_agent_dashboard_shows_the_live_counts_widget_beside_others(
    signin, factory, clock, agent
):
    clock.freeze(WEDNESDAY)
    await factory.ticket(assignee=agent.id)
    queue = await (await signin(agent)).get("/tickets")
    assert queue.status_code == 200
    assert "Right now" in queue.text and "From elsewhere" in queue.text
    assert 'hx-get="/p/reports/live"' in queue.text


async def test_customers_get_no_dashboards_no_live_counts_and_no_widget(signin, customer):
    web = await signin(customer)
    for url in ("/p/reports/", "/p/reports/me", "/p/reports/live"):
        assert (await web.get(url)).status_code == 403, url


async def _round_the_clock_sla(helpline, minutes=60):
    from helpline_sla import store
    from helpline_sla.specs import PolicySpec, TargetSpec

    target = TargetSpec(target="first_response", minutes=minutes, business=False, warn_before=0)
    await store.save_policy(helpline, PolicySpec(name="Fast", targets=[target]))


async def test_overdue_tickets_are_counted_from_the_sla_and_link_to_that_queue(
    signin, factory, clock, helpline, run_jobs, manager
):
    clock.freeze(WEDNESDAY)
    await _round_the_clock_sla(helpline)
    await factory.ticket(subject="Late one")
    await factory.ticket(subject="Late two")
    clock.advance(minutes=90)
    await factory.ticket(subject="Just in")
    await run_jobs()
    page = await (await signin(manager)).get("/p/reports/")
    assert "<strong>2</strong> overdue" in page.text
    assert 'href="/tickets?category=unsolved&amp;filter=sla_breached"' in page.text
    listed = await (await signin(manager)).get("/tickets?category=unsolved&filter=sla_breached")
    assert "Late one" in listed.text and "Late two" in listed.text
    assert "Just in" not in listed.text


async def test_without_the_sla_plugin_overdue_is_not_shown_at_all(
    signin, factory, helpline, manager
):
    await helpline.set_plugin_enabled("sla", False)
    await factory.ticket()
    live = await (await signin(manager)).get("/p/reports/live")
    assert "<strong>1</strong> open" in live.text
    assert "overdue" not in live.text


async def test_each_live_count_opens_the_queue_view_of_the_same_tickets(
    signin, factory, clock, agent, manager
):
    clock.freeze(WEDNESDAY)
    await factory.ticket(subject="Nobody yet")
    await factory.ticket(subject="Agent own one", assignee=agent.id)
    web = await signin(agent)
    live = await web.get("/p/reports/live")
    for url, count in (
        ("/tickets?category=unsolved", 2),
        ("/tickets?category=unsolved&amp;assignee=none", 1),
        ("/tickets?category=unsolved&amp;assignee=me", 1),
    ):
        assert f'<a href="{url}"><strong>{count}</strong>' in live.text, url
    mine = await web.get("/tickets?category=unsolved&assignee=me")
    assert "Agent own one" in mine.text and "Nobody yet" not in mine.text
    unassigned = await web.get("/tickets?category=unsolved&assignee=none")
    assert "Nobody yet" in unassigned.text and "Agent own one" not in unassigned.text


async def test_the_overview_stacks_the_tickets_created_each_day_by_channel(
    signin, factory, clock, manager
):
    clock.freeze(WEDNESDAY)
    await factory.ticket(channel="email")
    await factory.ticket(channel="email")
    await factory.ticket(channel="phone")
    await factory.ticket(channel="carrier pigeon")
    page = await (await signin(manager)).get("/p/reports/")
    assert "Tickets created by channel, last 30 days" in page.text
    assert "chart-stacked" in page.text
    start = page.text.index("Tickets created by channel")
    table = page.text[page.text.index('class="chart-data"', start) :]
    table = table[: table.index("</table>")]
    header = table[: table.index("</thead>")]
    assert [c for c in ("email", "phone", "Other", "web") if f">{c}<" in header] == [
        "email",
        "phone",
        "Other",
    ], "channels with tickets, the unknown ones added up as Other"
    today = table[table.index("2025-01-08") :]
    assert [">2<", ">1<", ">1<", ">4<"] == [
        today[m.start() : m.end()] for m in re.finditer(r">\d+<", today)
    ]


async def test_the_overview_shows_the_surveys_widget_beside_the_live_counts(signin, manager):
    page = await (await signin(manager)).get("/p/reports/")
    assert "Customer satisfaction" in page.text
