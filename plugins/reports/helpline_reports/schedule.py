"""Scheduled reports: a report with saved filters, sent weekly, monthly or on a cron timetable.

Each schedule has one keyed job (`reports.schedule:<id>`) queued for its next run. The job sends
every recipient, through the core `deliver_notification` hook, the report run as that recipient
(with what they may see) attached as CSV and/or XLSX (`helpline_reports.schedule_mail`), plus a
link to the live page and a signed link that expires after LINK_LIFETIME to download the CSV
without signing in (`helpline_reports.schedule_pages.signed_download`), for channels that carry
no files.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

from croniter import croniter

from helpline import jobs, signing
from helpline.errors import Forbidden, Invalid, NotFound
from helpline.model import Actor
from helpline.runtime import Helpline
from helpline.services import users
from helpline.tables import User
from helpline_reports import schedule_mail
from helpline_reports.dimensions import expressions
from helpline_reports.downloads import TICKETS
from helpline_reports.form import preset_range, read
from helpline_reports.metrics import Filters
from helpline_reports.runner import available
from helpline_reports.tables_schedule import ReportSchedule

SEND = "reports.send_schedule"
MANAGE = "reports.view"
PURPOSE = "reports-download"
LINK_LIFETIME = timedelta(days=14)
FREQUENCIES = {
    "weekly": "Weekly, Mondays at 07:00 UTC",
    "monthly": "Monthly, on the 1st at 07:00 UTC",
    "cron": "Cron expression (UTC)",
}
CRONS = {"weekly": "0 7 * * 1", "monthly": "0 7 1 * *"}
log = logging.getLogger("helpline.reports")


def key(schedule_id: int) -> str:
    return f"reports.schedule:{schedule_id}"


def next_run(frequency: str, cron: str, after: datetime) -> datetime:
    """The first run strictly after `after` (UTC)."""
    expression = CRONS.get(frequency) or cron
    found = croniter(expression, after.astimezone(UTC)).get_next(datetime)
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def may_schedule(actor: Actor) -> bool:
    """Managers (who see every ticket) and admins define schedules; they need the reports too."""
    return actor.staff and actor.can(MANAGE) and actor.can("tickets.view_all")


async def _recipient_ids(helpline: Helpline, text: str) -> list[int]:
    emails = [e.strip().lower() for e in text.replace(";", ",").replace("\n", ",").split(",")]
    emails = [e for e in emails if e]
    if not emails:
        raise Invalid("recipients", "name at least one recipient")
    ids = []
    for email in dict.fromkeys(emails):
        row = await User.select(User.id).where(User.email == email).first()
        person = await users.load_actor(helpline, row["id"]) if row else None
        if person is None or not person.staff or not person.can(MANAGE):
            raise Invalid("recipients", f"{email} is not a staff member who may see reports")
        ids.append(row["id"])
    return ids


async def validate(helpline: Helpline, data: dict[str, str], reports: dict[str, Any]) -> dict:
    """The row to store, from the form; Invalid names the first bad field."""
    name = (data.get("name") or "").strip()
    if not name or len(name) > 200:
        raise Invalid("name", "give the schedule a name (up to 200 characters)")
    if data.get("report") not in reports and data.get("report") != TICKETS:
        raise Invalid("report", "choose a report")
    formats = data.get("formats") or "both"
    if formats not in schedule_mail.FORMATS:
        raise Invalid("formats", "attach CSV, XLSX or both")
    frequency = data.get("frequency") or ""
    if frequency not in FREQUENCIES:
        raise Invalid("frequency", "choose weekly, monthly or cron")
    cron = (data.get("cron") or "").strip()
    if frequency == "cron" and (not cron or len(cron) > 100 or not croniter.is_valid(cron)):
        raise Invalid("cron", "write five fields, e.g. 0 7 * * 1 (Mondays at 07:00)")
    if frequency != "cron":
        cron = ""
    return {
        "name": name,
        "report": data["report"],
        "filters": (data.get("filters") or "").strip()[:1000],
        "frequency": frequency,
        "cron": cron,
        "formats": formats,
        "recipients": ",".join(
            map(str, await _recipient_ids(helpline, data.get("recipients", "")))
        ),
    }


async def create(helpline: Helpline, actor: Actor, values: dict[str, Any]) -> int:
    if not may_schedule(actor):
        raise Forbidden("you may not schedule reports")
    now = helpline.now()
    run_at = next_run(values["frequency"], values["cron"], now)
    async with helpline.transaction():
        rows = await ReportSchedule.insert(
            ReportSchedule(**values, created_by=actor.id, next_run_at=run_at, created_at=now)
        ).returning(ReportSchedule.id)
        schedule_id = rows[0]["id"]
        await jobs.enqueue(helpline, SEND, {"id": schedule_id}, run_at=run_at, key=key(schedule_id))
    return schedule_id


async def delete(helpline: Helpline, actor: Actor, schedule_id: int) -> None:
    if not may_schedule(actor):
        raise Forbidden("you may not change scheduled reports")
    async with helpline.transaction():
        found = (
            await ReportSchedule.delete()
            .where(ReportSchedule.id == schedule_id)
            .returning(ReportSchedule.id)
        )
        if not found:
            raise NotFound(f"no scheduled report {schedule_id}")
        await jobs.cancel(helpline, key(schedule_id))


async def list_schedules() -> list[dict[str, Any]]:
    return await ReportSchedule.select().order_by(ReportSchedule.name)


def link_query(filters: str, today: Any) -> str:
    """The saved filters with a preset turned into the dates it means on the day of sending."""
    values = dict(parse_qsl(filters))
    span = preset_range(values.get("preset", "30d"), today)
    if span:
        values.update(preset="custom", start=span[0].isoformat(), end=span[1].isoformat())
    return urlencode(values)


def link(helpline: Helpline, schedule: dict[str, Any], user_id: int, query: str) -> str:
    token = signing.sign(
        helpline.settings.secret_key,
        PURPOSE,
        {"s": schedule["id"], "u": user_id, "r": schedule["report"], "q": query},
        helpline.now(),
        LINK_LIFETIME,
    )
    return f"{helpline.settings.base_url.rstrip('/')}/p/reports/link/{token}"


def read_link(helpline: Helpline, token: str) -> dict[str, Any]:
    """The payload of a download link; Invalid('token') if forged or expired."""
    return signing.unsign(helpline.settings.secret_key, PURPOSE, token, helpline.now())


async def send(helpline: Helpline, payload: dict[str, Any]) -> None:
    """The job: send each recipient this run's report as files and links, then queue the next."""
    row = await ReportSchedule.select().where(ReportSchedule.id == payload["id"]).first()
    if row is None or not row["active"]:
        return
    now = helpline.now()
    query = link_query(row["filters"], now.date())
    filters = read(
        dict(parse_qsl(query)), now.date(), dimensions=await expressions(helpline)
    ).filters
    spec = (await available(helpline)).get(row["report"])
    label = spec.label if spec else "All tickets" if row["report"] == TICKETS else row["report"]
    for user_id in [int(i) for i in row["recipients"].split(",") if i.strip()]:
        try:
            person = await users.load_actor(helpline, user_id)
        except NotFound:
            continue
        if not (person.active and person.staff and person.can(MANAGE)):
            continue  # lost access to reports: gets nothing
        await _send_to(helpline, row, person, label, filters, query)
    run_at = next_run(row["frequency"], row["cron"], now)
    async with helpline.transaction():
        await ReportSchedule.update(
            {ReportSchedule.last_run_at: now, ReportSchedule.next_run_at: run_at}
        ).where(ReportSchedule.id == row["id"])
        await jobs.enqueue(helpline, SEND, {"id": row["id"]}, run_at=run_at, key=key(row["id"]))


async def _send_to(
    helpline: Helpline,
    row: dict[str, Any],
    person: Actor,
    label: str,
    filters: Filters | None,
    query: str,
) -> None:
    if filters is None:
        files, note = [], "The schedule's filters are not valid any more, so nothing is attached."
    else:
        # Run as the recipient: the files never show more than they may see.
        try:
            files, note = await schedule_mail.report_files(
                helpline, person, row["report"], filters, row["formats"]
            )
        except Exception:  # the others still get theirs, and this one the links
            log.exception("scheduled report %s: the files for %s failed", row["id"], person.email)
            files, note = [], "The files could not be made this time, so nothing is attached."
    url = link(helpline, row, person.id, query)
    body = schedule_mail.message(
        helpline, row, label, filters, files, note, url, query, LINK_LIFETIME.days
    )
    taken = await helpline.hook_first(
        "deliver_notification",
        helpline=helpline,
        recipient=person,
        subject=f"Report: {row['name']}",
        body=body,
        ticket=None,
        attachments=files,
    )
    if not taken:
        log.info("scheduled report %s for %s: no channel took it", row["id"], person.email)
