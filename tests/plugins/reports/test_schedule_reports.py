"""Scheduled reports: defined by managers, sent on time as a signed, expiring CSV link."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from helpline import hookimpl
from helpline.tables import Job

WEDNESDAY = datetime(2025, 1, 8, 9, tzinfo=UTC)
NEXT_MONDAY_7 = datetime(2025, 1, 13, 7, tzinfo=UTC)


class Outbox:
    """Takes every notification instead of a real channel."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    @hookimpl(tryfirst=True)
    def deliver_notification(self, recipient, subject, body):
        self.sent.append((recipient.email, subject, body))
        return True

    def links(self) -> list[str]:
        return [
            re.search(r"https?://\S+(/p/reports/link/\S+)", b).group(1) for _, _, b in self.sent
        ]


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


@pytest.fixture
def helpline_plugins(outbox):
    return [("outbox", outbox)]


def form(manager, **changes):
    return {
        "name": "Weekly volume",
        "report": "volume",
        "filters": "preset=7d",
        "frequency": "weekly",
        "cron": "",
        "recipients": manager.email,
        **changes,
    }


async def _queued_runs() -> list[datetime]:
    rows = await Job.select(Job.run_at).where(
        (Job.kind == "reports.send_schedule") & (Job.status == "queued")
    )
    return [r["run_at"] for r in rows]


async def test_a_manager_schedules_a_report_and_each_recipient_gets_a_working_link(
    signin, factory, clock, manager, outbox, run_jobs, browser_client
):
    clock.freeze(WEDNESDAY)
    await factory.ticket()
    web = await signin(manager)
    created = await web.post("/p/reports/schedules", data=form(manager))
    assert created.status_code == 303
    assert "Weekly volume" in (await web.get("/p/reports/schedules")).text
    assert await _queued_runs() == [NEXT_MONDAY_7]

    clock.freeze(NEXT_MONDAY_7)
    await run_jobs()
    assert [(to, subject) for to, subject, _ in outbox.sent] == [
        (manager.email, "Report: Weekly volume")
    ]
    assert await _queued_runs() == [datetime(2025, 1, 20, 7, tzinfo=UTC)]

    stranger = await browser_client()  # the link needs no sign-in
    download = await stranger.get(outbox.links()[0])
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    lines = download.text.strip().splitlines()
    assert lines[0].lstrip("\ufeff") == "day,created,solved,reopened"
    assert "2025-01-08,1,0,0" in download.text  # the 7 days before the send date


async def test_a_monthly_or_cron_schedule_runs_when_it_says(signin, clock, manager):
    clock.freeze(WEDNESDAY)
    web = await signin(manager)
    await web.post("/p/reports/schedules", data=form(manager, frequency="monthly"))
    await web.post("/p/reports/schedules", data=form(manager, frequency="cron", cron="30 18 * * *"))
    assert sorted(await _queued_runs()) == [
        datetime(2025, 1, 8, 18, 30, tzinfo=UTC),
        datetime(2025, 2, 1, 7, tzinfo=UTC),
    ]


async def test_a_bad_cron_or_recipient_is_shown_next_to_its_field_with_the_input_kept(
    signin, manager, customer
):
    web = await signin(manager)
    bad_cron = await web.post(
        "/p/reports/schedules", data=form(manager, frequency="cron", cron="every tuesday")
    )
    assert bad_cron.status_code == 400
    assert 'id="err-cron"' in bad_cron.text and 'value="every tuesday"' in bad_cron.text
    bad_recipient = await web.post(
        "/p/reports/schedules", data=form(manager, recipients=customer.email)
    )
    assert bad_recipient.status_code == 400
    assert 'id="err-recipients"' in bad_recipient.text and customer.email in bad_recipient.text
    assert await _queued_runs() == []


async def test_removing_a_schedule_cancels_its_next_run(signin, clock, manager):
    clock.freeze(WEDNESDAY)
    web = await signin(manager)
    await web.post("/p/reports/schedules", data=form(manager))
    page = await web.get("/p/reports/schedules")
    schedule_id = re.search(r"/p/reports/schedules/(\d+)/delete", page.text).group(1)
    removed = await web.post(f"/p/reports/schedules/{schedule_id}/delete")
    assert removed.status_code == 303
    assert await _queued_runs() == []
    assert "No scheduled reports yet" in (await web.get("/p/reports/schedules")).text


async def test_links_expire_refuse_forgery_and_stop_when_the_recipient_loses_access(
    signin, helpline, factory, clock, manager, outbox, run_jobs, browser_client
):
    from helpline.tables import User

    clock.freeze(WEDNESDAY)
    other = await factory.user("manager")
    web = await signin(manager)
    await web.post(
        "/p/reports/schedules", data=form(manager, recipients=f"{manager.email}, {other.email}")
    )
    clock.freeze(NEXT_MONDAY_7)
    await run_jobs()
    mine, theirs = outbox.links()
    stranger = await browser_client()
    forged = mine[:-3] + ("aaa" if not mine.endswith("aaa") else "bbb")
    assert (await stranger.get(forged)).status_code in (400, 422)
    await User.update({User.active: False}).where(User.id == other.id)
    assert (await stranger.get(theirs)).status_code == 403
    clock.advance(days=15)
    assert (await stranger.get(mine)).status_code in (400, 422)


async def test_only_managers_and_admins_may_schedule_reports(
    signin, manager, admin, agent, customer
):
    for actor in (agent, customer):
        web = await signin(actor)
        assert (await web.get("/p/reports/schedules")).status_code == 403
        posted = await web.post("/p/reports/schedules", data=form(manager))
        assert posted.status_code == 403
    assert await _queued_runs() == []
    assert (await (await signin(admin)).get("/p/reports/schedules")).status_code == 200
    admin_area = await (await signin(admin)).get("/admin")
    assert "/p/reports/schedules" in admin_area.text
