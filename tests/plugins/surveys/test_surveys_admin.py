"""Admin settings, the custom survey editor, custom surveys and NPS rounds end to end."""

from __future__ import annotations

from datetime import UTC, datetime

from survey_helpers import links_in, solve

from helpline import jobs
from helpline_surveys import config, rounds
from helpline_surveys.tables import SurveysAnswer, SurveysSent, SurveysSurvey

SETTINGS = {
    "csat_enabled": "1",
    "csat_delay_minutes": "30",
    "csat_scale": "five",
    "csat_reasons": "Fast\nKind",
    "cooldown_days": "3",
    "close_after_days": "10",
    "spam_tags": "spam, junk",
    "spam_statuses": "",
    "nps_schedule": "0 10 1 * *",
    "nps_sample_size": "50",
    "nps_cooldown_days": "90",
}


async def test_an_admin_changes_the_survey_settings(helpline, admin, signin):
    web = await signin(admin)
    assert (await web.get("/p/surveys/settings")).status_code == 200
    response = await web.post("/p/surveys/settings", data=SETTINGS)
    assert response.status_code == 303
    settings = await config.current(helpline)
    assert (settings.csat_delay_minutes, settings.csat_scale) == (30, "five")
    assert settings.csat_reasons == ["Fast", "Kind"] and settings.spam_tags == ["spam", "junk"]


async def test_bad_settings_show_errors_next_to_their_fields_and_keep_the_input(
    helpline, admin, signin
):
    web = await signin(admin)
    bad = {**SETTINGS, "nps_enabled": "1", "nps_schedule": "every monday", "cooldown_days": "x"}
    response = await web.post("/p/surveys/settings", data=bad)
    assert response.status_code == 400
    assert 'id="cooldown_days-error"' in response.text
    bad["cooldown_days"] = "3"
    response = await web.post("/p/surveys/settings", data=bad)
    assert response.status_code == 400
    assert 'id="nps_schedule-error"' in response.text and "every monday" in response.text
    assert (await config.current(helpline)).csat_delay_minutes == 60  # nothing saved


async def test_only_survey_managers_change_settings(helpline, manager, agent, customer, signin):
    for who in (manager, agent, customer):
        web = await signin(who)
        assert (await web.get("/p/surveys/settings")).status_code == 403
        assert (await web.post("/p/surveys/settings", data=SETTINGS)).status_code == 403
        assert (await web.get("/p/surveys/custom/new")).status_code == 403


QUESTIONS = "rating: How easy was it?\nchoice: Which plan? | Basic, Pro\ntext: Anything else?"


async def test_a_custom_survey_with_errors_is_shown_again_with_each_error(helpline, admin, signin):
    web = await signin(admin)
    response = await web.post(
        "/p/surveys/custom",
        data={
            "name": "",
            "slug": "NPS",
            "trigger": "schedule",
            "schedule": "soon",
            "audience": "tag",
            "audience_value": "",
            "delay_minutes": "0",
            "questions": "rating: Fine?\nchoice: Only one | A",
        },
    )
    assert response.status_code == 400
    for field in ("name", "slug", "schedule", "audience_value", "questions"):
        assert f'id="{field}-error"' in response.text, field
    assert "Line 2" in response.text
    assert await SurveysSurvey.count() == 0


