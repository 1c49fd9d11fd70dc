"""Scheduled rounds: NPS and custom surveys sent on a cron schedule to a sample of customers."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from croniter import croniter

from helpline import db, jobs
from helpline.runtime import Helpline
from helpline_surveys import config, custom, sending
from helpline_surveys.config import SurveySettings
from helpline_surveys.tables import SurveysSent

log = logging.getLogger("helpline.surveys")
ROUND_JOB = "surveys.round"


def round_key(kind: str) -> str:
    return f"surveys:round:{kind}"


def next_run(schedule: str, after: datetime) -> datetime:
    return croniter(schedule, after.astimezone(UTC)).get_next(datetime).astimezone(UTC)


async def schedule(helpline: Helpline, settings: SurveySettings | None = None) -> None:
    """Queue the next round of NPS and of each scheduled custom survey (or drop it)."""
    settings = settings or await config.current(helpline)
    now = helpline.now()
    if settings.nps_enabled and croniter.is_valid(settings.nps_schedule):
        await jobs.enqueue(
            helpline,
            ROUND_JOB,
            {"kind": "nps"},
            run_at=next_run(settings.nps_schedule, now),
            key=round_key("nps"),
        )
    else:
        await jobs.cancel(helpline, round_key("nps"))
    for survey in await custom.all_surveys():
        wanted = survey["active"] and survey["trigger"] == "schedule"
        if wanted and croniter.is_valid(survey["schedule"]):
            await jobs.enqueue(
                helpline,
                ROUND_JOB,
                {"kind": survey["slug"]},
                run_at=next_run(survey["schedule"], now),
                key=round_key(survey["slug"]),
            )
        else:
            await jobs.cancel(helpline, round_key(survey["slug"]))


async def sample(
    helpline: Helpline, kind: str, size: int, cooldown_days: int, audience: tuple[str, str]
) -> list[int]:
    """Random active customers in the audience not surveyed with `kind` in the cooldown."""
    since = helpline.now() - timedelta(days=cooldown_days)
    where = ["r.staff = {}", "u.active = {}"]
    args: list[Any] = [False, True]
    kind_of_audience, value = audience
    if kind_of_audience == "organization":
        where.append("u.organization IN (SELECT o.id FROM organization o WHERE lower(o.name) = {})")
        args.append(value.strip().lower())
    elif kind_of_audience == "tag":
        where.append(
            "u.id IN (SELECT t.requester FROM ticket t JOIN ticket_tag tt ON tt.ticket = t.id "
            "WHERE tt.tag = {})"
        )
        args.append(value.strip().lower())
    sql = (
        "SELECT u.id FROM users u JOIN role r ON r.id = u.role WHERE "
        + " AND ".join(where)
        + " AND NOT EXISTS (SELECT 1 FROM surveys_sent s WHERE s.customer = u.id AND s.kind = {} "
        "AND s.created_at > {}) ORDER BY random() LIMIT {}"
    )
    rows = await db.fetch(helpline.engine, sql, *args, kind, since, size)
    return [r["id"] for r in rows]


async def run_round(helpline: Helpline, kind: str, round_start: datetime) -> int:
    """Send one round of `kind` (nps or a custom slug) now; returns how many were sent."""
    settings = await config.current(helpline)
    label = round_start.astimezone(UTC).isoformat(timespec="minutes")
    title, audience = "", ("all", "")
    if kind == "nps":
        if not settings.nps_enabled:
            return 0
    else:
        survey = await custom.by_slug(kind)
        if survey is None or not survey["active"] or survey["trigger"] != "schedule":
            return 0
        title, audience = survey["name"], (survey["audience"], survey["audience_value"])
    chosen = await sample(
        helpline, kind, settings.nps_sample_size, settings.nps_cooldown_days, audience
    )
    count = 0
    for customer_id in chosen:
        # One survey per customer per round, even if this round's job runs twice.
        exists = await SurveysSent.count().where(
            (SurveysSent.kind == kind)
            & (SurveysSent.customer == customer_id)
            & (SurveysSent.round == label)
        )
        if not exists:
            await sending.create_and_deliver(
                helpline, settings, kind, customer_id, round=label, title=title
            )
            count += 1
    log.info("sent %s round %s to %s customers", kind, label, count)
    return count


async def on_round(helpline: Helpline, payload: dict[str, Any]) -> None:
    kind = payload.get("kind", "")
    await run_round(helpline, kind, helpline.now())
    await schedule(helpline)
