"""`helpline demo` data: CSAT answers on a sample of the solved demo tickets and one past NPS round.

Written in bulk into the plugin's own tables (no mail goes out, no history, no `survey_answered`
hook: nobody should be notified about invented answers), with what the live path would have
stored, so the results page and the reports' CSAT and NPS show realistic figures. The cost is
bounded whatever the number of demo tickets: at most `CSAT_SAMPLE` solved tickets are asked and
`NPS_SAMPLE` customers polled. The settings are left alone: CSAT and NPS stay switched off until
an admin turns them on.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from helpline import db
from helpline.runtime import Helpline
from helpline.tables import Ticket
from helpline_surveys import config, scores
from helpline_surveys.tables import SurveysAnswer, SurveysSent

#: Solved tickets asked for CSAT at most per demo run, and customers in the NPS round.
CSAT_SAMPLE = 2000
NPS_SAMPLE = 150
#: Share of delivered surveys that get an answer.
CSAT_RESPONSE, NPS_RESPONSE = 0.45, 0.6
CHUNK = 400

GOOD_COMMENTS = (
    "Quick and friendly, thank you!",
    "Solved in one reply. Great service.",
    "Alex explained everything clearly.",
    "Thanks for sorting this out so fast.",
    "Very patient with my questions.",
    "Helpful, and the article you linked was spot on.",
)
BAD_COMMENTS = (
    "It took three days to get a first answer.",
    "I had to explain the problem twice.",
    "The fix did not work, I had to reopen the ticket.",
    "Closed before the issue was actually resolved.",
)
NPS_COMMENTS = {
    "promoter": ("Support is excellent.", "The product just works.", "Great value for money."),
    "passive": ("Good, but the reporting is limited.", "Fine overall, a bit pricey."),
    "detractor": ("Too many outages lately.", "Support is slow to answer.", "Missing features."),
}


def _at_most_now(value: datetime, now: datetime) -> datetime:
    return min(value, now)


async def _solved_sample(
    helpline: Helpline, rng: random.Random, first: int, last: int
) -> list[dict[str, Any]]:
    """Up to CSAT_SAMPLE solved, unmerged demo tickets, picked at random by number."""
    numbers = range(first, last + 1)
    picked = sorted(rng.sample(numbers, min(len(numbers), CSAT_SAMPLE * 2)))
    found: list[dict[str, Any]] = []
    for start in range(0, len(picked), CHUNK):
        rows = await Ticket.select(
            Ticket.id, Ticket.requester, Ticket.assignee, Ticket.team, Ticket.solved_at
        ).where(
            Ticket.number.is_in(picked[start : start + CHUNK])
            & Ticket.solved_at.is_not_null()
            & Ticket.merged_into.is_null()
        )
        found += rows
    found.sort(key=lambda r: r["id"])
    found = found[:CSAT_SAMPLE]
    asked: set[int] = set()
    for start in range(0, len(found), CHUNK):
        ids = [r["id"] for r in found[start : start + CHUNK]]
        rows = await SurveysSent.select(SurveysSent.ticket).where(
            (SurveysSent.kind == "csat") & SurveysSent.ticket.is_in(ids)
        )
        asked |= {r["ticket"] for r in rows}
    return [r for r in found if r["id"] not in asked]


def _csat_score(rng: random.Random, scale: str) -> int:
    if scale == "good_bad":
        return scores.GOOD if rng.random() < 0.8 else scores.BAD
    return rng.choices((5, 4, 3, 2, 1), weights=(52, 28, 10, 5, 5))[0]


async def _insert(rows: list[Any], table: Any) -> None:
    for start in range(0, len(rows), CHUNK):
        await table.insert(*rows[start : start + CHUNK])


async def _sent_ids(kind: str, column: Any, keys: list[int], round: str = "") -> dict[int, int]:
    """Key (ticket or customer) → id of the `kind` survey just written for it."""
    found: dict[int, int] = {}
    for start in range(0, len(keys), CHUNK):
        rows = await SurveysSent.select(SurveysSent.id, column).where(
            (SurveysSent.kind == kind)
            & (SurveysSent.round == round)
            & column.is_in(keys[start : start + CHUNK])
        )
        found |= {r[column._meta.name]: r["id"] for r in rows}
    return found


async def add_csat(helpline: Helpline, seed: int, first: int, last: int) -> int:
    """CSAT surveys (and about 45% answers) on sampled solved tickets; returns answers added."""
    rng = random.Random(f"surveys-csat-{seed}-{first}")
    settings = await config.current(helpline)
    now = helpline.now()
    tickets = await _solved_sample(helpline, rng, first, last)
    delay = timedelta(minutes=min(settings.csat_delay_minutes, 1440))
    sent_rows, planned = [], {}
    for t in tickets:
        sent_at = _at_most_now(t["solved_at"] + delay, now)
        sent_rows.append(
            SurveysSent(
                kind="csat",
                ticket=t["id"],
                customer=t["requester"],
                agent_id=t["assignee"],
                team_id=t["team"],
                status="sent",
                created_at=sent_at,
                sent_at=sent_at,
                closes_at=sent_at + timedelta(days=settings.close_after_days),
            )
        )
        if rng.random() < CSAT_RESPONSE:
            answered = _at_most_now(sent_at + timedelta(hours=rng.expovariate(1 / 6)), now)
            planned[t["id"]] = (t, answered, _csat_score(rng, settings.csat_scale))
    async with helpline.transaction():
        await _insert(sent_rows, SurveysSent)
        sent = await _sent_ids("csat", SurveysSent.ticket, sorted(planned))
        answers = []
        for ticket_id, (t, answered, score) in sorted(planned.items()):
            good = scores.is_good(score)
            comment = ""
            if rng.random() < (0.3 if good else 0.6):
                comment = rng.choice(GOOD_COMMENTS if good else BAD_COMMENTS)
            reasons = (
                [] if good or not settings.csat_reasons else [rng.choice(settings.csat_reasons)]
            )
            summary = {"rating": score, "reasons": reasons, "comment": comment}
            answers.append(
                SurveysAnswer(
                    sent=sent[ticket_id],
                    kind="csat",
                    ticket=ticket_id,
                    customer=t["requester"],
                    agent_id=t["assignee"],
                    team_id=t["team"],
                    score=score,
                    comment=comment,
                    reasons=json.dumps(reasons),
                    answers=json.dumps(summary),
                    created_at=answered,
                    changed_at=answered,
                )
            )
        await _insert(answers, SurveysAnswer)
    return len(answers)


def _nps_score(rng: random.Random) -> int:
    return rng.choices(range(11), weights=(2, 1, 1, 2, 2, 3, 5, 12, 18, 26, 28))[0]


async def add_nps_round(helpline: Helpline, seed: int) -> int:
    """One NPS round three weeks ago, unless the desk has NPS surveys; returns answers added."""
    if await SurveysSent.exists().where(SurveysSent.kind == "nps"):
        return 0  # an earlier demo run, or real rounds: leave them alone
    rng = random.Random(f"surveys-nps-{seed}")
    settings = await config.current(helpline)
    now = helpline.now()
    start = (now - timedelta(days=21)).astimezone(UTC).replace(hour=10, minute=0, second=0)
    start = start.replace(microsecond=0)
    label = start.isoformat(timespec="minutes")
    rows = await db.fetch(
        helpline.engine,
        "SELECT u.id FROM users u JOIN role r ON r.id = u.role "
        "WHERE r.staff = {} AND u.active = {} ORDER BY u.id LIMIT 5000",
        False,
        True,
    )
    pool = [r["id"] for r in rows]
    customers = sorted(rng.sample(pool, min(len(pool), NPS_SAMPLE)))
    if not customers:
        return 0
    closes = start + timedelta(days=settings.close_after_days)
    planned: dict[int, tuple[datetime, int]] = {}
    for customer in customers:
        if rng.random() < NPS_RESPONSE:
            answered = min(start + timedelta(hours=rng.expovariate(1 / 30)), closes, now)
            planned[customer] = (answered, _nps_score(rng))
    async with helpline.transaction():
        await _insert(
            [
                SurveysSent(
                    kind="nps",
                    customer=c,
                    round=label,
                    status="sent",
                    created_at=start,
                    sent_at=start,
                    closes_at=closes,
                )
                for c in customers
            ],
            SurveysSent,
        )
        sent = await _sent_ids("nps", SurveysSent.customer, sorted(planned), label)
        answers = []
        for customer, (answered, score) in sorted(planned.items()):
            group = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
            comment = rng.choice(NPS_COMMENTS[group]) if rng.random() < 0.5 else ""
            answers.append(
                SurveysAnswer(
                    sent=sent[customer],
                    kind="nps",
                    customer=customer,
                    score=score,
                    comment=comment,
                    answers=json.dumps({"score": score, "reason": comment}),
                    created_at=answered,
                    changed_at=answered,
                )
            )
        await _insert(answers, SurveysAnswer)
    return len(answers)


async def load(helpline: Helpline, seed: int, first_number: int, last_number: int) -> None:
    await add_csat(helpline, seed, first_number, last_number)
    await add_nps_round(helpline, seed)