async def test_a_custom_survey_is_sent_on_solve_and_answered_through_the_link(
    helpline, factory, admin, agent, customer, clock, run_jobs, outbox, signin, browser_client
):
    web = await signin(admin)
    response = await web.post(
        "/p/surveys/custom",
        data={
            "name": "Onboarding",
            "slug": "onboarding",
            "active": "1",
            "trigger": "solved",
            "delay_minutes": "10",
            "audience": "tag",
            "audience_value": "new-customer",
            "questions": QUESTIONS,
        },
    )
    assert response.status_code == 303, response.text
    clock.freeze()
    skipped = await factory.ticket(requester=await factory.user("customer"))
    await solve(helpline, agent, skipped)
    ticket = await factory.ticket(requester=customer, tags=["new-customer"])
    await solve(helpline, agent, ticket)
    clock.advance(minutes=11)
    await run_jobs()
    (message,) = [m for m in outbox.delivered if m["subject"] == "Onboarding"]
    assert message["to"] == customer.email
    link = links_in(message["body"])[0]
    visitor = await browser_client()
    page = await visitor.get(link)
    assert "Which plan?" in page.text
    bad = await visitor.post(link, data={"q1": "9", "q2": "Gold"})
    assert bad.status_code == 400 and 'id="q1-error"' in bad.text
    good = await visitor.post(link, data={"q1": "4", "q2": "Pro", "q3": "Smooth"})
    assert good.status_code == 200
    assert outbox.answered[-1] == (
        ticket.number,
        customer.email,
        "onboarding",
        4,
        "Smooth",
        {"q1": 4, "q2": "Pro", "q3": "Smooth"},
    )


async def test_an_nps_round_reaches_a_sample_once_per_round(
    helpline, factory, agent, clock, outbox, client
):
    customers = [await factory.user("customer") for _ in range(3)]
    settings = await config.current(helpline)
    settings.nps_enabled, settings.nps_sample_size = True, 2
    await config.save(helpline, settings)
    clock.freeze(datetime(2026, 3, 1, 10, 0, tzinfo=UTC))
    assert await rounds.run_round(helpline, "nps", helpline.now()) == 2
    assert await rounds.run_round(helpline, "nps", helpline.now()) == 1  # the one left out
    assert await rounds.run_round(helpline, "nps", helpline.now()) == 0  # all surveyed lately
    assert {m["to"] for m in outbox.delivered} == {c.email for c in customers}
    assert agent.email not in {m["to"] for m in outbox.delivered}
    message = outbox.delivered[0]
    assert message["ticket"] is None and "recommend" in message["body"]
    nine = next(link for link in links_in(message["body"]) if link.endswith("?r=9"))
    assert (await client.get(nine)).status_code == 200
    assert (await SurveysAnswer.select().first())["score"] == 9
    assert outbox.answered[-1][2:4] == ("nps", 9)


async def test_the_nps_schedule_queues_the_next_round(helpline, clock, run_jobs, factory, outbox):
    await factory.user("customer")
    clock.freeze(datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
    settings = await config.current(helpline)
    settings.nps_enabled, settings.nps_schedule = True, "0 10 * * *"
    await config.save(helpline, settings)
    queued = await jobs.get(helpline, await _round_job(helpline))
    assert queued["run_at"].astimezone(UTC) == datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
    clock.advance(hours=2)
    await run_jobs()
    assert await SurveysSent.count().where(SurveysSent.kind == "nps") == 1
    queued = await jobs.get(helpline, await _round_job(helpline))
    assert queued["run_at"].astimezone(UTC) == datetime(2026, 3, 6, 10, 0, tzinfo=UTC)


async def _round_job(helpline) -> int:
    from helpline import db

    return await db.fetchval(
        helpline.engine,
        "SELECT id FROM job WHERE key = {} AND status = 'queued'",
        rounds.round_key("nps"),
    )


async def test_a_survey_on_new_tickets_goes_only_to_the_chosen_organization(
    helpline, factory, admin, clock, run_jobs, outbox, signin
):
    acme = await factory.organization("Acme")
    insider = await factory.user("customer", organization=acme)
    outsider = await factory.user("customer")
    web = await signin(admin)
    response = await web.post(
        "/p/surveys/custom",
        data={
            "name": "First impressions",
            "slug": "first",
            "active": "1",
            "trigger": "created",
            "delay_minutes": "0",
            "audience": "organization",
            "audience_value": "acme",
            "questions": "text: How was signing up?",
        },
    )
    assert response.status_code == 303, response.text
    clock.freeze()
    await factory.ticket(requester=insider)
    await factory.ticket(requester=outsider)
    clock.advance(minutes=1)
    await run_jobs()
    assert [m["to"] for m in outbox.delivered if m["subject"] == "First impressions"] == [
        insider.email
    ]
