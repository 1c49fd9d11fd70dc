"""Scheduled reports: defined by managers, sent on time with the report attached as CSV and XLSX
(computed as each recipient) and a signed, expiring CSV link."""

from __future__ import annotations

import csv
import email
import email.policy
import io
import re
import socket
import zipfile
from datetime import UTC, date, datetime

import pytest
from aiosmtpd.controller import Controller

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
    """The schedule form as a manager fills it (no `formats`: the default, both files)."""
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


# -- mailed through the email plugin to a real SMTP server ----------------------------------------


class Mailbox:
    """An aiosmtpd handler keeping each message it receives, parsed."""

    def __init__(self) -> None:
        self.raw: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.raw.append(envelope.original_content)
        return "250 OK"

    def messages(self) -> dict[str, email.message.EmailMessage]:
        """Received mail by recipient address."""
        parsed = [email.message_from_bytes(r, policy=email.policy.default) for r in self.raw]
        return {m["To"].addresses[0].addr_spec: m for m in parsed}


@pytest.fixture
def smtp() -> tuple[Mailbox, int]:
    with socket.socket() as sock:  # aiosmtpd needs an explicit free port
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


def _files(mail) -> dict[str, tuple[str, bytes]]:
    return {
        part.get_filename(): (part.get_content_type(), part.get_payload(decode=True))
        for part in mail.iter_attachments()
    }


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _sheet_rows(data: bytes) -> list[str]:
    """The rows of the first worksheet of an XLSX (a zip of XML parts), as raw XML."""
    assert data[:4] == b"PK\x03\x04", "an XLSX is a zip file"
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert book.testzip() is None
        assert "xl/workbook.xml" in book.namelist()
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = (
            book.read("xl/sharedStrings.xml").decode()
            if "xl/sharedStrings.xml" in book.namelist()
            else ""
        )
    assert "created" in sheet + strings  # the header
    return re.findall(r"<row [^>]*>.*?</row>", sheet)


