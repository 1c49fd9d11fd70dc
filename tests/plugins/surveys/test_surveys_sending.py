"""When a CSAT survey is sent, and when it is not."""

from __future__ import annotations

from survey_helpers import solve

from helpline.services import tickets
from helpline_surveys.tables import SurveysSent


async def test_a_solved_ticket_gets_a_survey_once_the_delay_has_passed(
    helpline, factory, agent, customer, clock, run_jobs, outbox
):
    clock.freeze()
    ticket = await factory.ticket(requester=customer, subject="Printer jams")
    await solve(helpline, agent, ticket)
    clock.advance(minutes=59)
    await run_jobs()
    assert outbox.to(customer.email) == []
    clock.advance(minutes=2)
    await run_jobs()
    (message,) = outbox.to(customer.email)
    assert message["ticket"] == ticket.number
    assert "Printer jams" in message["subject"]
    assert "/p/surveys/a/" in message["body"] and "?r=5" in message["body"]
    sent = await SurveysSent.select().first()
    assert sent["status"] == "sent" and sent["kind"] == "csat"


async def test_a_ticket_reopened_before_the_delay_gets_no_survey(
    helpline, factory, agent, customer, clock, run_jobs, outbox
):
    clock.freeze()
    ticket = await factory.ticket(requester=customer)
    await solve(helpline, agent, ticket)
    clock.advance(minutes=30)
    await tickets.reopen_ticket(helpline, agent, ticket.number)
    clock.advance(hours=3)
    await run_jobs()
    assert outbox.delivered == []


async def test_solved_again_after_a_reopen_the_timer_starts_over(
    helpline, factory, agent, customer, clock, run_jobs, outbox
):
    clock.freeze()
    ticket = await factory.ticket(requester=customer)
    await solve(helpline, agent, ticket)
    clock.advance(minutes=30)
    await tickets.reopen_ticket(helpline, agent, ticket.number)
    await solve(helpline, agent, ticket)
    clock.advance(minutes=45)
    await run_jobs()
    assert outbox.delivered == []
    clock.advance(minutes=20)
    await run_jobs()
    assert len(outbox.to(customer.email)) == 1


async def test_a_ticket_solved_as_spam_gets_no_survey(
    helpline, factory, agent, customer, clock, run_jobs, outbox
):
    clock.freeze()
    tagged = await factory.ticket(requester=customer, tags=["spam"])
    await solve(helpline, agent, tagged)
    later = await factory.ticket(requester=await factory.user("customer"))
    await solve(helpline, agent, later)
    await tickets.add_tags(helpline, agent, later.number, ["spam"])  # marked spam after solving
    clock.advance(hours=2)
    await run_jobs()
    assert outbox.delivered == []


async def test_a_merged_ticket_gets_no_survey(
    helpline, factory, agent, customer, clock, run_jobs, outbox
):
    clock.freeze()
    source = await factory.ticket(requester=customer)
    target = await factory.ticket(requester=customer)
    await solve(helpline, agent, source)
    await tickets.merge_tickets(helpline, agent, source.number, target.number)
    clock.advance(hours=2)
    await run_jobs()
    assert outbox.delivered == []


async def test_a_customer_gets_at_most_one_survey_in_the_cooldown(
    helpline, factory, agent, customer, clock, run_jobs, outbox
):
    clock.freeze()
    first = await factory.ticket(requester=customer)
    await solve(helpline, agent, first)
    clock.advance(hours=2)
    await run_jobs()
    second = await factory.ticket(requester=customer)
    await solve(helpline, agent, second)
    clock.advance(days=2)
    await run_jobs()
    assert [m["ticket"] for m in outbox.to(customer.email)] == [first.number]
    third = await factory.ticket(requester=customer)
    await solve(helpline, agent, third)
    clock.advance(days=6)  # a week after the first survey
    await run_jobs()
    assert [m["ticket"] for m in outbox.to(customer.email)] == [first.number, third.number]


async def test_no_survey_is_sent_while_csat_is_switched_off(
    helpline, factory, agent, customer, clock, run_jobs, outbox
):
    from helpline_surveys import config

    settings = await config.current(helpline)
    settings.csat_enabled = False
    await config.save(helpline, settings)
    clock.freeze()
    ticket = await factory.ticket(requester=customer)
    await solve(helpline, agent, ticket)
    clock.advance(hours=2)
    await run_jobs()
    assert outbox.delivered == []


async def test_switching_csat_off_after_solving_stops_the_queued_survey(
    helpline, factory, agent, customer, clock, run_jobs, outbox
):
    from helpline_surveys import config

    clock.freeze()
    ticket = await factory.ticket(requester=customer)
    await solve(helpline, agent, ticket)
    settings = await config.current(helpline)
    settings.csat_enabled = False
    await config.save(helpline, settings)
    clock.advance(hours=2)
    await run_jobs()
    assert outbox.delivered == []


async def test_a_survey_no_channel_takes_is_recorded_as_failed(
    helpline, factory, agent, customer, clock, run_jobs, outbox
):
    outbox.refuse = True  # and the email plugin has no SMTP server configured
    clock.freeze()
    ticket = await factory.ticket(requester=customer)
    await solve(helpline, agent, ticket)
    clock.advance(hours=2)
    await run_jobs()
    sent = await SurveysSent.select().first()
    assert sent["status"] == "failed"
    assert "no channel" in sent["error"]


async def test_the_survey_remembers_the_agent_and_team_who_solved_it(
    helpline, factory, agent, customer, clock, run_jobs, outbox
):
    team = await factory.team("Billing", members=[agent])
    clock.freeze()
    ticket = await factory.ticket(requester=customer)
    await tickets.update_ticket(
        helpline, agent, ticket.number, version=None, assignee_id=agent.id, team_id=team
    )
    await solve(helpline, agent, ticket)
    clock.advance(hours=2)
    await run_jobs()
    sent = await SurveysSent.select().first()
    assert (sent["agent_id"], sent["team_id"]) == (agent.id, team)


async def test_the_rating_counts_for_the_agent_who_solved_even_if_reassigned_before_sending(
    helpline, factory, agent, customer, clock, run_jobs, outbox
):
    other = await factory.user("agent")
    clock.freeze()
    ticket = await factory.ticket(requester=customer)
    await tickets.update_ticket(helpline, agent, ticket.number, version=None, assignee_id=agent.id)
    await solve(helpline, agent, ticket)
    await tickets.update_ticket(helpline, agent, ticket.number, version=None, assignee_id=other.id)
    clock.advance(hours=2)
    await run_jobs()
    assert (await SurveysSent.select().first())["agent_id"] == agent.id
