"""Answer links: one click, no login, no double counting, no forgery, no reuse, no leaks."""

from __future__ import annotations

from datetime import timedelta

from survey_helpers import link_for, links_in, solved_and_surveyed

from helpline import signing
from helpline.services import history
from helpline_surveys import links
from helpline_surveys.tables import SurveysAnswer, SurveysSent


async def test_one_click_in_the_message_records_the_rating_without_a_login(
    helpline, factory, agent, customer, clock, run_jobs, outbox, client
):
    ticket, message = await solved_and_surveyed(
        helpline, factory, agent, customer, clock, run_jobs, outbox
    )
    page = await client.get(link_for(message["body"], 5))
    assert page.status_code == 200
    assert "Thank you" in page.text
    answer = await SurveysAnswer.select().first()
    assert (answer["score"], answer["ticket"], answer["agent_id"]) == (5, ticket.id, agent.id)
    assert outbox.answered == [
        (ticket.number, customer.email, "csat", 5, "", {"rating": 5, "reasons": [], "comment": ""})
    ]


async def test_clicking_the_same_rating_twice_counts_once(
    helpline, factory, agent, customer, clock, run_jobs, outbox, client
):
    _, message = await solved_and_surveyed(
        helpline, factory, agent, customer, clock, run_jobs, outbox
    )
    link = link_for(message["body"], 1)
    assert (await client.get(link)).status_code == 200
    assert (await client.get(link)).status_code == 200
    assert await SurveysAnswer.count() == 1
    assert len(outbox.answered) == 1


async def test_a_rating_can_be_changed_until_the_survey_closes(
    helpline, factory, agent, customer, clock, run_jobs, outbox, client
):
    ticket, message = await solved_and_surveyed(
        helpline, factory, agent, customer, clock, run_jobs, outbox
    )
    await client.get(link_for(message["body"], 1))
    clock.advance(days=3)
    await client.get(link_for(message["body"], 5))
    answer = await SurveysAnswer.select().first()
    assert (answer["score"], answer["changes"]) == (5, 1)
    assert [event[3] for event in outbox.answered] == [1, 5]
    texts = [(e.field, e.old, e.new) for e in await history.events(ticket.id) if e.kind == "survey"]
    assert texts == [("satisfaction rating", None, "bad"), ("satisfaction rating", "bad", "good")]
    clock.advance(days=12)  # 15 days after sending: the survey closed after 14
    page = await client.get(link_for(message["body"], 1))
    assert page.status_code == 410 and "expired" in page.text
    assert (await SurveysAnswer.select().first())["score"] == 5


async def test_a_comment_and_reasons_are_added_to_the_rating(
    helpline, factory, agent, customer, clock, run_jobs, outbox, browser_client
):
    _, message = await solved_and_surveyed(
        helpline, factory, agent, customer, clock, run_jobs, outbox
    )
    web = await browser_client()
    link = link_for(message["body"], 1)
    page = await web.get(link)
    assert "Slow answer" in page.text
    response = await web.post(
        link.split("?")[0],
        data={"score": "1", "comment": "Took a week", "reasons": ["Slow answer", "Made up"]},
    )
    assert response.status_code == 200, response.text
    answer = await SurveysAnswer.select().first()
    assert answer["comment"] == "Took a week"
    assert answer["reasons"] == '["Slow answer"]'  # only the configured reasons are kept
    assert outbox.answered[-1][4] == "Took a week"


async def test_the_answer_page_shows_nothing_of_the_ticket_but_its_subject(
    helpline, factory, agent, customer, clock, run_jobs, outbox, client
):
    _, message = await solved_and_surveyed(
        helpline,
        factory,
        agent,
        customer,
        clock,
        run_jobs,
        outbox,
        subject="Invoice 42 is wrong",
        body="My card number is 4111 and my address is Elm Street",
    )
    page = await client.get(links_in(message["body"])[0].split("?")[0])
    assert page.status_code == 200
    assert "Invoice 42 is wrong" in page.text
    assert "4111" not in page.text and "Elm Street" not in page.text
    assert agent.name not in page.text


async def test_a_forged_link_is_refused_with_a_clear_page(
    helpline, factory, agent, customer, clock, run_jobs, outbox, client
):
    _, message = await solved_and_surveyed(
        helpline, factory, agent, customer, clock, run_jobs, outbox
    )
    path = links_in(message["body"])[0].split("?")[0]
    body, _, mac = path.rsplit("/", 1)[1].partition(".")
    tampered = f"/p/surveys/a/{body}.{mac[:-2]}xx?r=5"
    page = await client.get(tampered)
    assert page.status_code == 400 and "does not work" in page.text
    guessed = await client.get("/p/surveys/a/1?r=5")
    assert guessed.status_code == 400
    assert await SurveysAnswer.count() == 0


async def test_a_link_cannot_be_used_for_another_ticket(
    helpline, factory, agent, customer, clock, run_jobs, outbox, client
):
    first, _ = await solved_and_surveyed(
        helpline, factory, agent, customer, clock, run_jobs, outbox
    )
    other_customer = await factory.user("customer")
    second, _ = await solved_and_surveyed(
        helpline, factory, agent, other_customer, clock, run_jobs, outbox
    )
    mine = await SurveysSent.select().where(SurveysSent.ticket == first.id).first()
    theirs = await SurveysSent.select().where(SurveysSent.ticket == second.id).first()
    # Correctly signed, but naming the other survey with this ticket and customer.
    crossed = signing.sign(
        helpline.settings.secret_key,
        links.PURPOSE,
        {"s": theirs["id"], "t": first.id, "c": customer.id},
        helpline.now(),
        timedelta(days=1),
    )
    page = await client.get(f"/p/surveys/a/{crossed}?r=1")
    assert page.status_code == 400
    # A token signed for another purpose (a password reset, say) opens nothing either.
    other_purpose = signing.sign(
        helpline.settings.secret_key,
        "password-reset",
        {"s": mine["id"], "t": first.id, "c": customer.id},
        helpline.now(),
        timedelta(days=1),
    )
    assert (await client.get(f"/p/surveys/a/{other_purpose}?r=1")).status_code == 400
    assert await SurveysAnswer.count() == 0


async def test_an_expired_link_says_so(
    helpline, factory, agent, customer, clock, run_jobs, outbox, client
):
    _, message = await solved_and_surveyed(
        helpline, factory, agent, customer, clock, run_jobs, outbox
    )
    clock.advance(days=15)
    page = await client.get(link_for(message["body"], 5))
    assert page.status_code == 410
    assert "expired" in page.text
    assert await SurveysAnswer.count() == 0


async def test_a_rating_outside_the_scale_is_refused(
    helpline, factory, agent, customer, clock, run_jobs, outbox, client
):
    _, message = await solved_and_surveyed(
        helpline, factory, agent, customer, clock, run_jobs, outbox
    )
    path = links_in(message["body"])[0].split("?")[0]
    page = await client.get(f"{path}?r=3")  # good/bad scale: 5 or 1 only
    assert page.status_code == 400 and "good or bad" in page.text
    assert await SurveysAnswer.count() == 0
