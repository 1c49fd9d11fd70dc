"""Notifications with files (hook API 1.1) arrive by mail with the files as MIME attachments."""

from __future__ import annotations

import pytest

from helpline.model import NotificationAttachment

CSV = b"\xef\xbb\xbfday,created\r\n2025-01-08,1\r\n"
ZIP = b"PK\x03\x04" + bytes(range(256)) * 4


@pytest.fixture
def helpline_settings_overrides(smtp_sink):
    _, port = smtp_sink
    return {
        "smtp_url": f"smtp://127.0.0.1:{port}",
        "base_url": "https://help.acme.example",
        "attachment_max_bytes": 2000,
    }


async def _notify(helpline, recipient, *files, subject="Report: Weekly volume"):
    return await helpline.hook_first(
        "deliver_notification",
        helpline=helpline,
        recipient=recipient,
        subject=subject,
        body="Your report is attached.",
        ticket=None,
        attachments=list(files),
    )


async def test_a_notifications_files_arrive_with_their_names_types_and_bytes(
    helpline, sink, run_jobs, manager
):
    taken = await _notify(
        helpline,
        manager,
        NotificationAttachment(filename="volume.csv", content_type="text/csv", data=CSV),
        NotificationAttachment(
            filename="volume.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            data=ZIP,
        ),
    )
    assert taken is True
    assert sink.received == [], "queued in the transaction, sent by the job"
    await run_jobs()
    (mail,) = sink.messages()
    assert mail["To"].addresses[0].addr_spec == manager.email
    assert mail["Subject"] == "Report: Weekly volume"
    assert "Your report is attached." in mail.get_body(("plain",)).get_content()
    files = [
        (part.get_filename(), part.get_content_type(), part.get_payload(decode=True))
        for part in mail.iter_attachments()
    ]
    assert files == [
        ("volume.csv", "text/csv", CSV),
        (
            "volume.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ZIP,
        ),
    ]


async def test_files_beyond_the_size_limit_are_left_out_and_the_mail_says_so(
    helpline, sink, run_jobs, manager
):
    small = NotificationAttachment(filename="small.csv", content_type="text/csv", data=CSV)
    big = NotificationAttachment(filename="big.csv", content_type="text/csv", data=b"x" * 1990)
    await _notify(helpline, manager, small, big)
    await run_jobs()
    (mail,) = sink.messages()
    assert [part.get_filename() for part in mail.iter_attachments()] == ["small.csv"]
    text = mail.get_body(("plain",)).get_content()
    assert "big.csv (1990 bytes) is not attached" in text and "2000 bytes" in text


async def test_a_file_name_cannot_reach_outside_its_attachment(helpline, sink, run_jobs, manager):
    await _notify(
        helpline,
        manager,
        NotificationAttachment(
            filename="../../etc/passwd\n.csv", content_type="text/csv; charset=utf-8", data=CSV
        ),
    )
    await run_jobs()
    (part,) = sink.messages()[0].iter_attachments()
    assert part.get_filename() == "passwd.csv"
    assert part.get_content_type() == "text/csv"


async def test_notifications_without_files_still_arrive_as_before(
    helpline, sink, run_jobs, customer
):
    # A caller written for hook API 1.0 names no attachments at all.
    taken = await helpline.hook_first(
        "deliver_notification",
        helpline=helpline,
        recipient=customer,
        subject="Reset your password",
        body="Open https://x/reset/abc",
        ticket=None,
    )
    assert taken is True
    await run_jobs()
    (mail,) = sink.messages()
    assert list(mail.iter_attachments()) == []
    assert "https://x/reset/abc" in mail.get_body(("plain",)).get_content()


async def test_a_staff_members_own_notifications_are_not_held_back_by_the_mail_loop_cap(
    helpline, sink, run_jobs, manager, customer
):
    """Six scheduled reports due at the same minute all reach the manager; a customer's
    automatic mail stays capped (5 an hour by default) so a mail loop cannot run away."""
    for n in range(6):
        assert await _notify(helpline, manager, subject=f"Report {n}") is True
        await _notify(helpline, customer, subject=f"Survey {n}")
    await run_jobs()
    got = [m["Subject"] for m in sink.messages() if m["To"].addresses[0].addr_spec == manager.email]
    assert sorted(got) == [f"Report {n}" for n in range(6)]
    to_customer = [m for m in sink.messages() if m["To"].addresses[0].addr_spec == customer.email]
    assert len(to_customer) == 5
