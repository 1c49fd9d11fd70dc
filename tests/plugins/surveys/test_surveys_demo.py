"""`helpline demo` leaves survey results to look at: CSAT on solved tickets and an NPS round."""

from __future__ import annotations

import re
from datetime import date

from helpline import db
from helpline.cli.demo import generate
from helpline_reports.metrics import Filters, run_report
from helpline_surveys import demo

EVER = Filters(start=date(2000, 1, 1), end=date(2100, 1, 1))


async def _count(helpline, sql: str) -> int:
    return int(await db.fetchval(helpline.engine, sql))


async def test_a_demo_desk_shows_csat_and_nps_on_the_results_page(helpline, manager, signin):
    await generate(helpline, 80, seed=4)

    page = await (await signin(manager)).get("/p/surveys/?from=2000-01-01&to=2100-01-01")

    assert page.status_code == 200
    csat = re.search(
        r'id="csat">([\d.]+)%</strong><span class="small">(\d+) good of (\d+)', page.text
    )
    assert csat, "the CSAT figure is a percentage, not n/a"
    good, answered = int(csat.group(2)), int(csat.group(3))
    assert 0 < good < answered, "mostly good ratings, and some bad ones"
    assert re.search(r'id="nps">-?\d', page.text), "the NPS round has answers"
    assert "No comments in this period." not in page.text


async def test_demo_answers_show_in_the_csat_and_nps_reports(helpline, manager):
    await generate(helpline, 80, seed=4)

    csat = await run_report(helpline, manager, "csat", EVER)
    nps = await run_report(helpline, manager, "nps", EVER)

    assert csat.rows and sum(row[2] for row in csat.rows) > 0, "answers per agent"
    assert nps.rows and nps.totals["answers"] > 0


async def test_only_solved_demo_tickets_get_csat_surveys(helpline):
    await generate(helpline, 80, seed=6)

    unsolved = await _count(
        helpline,
        "SELECT count(*) FROM surveys_sent s JOIN ticket t ON t.id = s.ticket "
        "WHERE t.solved_at IS NULL",
    )
    assert unsolved == 0
    assert await _count(helpline, "SELECT count(*) FROM surveys_sent WHERE kind = 'csat'") > 0


async def test_a_second_demo_run_adds_csat_for_its_own_tickets_and_no_second_nps_round(helpline):
    first = await generate(helpline, 40, seed=1)
    sent = await _count(helpline, "SELECT count(*) FROM surveys_sent WHERE kind = 'csat'")
    nps = await _count(helpline, "SELECT count(*) FROM surveys_sent WHERE kind = 'nps'")

    await demo.load(helpline, 1, first["first_number"], first["last_number"])  # the same range
    assert await _count(helpline, "SELECT count(*) FROM surveys_sent WHERE kind = 'csat'") == sent

    await generate(helpline, 40, seed=2)
    assert await _count(helpline, "SELECT count(*) FROM surveys_sent WHERE kind = 'csat'") > sent
    assert await _count(helpline, "SELECT count(*) FROM surveys_sent WHERE kind = 'nps'") == nps
    twice = await _count(
        helpline,
        "SELECT count(*) FROM (SELECT ticket FROM surveys_sent WHERE kind = 'csat' "
        "GROUP BY ticket HAVING count(*) > 1) AS d",
    )
    assert twice == 0


async def test_the_same_seed_gives_the_same_answers(helpline):
    stats = await generate(helpline, 60, seed=9)
    before = await db.fetch(
        helpline.engine, "SELECT ticket, score, comment FROM surveys_answer ORDER BY ticket"
    )
    await db.fetch(helpline.engine, "DELETE FROM surveys_sent WHERE kind = 'csat'")

    await demo.add_csat(helpline, 9, stats["first_number"], stats["last_number"])

    after = await db.fetch(
        helpline.engine,
        "SELECT ticket, score, comment FROM surveys_answer WHERE kind = 'csat' ORDER BY ticket",
    )
    assert [dict(r) for r in after] == [dict(r) for r in before if r["ticket"] is not None]