class TestMailedWithAttachments:
    """No stand-in channel here: the email plugin takes the notifications."""

    @pytest.fixture
    def helpline_plugins(self):
        return []

    @pytest.fixture
    def helpline_settings_overrides(self, smtp):
        return {"smtp_url": f"smtp://127.0.0.1:{smtp[1]}"}

    async def _lead(self, helpline, admin, factory, team):
        """An agent of one team who may see reports (agents may not by default)."""
        from helpline.defaults.roles import AGENT
        from helpline.services import roles

        await roles.create_role(
            helpline, admin, name="lead", label="Lead", permissions=[*AGENT, "reports.view"]
        )
        return await factory.user("lead", teams=[team])

    async def _run(self, run_jobs):
        while await run_jobs():
            pass

    async def test_each_recipient_gets_the_report_attached_as_csv_and_xlsx_as_they_see_it(
        self, helpline, signin, factory, clock, manager, admin, run_jobs, smtp
    ):
        from helpline_reports.metrics import Filters, run_report

        mailbox, _ = smtp
        clock.freeze(WEDNESDAY)
        mine, other = await factory.team("Mine"), await factory.team("Other")
        lead = await self._lead(helpline, admin, factory, mine)
        await factory.ticket(team=mine)
        for _ in range(3):
            await factory.ticket(team=other)
        web = await signin(manager)
        recipients = f"{manager.email}, {lead.email}"
        created = await web.post("/p/reports/schedules", data=form(manager, recipients=recipients))
        assert created.status_code == 303

        clock.freeze(NEXT_MONDAY_7)
        await self._run(run_jobs)
        mails = mailbox.messages()
        assert set(mails) == {manager.email, lead.email}
        week = Filters(start=date(2025, 1, 7), end=date(2025, 1, 13))
        for person, created_on_8th in ((manager, 4), (lead, 1)):
            mail = mails[person.email]
            assert mail["Subject"] == "Report: Weekly volume"
            files = _files(mail)
            assert set(files) == {
                "volume-2025-01-07-2025-01-13.csv",
                "volume-2025-01-07-2025-01-13.xlsx",
            }
            kind, data = files["volume-2025-01-07-2025-01-13.csv"]
            assert kind == "text/csv"
            rows = _csv_rows(data)
            report = await run_report(helpline, person, "volume", week)
            assert rows[0] == list(report.columns) == ["day", "created", "solved", "reopened"]
            assert len(rows) == 1 + 7 == 1 + len(report.rows)
            by_day = {r[0]: r for r in rows[1:]}
            assert float(by_day["2025-01-08"][1]) == created_on_8th, "only what they may see"
            assert sum(float(r[1]) for r in rows[1:]) == created_on_8th
            kind, data = files["volume-2025-01-07-2025-01-13.xlsx"]
            assert kind == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            sheet = _sheet_rows(data)
            assert len(sheet) == 1 + 7
            assert f"<v>{created_on_8th}</v>" in sheet[2], "2025-01-08 is the second day"
            text = mail.get_body(("plain",)).get_content()
            base = helpline.settings.base_url.rstrip("/")
            assert f"{base}/p/reports/view/volume?preset=custom" in text
            link = re.search(r"https?://\S+(/p/reports/link/\S+)", text).group(1)
            download = await web.get(link)
            assert download.status_code == 200

    async def test_a_schedule_may_attach_only_csv_or_only_xlsx(
        self, signin, clock, manager, run_jobs, smtp
    ):
        mailbox, _ = smtp
        clock.freeze(WEDNESDAY)
        web = await signin(manager)
        await web.post("/p/reports/schedules", data=form(manager, formats="xlsx"))
        page = await web.get("/p/reports/schedules")
        assert "Excel (XLSX)" in page.text and 'name="formats"' in page.text
        clock.freeze(NEXT_MONDAY_7)
        await self._run(run_jobs)
        (mail,) = mailbox.messages().values()
        assert list(_files(mail)) == ["volume-2025-01-07-2025-01-13.xlsx"]

    async def test_the_raw_ticket_list_is_attached_unless_it_is_too_large(
        self, helpline, signin, factory, clock, manager, run_jobs, smtp, monkeypatch
    ):
        from helpline_reports import schedule_mail

        mailbox, _ = smtp
        clock.freeze(WEDNESDAY)
        numbers = sorted([(await factory.ticket()).number for _ in range(3)])
        web = await signin(manager)
        await web.post(
            "/p/reports/schedules",
            data=form(manager, report="tickets", formats="csv", filters="preset=30d"),
        )
        clock.freeze(NEXT_MONDAY_7)
        await self._run(run_jobs)
        (mail,) = mailbox.messages().values()
        ((name, (_, data)),) = _files(mail).items()
        assert name == "tickets-2024-12-15-2025-01-13.csv"
        rows = _csv_rows(data)
        assert rows[0][0] == "number" and sorted(int(r[0]) for r in rows[1:]) == numbers

        mailbox.raw.clear()
        # A week later the same list is one byte over the cap (as on a desk with many tickets).
        monkeypatch.setattr(schedule_mail, "MAX_FILE_BYTES", len(data) - 1)
        clock.freeze(datetime(2025, 1, 20, 7, tzinfo=UTC))
        await self._run(run_jobs)
        (mail,) = mailbox.messages().values()
        assert _files(mail) == {}
        text = mail.get_body(("plain",)).get_content()
        assert "nothing is attached" in text and "/p/reports/link/" in text

    async def test_a_recipient_who_lost_access_to_reports_gets_nothing(
        self, helpline, signin, factory, clock, manager, run_jobs, smtp
    ):
        from helpline.tables import User

        mailbox, _ = smtp
        clock.freeze(WEDNESDAY)
        other = await factory.user("manager")
        web = await signin(manager)
        await web.post(
            "/p/reports/schedules", data=form(manager, recipients=f"{manager.email}, {other.email}")
        )
        await User.update({User.active: False}).where(User.id == other.id)
        clock.freeze(NEXT_MONDAY_7)
        await self._run(run_jobs)
        assert set(mailbox.messages()) == {manager.email}

    async def test_an_unknown_file_format_is_refused_next_to_its_field(self, signin, manager):
        web = await signin(manager)
        bad = await web.post("/p/reports/schedules", data=form(manager, formats="pdf"))
        assert bad.status_code == 400
        assert 'id="err-formats"' in bad.text and 'value="Weekly volume"' in bad.text
        assert await _queued_runs() == []
