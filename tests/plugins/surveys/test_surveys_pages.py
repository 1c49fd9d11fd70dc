"""Where ratings show: ticket panel, queue badge, API field, portal; and who may see them."""

from __future__ import annotations

from survey_helpers import link_for, solved_and_surveyed

from helpline import hookimpl


async def _rated(helpline, factory, agent, customer, clock, run_jobs, outbox, client, rating=1):
    clock.freeze()
    ticket, message = await solved_and_surveyed(
        helpline, factory, agent, customer, clock, run_jobs, outbox
    )
    await client.get(link_for(message["body"], rating))
    return ticket, message


async def test_agents_see_the_rating_on_the_ticket_page_and_in_the_queue(
    helpline, factory, agent, customer, clock, run_jobs, outbox, client, signin
):
    ticket, _ = await _rated(helpline, factory, agent, customer, clock, run_jobs, outbox, client)
    web = await signin(agent)
    page = await web.get(f"/tickets/{ticket.number}")
    assert "Satisfaction" in page.text and "survey-bad" in page.text
    queue = await web.get("/tickets?status=solved")
    assert "survey-bad" in queue.text


async def test_the_ticket_json_carries_the_survey_for_staff_only(
    helpline, factory, agent, customer, clock, run_jobs, outbox, client, api
):
    ticket, _ = await _rated(
        helpline, factory, agent, customer, clock, run_jobs, outbox, client, rating=5
    )
    staff = await (await api(agent)).get(f"/api/v1/tickets/{ticket.number}")
    survey = staff.json()["survey"]
    assert (survey["score"], survey["rating"], survey["status"]) == (5, "good", "sent")
    own = await (await api(customer)).get(f"/api/v1/tickets/{ticket.number}")
    assert own.status_code == 200 and "survey" not in own.json()


async def test_the_customer_can_rate_from_the_portal(
    helpline, factory, agent, customer, clock, run_jobs, outbox, signin
):
    clock.freeze()
    ticket, _ = await solved_and_surveyed(
        helpline, factory, agent, customer, clock, run_jobs, outbox
    )
    web = await signin(customer)
    page = await web.get(f"/portal/requests/{ticket.number}")
    assert "How did we do?" in page.text
    import re

    good = re.search(r'href="http://helpdesk\.test(/p/surveys/a/[^"]+\?r=5)"', page.text).group(1)
    assert (await web.get(good.replace("&amp;", "&"))).status_code == 200
    assert outbox.answered[-1][2:4] == ("csat", 5)
    page = await web.get(f"/portal/requests/{ticket.number}")
    assert "change your rating" in page.text


async def test_customers_never_see_other_customers_surveys(
    helpline, factory, agent, customer, clock, run_jobs, outbox, client, signin, api
):
    ticket, _ = await _rated(helpline, factory, agent, customer, clock, run_jobs, outbox, client)
    stranger = await factory.user("customer")
    web = await signin(stranger)
    assert (await web.get(f"/portal/requests/{ticket.number}")).status_code == 404
    assert (await web.get("/p/surveys/")).status_code == 403
    assert (await web.get("/p/surveys/settings")).status_code == 403
    assert (await (await api(stranger)).get(f"/api/v1/tickets/{ticket.number}")).status_code == 404


async def test_a_colleague_sharing_the_ticket_gets_no_rating_buttons(
    helpline, factory, agent, clock, run_jobs, outbox, signin
):
    org = await factory.organization(shared=True)
    requester = await factory.user("customer", organization=org)
    colleague = await factory.user("customer", organization=org)
    clock.freeze()
    ticket, _ = await solved_and_surveyed(
        helpline, factory, agent, requester, clock, run_jobs, outbox
    )
    page = await (await signin(colleague)).get(f"/portal/requests/{ticket.number}")
    assert page.status_code == 200
    assert "/p/surveys/a/" not in page.text


async def test_managers_get_a_dashboard_widget_and_agents_do_not(
    helpline, factory, agent, manager, customer, clock, run_jobs, outbox, client, signin
):
    await _rated(helpline, factory, agent, customer, clock, run_jobs, outbox, client, rating=5)
    assert "Customer satisfaction" in (await (await signin(manager)).get("/tickets")).text
    assert "Customer satisfaction" not in (await (await signin(agent)).get("/tickets")).text


class PortalPanel:
    @hookimpl
    def portal_ticket_panels(self, helpline, ticket, actor):
        return [{"title": "Status page", "html": f"<p>Hello {actor.name} on #{ticket.number}</p>"}]


async def test_hook_portal_ticket_panels(helpline, factory, customer, signin):
    helpline.pm.register(PortalPanel(), name="portal_panel_test")
    ticket = await factory.ticket(requester=customer)
    page = await (await signin(customer)).get(f"/portal/requests/{ticket.number}")
    assert "Status page" in page.text
    assert f"<p>Hello {customer.name} on #{ticket.number}</p>" in page.text
