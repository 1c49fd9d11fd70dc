"""The scores' arithmetic, and the results page managers read (and others may not)."""

from __future__ import annotations

from survey_helpers import link_for, solve, solved_and_surveyed

from helpline_surveys import answers, scores
from helpline_surveys.tables import SurveysSent


def test_csat_percent_is_good_out_of_good_and_bad():
    assert scores.csat_percent([5, 5, 1]) == 66.7
    assert scores.csat_percent([5, 4, 3, 2]) == 50.0  # five-point scale: 4 and 5 are good
    assert scores.csat_percent([]) is None


def test_nps_is_promoters_minus_detractors():
    # 3 promoters (9, 10, 10), 2 passives (7, 8), 5 detractors (0-6) of 10 answers: 30 - 50.
    assert scores.nps([9, 10, 10, 7, 8, 0, 3, 5, 6, 6]) == -20.0
    assert scores.nps([10, 9]) == 100.0
    assert scores.nps([]) is None


def test_response_rate_is_answered_out_of_sent():
    assert scores.response_rate(1, 3) == 33.3
    assert scores.response_rate(0, 0) is None


async def _three_rated_tickets(helpline, factory, agent, clock, run_jobs, outbox, client):
    """Three customers rate the agent's tickets good, good, bad; a fourth does not answer."""
    for rating in (5, 5, 1, None):
        customer = await factory.user("customer")
        _, message = await solved_and_surveyed(
            helpline, factory, agent, customer, clock, run_jobs, outbox
        )
        if rating:
            await client.get(link_for(message["body"], rating))


async def test_managers_see_csat_and_response_rate_per_agent(
    helpline, factory, agent, manager, clock, run_jobs, outbox, client, signin
):
    clock.freeze()
    await _three_rated_tickets(helpline, factory, agent, clock, run_jobs, outbox, client)
    page = await (await signin(manager)).get("/p/surveys/")
    assert page.status_code == 200
    assert '<strong id="csat">66.7%</strong>' in page.text
    assert '<strong id="response-rate">75%</strong>' in page.text
    assert agent.name in page.text and "2/3" in page.text


async def test_nps_is_shown_from_nps_answers(helpline, factory, manager, clock, signin):
    from helpline_surveys import config, sending

    clock.freeze()
    settings = await config.current(helpline)
    for score in (10, 9, 3, 8):
        customer = await factory.user("customer")
        sent = await sending.create_and_deliver(helpline, settings, "nps", customer.id)
        await answers.record(helpline, sent["id"], score=score)
    page = await (await signin(manager)).get("/p/surveys/")
    assert '<strong id="nps">25</strong>' in page.text  # (2 - 1) / 4


async def test_the_results_filter_by_team_and_date(
    helpline, factory, agent, manager, clock, run_jobs, outbox, client, signin
):
    clock.freeze()
    await _three_rated_tickets(helpline, factory, agent, clock, run_jobs, outbox, client)
    web = await signin(manager)
    team = await factory.team("Nobody rated us")
    page = await web.get(f"/p/surveys/?team={team}")
    assert '<strong id="csat">n/a%</strong>' not in page.text
    assert '<strong id="csat">n/a</strong>' in page.text
    page = await web.get("/p/surveys/?from=2001-01-01&to=2001-01-31")
    assert '<strong id="csat">n/a</strong>' in page.text


async def test_only_managers_and_admins_open_the_results(
    helpline, factory, admin, manager, agent, customer, signin, client
):
    assert (await (await signin(admin)).get("/p/surveys/")).status_code == 200
    assert (await (await signin(manager)).get("/p/surveys/")).status_code == 200
    assert (await (await signin(agent)).get("/p/surveys/")).status_code == 403
    assert (await (await signin(customer)).get("/p/surveys/")).status_code == 403
    anonymous = await client.get("/p/surveys/")
    assert anonymous.status_code in (302, 303, 401)


async def test_results_only_count_tickets_the_viewer_may_see(
    helpline, factory, agent, clock, run_jobs, outbox, client, signin
):
    """An agent given surveys.view_results sees scores of their team's tickets only."""
    from helpline.services import roles

    clock.freeze()
    await roles.create_role(
        helpline,
        await factory.user("admin"),
        name="lead",
        label="Team lead",
        permissions=["tickets.view_team", "surveys.view_results"],
    )
    team = await factory.team("Team A", members=[agent])
    lead = await factory.user("lead", teams=[team])
    other_team = await factory.team("Team B")
    customer = await factory.user("customer")
    ticket, message = await solved_and_surveyed(
        helpline, factory, agent, customer, clock, run_jobs, outbox
    )
    from helpline.services import tickets

    await tickets.update_ticket(helpline, agent, ticket.number, version=None, team_id=other_team)
    await client.get(link_for(message["body"], 1))
    page = await (await signin(lead)).get("/p/surveys/")
    assert page.status_code == 200
    assert '<strong id="csat">n/a</strong>' in page.text  # the rated ticket is Team B's


async def test_every_sent_survey_counts_in_the_response_rate(
    helpline, factory, agent, customer, clock, run_jobs, outbox
):
    clock.freeze()
    ticket = await factory.ticket(requester=customer)
    await solve(helpline, agent, ticket)
    clock.advance(hours=2)
    await run_jobs()
    assert await SurveysSent.count().where(SurveysSent.status == "sent") == 1
