"""The SLA pages: badges in the queue, the ticket panel, the SLA queue and the admin editors."""

from __future__ import annotations

from sla_helpers import MONDAY_10, office, policy

from helpline.services import tickets
from helpline_sla import store


async def test_the_queue_shows_an_sla_badge_with_the_time_left(
    helpline, factory, clock, signin, agent
):
    await office(helpline)
    await policy(helpline)
    clock.freeze(MONDAY_10)
    await factory.ticket(subject="Printer on fire")
    page = await (await signin(agent)).get("/tickets")
    assert "SLA 1h left" in page.text


async def test_an_overdue_ticket_shows_how_late_it_is(
    helpline, factory, clock, signin, agent, run_jobs
):
    await office(helpline)
    await policy(helpline)
    clock.freeze(MONDAY_10)
    await factory.ticket()
    clock.advance(hours=2)
    await run_jobs()
    page = await (await signin(agent)).get("/tickets")
    assert "SLA 1h over" in page.text and "sla-late" in page.text


async def test_the_ticket_page_has_an_sla_panel_with_each_target(
    helpline, factory, clock, signin, agent
):
    await office(helpline)
    await policy(helpline)
    clock.freeze(MONDAY_10)
    ticket = await factory.ticket()
    page = await (await signin(agent)).get(f"/tickets/{ticket.number}")
    assert page.status_code == 200
    assert "First response" in page.text and "Resolution" in page.text
    assert "Mon 06 Jan 10:00 UTC" in page.text  # the agent's timezone is UTC


async def test_the_sla_queue_filters_overdue_tickets(
    helpline, factory, clock, signin, agent, run_jobs
):
    await office(helpline)
    await policy(helpline)
    clock.freeze(MONDAY_10)
    late = await factory.ticket(subject="Late one")
    clock.advance(minutes=90)
    await factory.ticket(subject="Fresh one")
    await run_jobs()
    web = await signin(agent)
    overdue = await web.get("/p/sla/?show=breached")
    assert "Late one" in overdue.text and "Fresh one" not in overdue.text
    assert f"#{late.number}" in overdue.text
    assert "Fresh one" in (await web.get("/p/sla/")).text


async def test_customers_cannot_open_the_sla_queue(helpline, signin, customer):
    response = await (await signin(customer)).get("/p/sla/")
    assert response.status_code == 403


async def test_an_admin_creates_a_calendar_and_policy_in_the_admin_area(
    helpline, signin, admin, clock
):
    web = await signin(admin)
    assert "Business calendars" in (await web.get("/admin")).text
    created = await web.post(
        "/p/sla/calendars",
        data={
            "name": "office",
            "timezone": "Europe/Berlin",
            "hours": "mon-fri 09:00-17:00",
            "holidays": "2025-12-25 Christmas",
        },
    )
    assert created.status_code in (200, 303), created.text
    assert (await store.get_calendar(helpline, "office")).holidays[0].name == "Christmas"
    saved = await web.post(
        "/p/sla/policies",
        data={
            "name": "Standard",
            "position": "1",
            "active": "1",
            "calendar": "office",
            "first_response:*": "60",
            "first_response:business": "1",
            "resolution:high": "240",
            "resolution:business": "1",
            "escalations": "breach: notify assignee\nafter 30: notify managers, raise_priority",
        },
    )
    assert saved.status_code in (200, 303), saved.text
    spec = await store.get_policy(helpline, "Standard")
    assert [(t.target, t.priority, t.minutes) for t in spec.targets] == [
        ("first_response", "*", 60),
        ("resolution", "high", 240),
    ]
    assert [s.when for s in spec.escalations] == ["breach", "after"]
    clock.freeze(MONDAY_10)
    preview = await web.get("/p/sla/policies?priority=high")
    assert "Policy <strong>Standard</strong> applies" in preview.text
    assert (
        "Mon 06 Jan 10:00 UTC" in preview.text
    )  # first response: 60 working minutes after 09:00 UTC


async def test_a_bad_policy_form_keeps_what_was_typed_and_names_the_problem(
    helpline, signin, admin
):
    await office(helpline)
    web = await signin(admin)
    response = await web.post(
        "/p/sla/policies",
        data={
            "name": "Broken",
            "calendar": "office",
            "first_response:*": "60",
            "escalations": "whenever: dance",
        },
    )
    assert response.status_code == 422
    assert "Cannot read" in response.text and "whenever: dance" in response.text


async def test_a_bad_calendar_form_names_the_field(helpline, signin, admin):
    web = await signin(admin)
    response = await web.post(
        "/p/sla/calendars",
        data={"name": "x", "timezone": "Mars/Olympus", "hours": "mon-fri 09:00-17:00"},
    )
    assert response.status_code == 422
    assert "Unknown timezone" in response.text and "Mars/Olympus" in response.text


async def test_agents_and_customers_cannot_open_the_sla_admin_pages(
    helpline, signin, agent, customer
):
    for actor in (agent, customer):
        web = await signin(actor)
        assert (await web.get("/p/sla/policies")).status_code == 403
        assert (
            await web.post("/p/sla/calendars", data={"name": "x", "hours": "24/7"})
        ).status_code == 403


async def test_the_policy_preview_of_an_unsaved_form(helpline, signin, admin, clock):
    await office(helpline)
    clock.freeze(MONDAY_10)
    web = await signin(admin)
    response = await web.post(
        "/p/sla/policies",
        data={
            "name": "Draft",
            "calendar": "office",
            "resolution:*": "480",
            "resolution:business": "1",
            "preview": "1",
            "preview_priority": "normal",
        },
    )
    assert response.status_code == 200
    assert "Tue 07 Jan 09:00 UTC" in response.text
    assert await store.policies(helpline) == [], "previewing saves nothing"


async def test_the_dashboard_widget_counts_overdue_tickets(
    helpline, factory, clock, signin, agent, run_jobs
):
    await office(helpline)
    await policy(helpline)
    clock.freeze(MONDAY_10)
    ticket = await factory.ticket()
    clock.advance(hours=2)
    await run_jobs()
    await tickets.update_ticket(helpline, agent, ticket.number, version=None, priority="high")
    page = await (await signin(agent)).get("/tickets")
    assert "/p/sla/?show=breached" in page.text
