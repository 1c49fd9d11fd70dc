"""CSAT and NPS in the reports (the `report_metrics` hook): hand-built surveys, numbers worked
out in the comments."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from helpline.errors import Forbidden
from helpline_reports.metrics import Filters, run_report
from helpline_surveys import answers, config, sending

MON, TUE = date(2025, 3, 3), date(2025, 3, 4)
RANGE = Filters(start=MON, end=TUE)  # the previous period: Sat 1 - Sun 2 March


@pytest.fixture
def helpline_settings_overrides():
    # Only the two plugins at work here: others are being changed in parallel.
    return {
        "plugins": ["surveys", "reports"],
        "plugin": {"surveys": {"csat_scale": "five"}},
        "base_url": "http://helpdesk.test",
    }


def at(day: int, hour: int) -> datetime:
    return datetime(2025, 3, day, hour, tzinfo=UTC)


class Desk:
    def __init__(self, helpline, factory, clock, outbox):
        self.helpline, self.factory, self.clock, self.outbox = helpline, factory, clock, outbox

    async def survey(self, kind, customer, sent_at, ticket=None):
        self.clock.freeze(sent_at)
        settings = await config.current(self.helpline)
        return await sending.create_and_deliver(
            self.helpline, settings, kind, customer.id, ticket=ticket
        )

    async def answer(self, sent, answered_at, score):
        self.clock.freeze(answered_at)
        await answers.record(self.helpline, sent["id"], score=score)

    async def csat(
        self, agent, team, sent_at, answered_at=None, score=None, channel="email", tags=()
    ):
        customer = await self.factory.user("customer")
        ticket = await self.factory.ticket(
            requester=customer, assignee=agent.id, team=team, channel=channel, tags=list(tags)
        )
        sent = await self.survey("csat", customer, sent_at, ticket)
        if answered_at:
            await self.answer(sent, answered_at, score)
        return sent


@pytest.fixture
async def desk(helpline, factory, clock, outbox):
    """Ann (team Alpha, email tickets) and Bob (team Beta, chat tickets).

    Ann: three surveys sent Mon 10:00 — rated 5 on Mon, rated 1 on Tue, never answered — and
    one on Mon that no channel took (failed: not sent). Bob: two sent Tue, rated 4 and 5 on Tue.
    Tags: Ann's first (rated 5) "billing"; Bob's first (rated 4) "billing" and "vip".
    Before the range: one of Ann's sent and rated 5 on Sun 2 March.
    """
    d = Desk(helpline, factory, clock, outbox)
    d.alpha, d.beta = await factory.team("Alpha"), await factory.team("Beta")
    d.ann = await factory.user("agent", name="Ann", teams=[d.alpha])
    d.bob = await factory.user("agent", name="Bob", teams=[d.beta])
    await d.csat(d.ann, d.alpha, at(3, 10), at(3, 11), 5, tags=["billing"])
    await d.csat(d.ann, d.alpha, at(3, 10), at(4, 9), 1)
    await d.csat(d.ann, d.alpha, at(3, 10))
    outbox.refuse = True
    await d.csat(d.ann, d.alpha, at(3, 10))
    outbox.refuse = False
    await d.csat(d.bob, d.beta, at(4, 8), at(4, 12), 4, channel="chat", tags=["billing", "vip"])
    await d.csat(d.bob, d.beta, at(4, 8), at(4, 13), 5, channel="chat")
    await d.csat(d.ann, d.alpha, at(2, 10), at(2, 11), 5)
    return d


async def test_csat_per_agent_counts_sent_answered_satisfied_and_percentages(desk, manager):
    report = await run_report(desk.helpline, manager, "csat", RANGE)
    assert report.label == "Customer satisfaction (CSAT)"
    assert report.columns == ["agent", "sent", "answered", "response_rate", "satisfied", "csat_pct"]
    # Ann: 3 delivered, 2 rated (5, 1): 66.7 % answered, 1 satisfied, CSAT 50 %.
    # Bob: 2 delivered, rated 4 and 5: 100 % answered, both satisfied, CSAT 100 %.
    assert report.rows == [["Ann", 3, 2, 66.7, 1, 50.0], ["Bob", 2, 2, 100.0, 2, 100.0]]
    # 3 satisfied of 4 ratings; 4 answers to 5 delivered surveys.
    assert report.totals == {
        "answered": 4.0,
        "satisfied": 3.0,
        "sent": 5.0,
        "csat_pct": 75.0,
        "response_rate": 80.0,
    }
    # Sat-Sun: one survey sent and rated 5.
    assert report.previous == {
        "answered": 1.0,
        "satisfied": 1.0,
        "sent": 1.0,
        "csat_pct": 100.0,
        "response_rate": 100.0,
    }


async def test_csat_per_day_dates_answers_by_the_answer_and_sent_by_the_sending(desk, manager):
    by_day = Filters(start=MON, end=TUE, group_by="day")
    report = await run_report(desk.helpline, manager, "csat", by_day)
    # Mon: 3 delivered, one rating (5). Tue: 2 delivered, three ratings (1, 4, 5): 2 of 3
    # satisfied; Monday's surveys answered on Tuesday count on Tuesday (150 %).
    assert report.rows == [
        ["2025-03-03", 3, 1, 33.3, 1, 100.0],
        ["2025-03-04", 2, 3, 150.0, 2, 66.7],
    ]
    assert report.series == {"csat_pct": [(MON, 100.0), (TUE, 66.7)]}


async def test_csat_follows_the_ticket_filters(desk, manager):
    beta = await run_report(
        desk.helpline, manager, "csat", Filters(start=MON, end=TUE, team_id=desk.beta)
    )
    assert [r[0] for r in beta.rows] == ["Bob"]
    assert beta.totals["csat_pct"] == 100.0 and beta.totals["sent"] == 2
    email = Filters(start=MON, end=TUE, channel="email", group_by="team")
    report = await run_report(desk.helpline, manager, "csat", email)
    assert report.rows == [["Alpha", 3, 2, 66.7, 1, 50.0]]
    nobody = Filters(start=MON, end=TUE, assignee_id=manager.id)
    assert (await run_report(desk.helpline, manager, "csat", nobody)).rows == []


async def test_csat_by_tag_counts_a_survey_under_each_tag_and_once_in_the_totals(desk, manager):
    by_tag = Filters(start=MON, end=TUE, group_by="tag")
    report = await run_report(desk.helpline, manager, "csat", by_tag)
    assert report.rows == [["billing", 2, 2, 100.0, 2, 100.0], ["vip", 1, 1, 100.0, 1, 100.0]]
    # The two tagged surveys, once each (untagged tickets have no tag to be grouped by).
    assert report.totals["answered"] == 2.0 and report.totals["sent"] == 2.0


async def test_an_agent_of_one_team_sees_only_that_teams_csat(desk, admin):
    from helpline.defaults.roles import AGENT
    from helpline.services import roles

    await roles.create_role(
        desk.helpline, admin, name="lead", label="Lead", permissions=[*AGENT, "reports.view"]
    )
    lead = await desk.factory.user("lead", teams=[desk.alpha])
    report = await run_report(desk.helpline, lead, "csat", RANGE)
    assert report.rows == [["Ann", 3, 2, 66.7, 1, 50.0]]
    assert report.totals["csat_pct"] == 50.0
    beta = await run_report(
        desk.helpline, lead, "csat", Filters(start=MON, end=TUE, team_id=desk.beta)
    )
    assert beta.rows == [] and "csat_pct" not in beta.totals
    # NPS is about customers, not tickets of a team: a lead sees none of it.
    nps = await run_report(desk.helpline, lead, "nps", RANGE)
    assert nps.rows == [] and nps.totals == {}


async def test_customers_and_agents_without_reports_get_no_survey_reports(desk, customer, agent):
    for viewer in (customer, agent):
        for name in ("csat", "nps"):
            with pytest.raises(Forbidden):
                await run_report(desk.helpline, viewer, name, RANGE)


async def _nps(desk, factory):
    """Mon-Tue: 10 and 3 from Acme's customers, 9 and 8 from two others, one never answered.
    Sun 2 March: a 0."""
    acme = await factory.organization("Acme")
    for day, score, organization in (
        (3, 10, acme),
        (3, 3, acme),
        (4, 9, None),
        (4, 8, None),
        (4, None, None),
        (2, 0, None),
    ):
        customer = await factory.user("customer", organization=organization)
        sent = await desk.survey("nps", customer, at(day, 9))
        if score is not None:
            await desk.answer(sent, at(day, 10), score)


async def test_nps_is_promoters_minus_detractors_over_the_range(desk, factory, manager):
    await _nps(desk, factory)
    report = await run_report(desk.helpline, manager, "nps", RANGE)
    assert report.columns == ["day", "promoters", "passives", "detractors", "answers", "nps"]
    # Mon: 10 and 3 -> (1 - 1) / 2 = 0. Tue: 9 and 8 -> (1 - 0) / 2 = 50.
    assert report.rows == [["2025-03-03", 1, 0, 1, 2, 0.0], ["2025-03-04", 1, 1, 0, 2, 50.0]]
    # 2 promoters, 1 passive, 1 detractor of 4: 50 % - 25 % = 25; 4 answers of 5 sent.
    assert report.totals == {
        "answers": 4.0,
        "promoters": 2.0,
        "passives": 1.0,
        "detractors": 1.0,
        "nps": 25.0,
        "sent": 5.0,
        "response_rate": 80.0,
    }
    assert report.previous["nps"] == -100.0 and report.previous["answers"] == 1.0


async def test_nps_groups_by_the_customers_organization_and_ignores_ticket_filters(
    desk, factory, manager
):
    await _nps(desk, factory)
    by_org = Filters(start=MON, end=TUE, group_by="organization")
    report = await run_report(desk.helpline, manager, "nps", by_org)
    assert report.rows == [["(none)", 1, 1, 0, 2, 50.0], ["Acme", 1, 0, 1, 2, 0.0]]
    # No NPS answer has a ticket: a team filter cannot narrow them; only the dates apply.
    beta = Filters(start=MON, end=TUE, team_id=desk.beta)
    assert (await run_report(desk.helpline, manager, "nps", beta)).totals["nps"] == 25.0


async def test_the_csat_report_page_shows_the_agents_and_downloads_as_csv(desk, manager, signin):
    web = await signin(manager)
    page = await web.get("/p/reports/view/csat?start=2025-03-03&end=2025-03-04")
    assert page.status_code == 200
    assert "Customer satisfaction (CSAT)" in page.text and "Ann" in page.text
    by_day = await web.get("/p/reports/view/csat?start=2025-03-03&end=2025-03-04&group_by=day")
    assert by_day.status_code == 200 and "2025-03-04" in by_day.text
    nps = await web.get("/p/reports/view/nps?start=2025-03-03&end=2025-03-04")
    assert nps.status_code == 200 and "Net Promoter Score (NPS)" in nps.text
    csv = await web.get("/p/reports/download/csat?format=csv&start=2025-03-03&end=2025-03-04")
    assert csv.status_code == 200
    assert "agent,sent,answered,response_rate,satisfied,csat_pct" in csv.text
    assert "Bob,2,2,100" in csv.text
