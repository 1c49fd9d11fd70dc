"""Replies and notifications go out as jobs over SMTP, thread in mail clients, and fail visibly."""

from __future__ import annotations

import pytest
from email_helpers import message

from helpline import jobs
from helpline.services import messages, tickets
from helpline.services.messages import NewAttachment
from helpline_email.tables import Outbound


@pytest.fixture
def helpline_settings_overrides(smtp_sink):
    _, port = smtp_sink
    return {"smtp_url": f"smtp://127.0.0.1:{port}", "base_url": "https://help.acme.example"}


async def _mail_ticket(receive, **kwargs):
    return await receive(message(to="support@help.acme.example", **kwargs))


async def test_a_new_ticket_by_mail_is_acknowledged_in_its_thread(
    helpline, receive, sink, run_jobs
):
    result = await _mail_ticket(receive, message_id="<first@example.org>")
    assert sink.received == []  # nothing is sent inside the transaction
    assert await run_jobs() == 1
    (ack,) = sink.messages()
    assert ack["To"].addresses[0].addr_spec == "jane@example.org"
    assert ack["From"].addresses[0].addr_spec == "support@help.acme.example"
    assert ack["In-Reply-To"] == "<first@example.org>"
    assert f"[#{result.ticket}]" in ack["Subject"]
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["X-Auto-Response-Suppress"] == "All"
    assert {p.get_content_type() for p in ack.walk()} >= {"text/plain", "text/html"}


async def test_an_agent_reply_is_mailed_and_the_customers_answer_threads_back(
    helpline, receive, sink, run_jobs, factory
):
    agent = await factory.user("agent", name="Ada Agent")
    created = await _mail_ticket(receive, message_id="<q@example.org>")
    await run_jobs()
    await messages.add_message(
        helpline,
        agent,
        created.ticket,
        body="We sent a technician.",
        attachments=[NewAttachment("report.txt", "text/plain", b"all fine")],
    )
    assert await run_jobs() == 1
    reply = sink.messages()[-1]
    assert reply["Subject"] == f"Re: Printer broken [#{created.ticket}]"
    assert "Auto-Submitted" not in reply
    assert reply["In-Reply-To"] == "<q@example.org>"
    assert "<q@example.org>" in reply["References"]
    text = reply.get_body(("plain",)).get_content()
    assert "We sent a technician." in text and "Ada Agent" in text
    assert "We sent a technician." in reply.get_body(("html",)).get_content()
    assert [a.get_filename() for a in reply.iter_attachments()] == ["report.txt"]
    # The customer's client answers with In-Reply-To set to our (signed) Message-ID only.
    answer = message(
        to="support@help.acme.example",
        subject="Re: thanks",
        headers={"In-Reply-To": reply["Message-ID"]},
    )
    result = await receive(answer)
    assert (result.action, result.ticket) == ("appended", created.ticket)
    assert "signed Message-ID" in result.reason


async def test_followers_are_copied_on_agent_replies(helpline, receive, sink, run_jobs, agent):
    from helpline_email.notes import set_follower

    created = await _mail_ticket(receive)
    ticket = await tickets.get_ticket(helpline, agent, created.ticket)
    await set_follower(helpline, ticket.id, "boss@example.org", "follower")
    await run_jobs()
    await messages.add_message(helpline, agent, created.ticket, body="Done.")
    await run_jobs()
    assert sorted(sink.received[-1]["to"]) == ["boss@example.org", "jane@example.org"]


async def test_internal_notes_are_never_mailed(helpline, receive, sink, run_jobs, agent):
    created = await _mail_ticket(receive)
    await run_jobs()
    await messages.add_message(helpline, agent, created.ticket, body="Secret", internal=True)
    assert await run_jobs() == 0
    assert len(sink.received) == 1


async def test_a_failed_send_retries_then_shows_on_the_ticket(
    helpline, receive, sink, run_jobs, clock, agent
):
    clock.freeze()
    sink.fail_data = "451 4.3.0 Try again later"
    created = await _mail_ticket(receive)
    for _ in range(4):
        assert await run_jobs() == 1
        clock.advance(hours=1)
    row = await Outbound.select().first()
    assert (row["status"], row["attempts"]) == ("queued", 4)
    assert "451" in row["last_error"]
    assert await run_jobs() == 1
    row = await Outbound.select().first()
    assert row["status"] == "failed"
    (job,) = await jobs.list_jobs(helpline, kind="email.send")
    assert job["status"] == "dead"
    notes = [
        m.body
        for m in await messages.list_messages(helpline, agent, created.ticket)
        if m.kind == "system"
    ]
    assert any("could not be sent after 5 attempts" in n for n in notes)


async def test_a_refused_recipient_fails_at_once_and_is_flagged_as_bouncing(
    helpline, receive, sink, run_jobs, agent
):
    from helpline_email.notes import bouncing

    sink.refuse = {"jane@example.org"}
    created = await _mail_ticket(receive)
    assert await run_jobs() == 1
    row = await Outbound.select().first()
    assert row["status"] == "failed" and "550" in row["last_error"]
    assert "jane@example.org" in await bouncing(["jane@example.org"])
    notes = [
        m.body
        for m in await messages.list_messages(helpline, agent, created.ticket)
        if m.kind == "system"
    ]
    assert any("could not be sent" in n for n in notes)


async def test_automatic_mail_to_a_bouncing_address_is_suppressed(helpline, receive, run_jobs):
    from helpline_email.notes import flag_bouncing

    await flag_bouncing(helpline, "jane@example.org", "5.1.1 user unknown")
    await _mail_ticket(receive)
    row = await Outbound.select().first()
    assert row["status"] == "suppressed" and "bouncing" in row["last_error"]
    assert await run_jobs() == 0


async def test_automatic_mail_to_one_address_is_rate_capped(helpline, receive, sink, run_jobs):
    for n in range(7):
        await _mail_ticket(receive, subject=f"Flood {n}")
    rows = await Outbound.select(Outbound.status).order_by(Outbound.id)
    assert [r["status"] for r in rows] == ["queued"] * 5 + ["suppressed"] * 2
    assert await run_jobs() == 5


async def test_auto_replies_and_bulk_mail_are_never_acknowledged(helpline, receive, run_jobs):
    await _mail_ticket(receive, headers={"Auto-Submitted": "auto-generated"})
    await _mail_ticket(receive, headers={"Precedence": "bulk"}, subject="Newsletter")
    await _mail_ticket(receive, sender="noreply@shop.example", subject="Your order")
    await _mail_ticket(receive, headers={"List-Id": "<x.lists.example>"}, subject="List")
    await _mail_ticket(receive, headers={"X-Auto-Response-Suppress": "All"}, subject="Outlook")
    assert await Outbound.count() == 0


async def test_the_assigned_agent_hears_about_assignments_and_customer_replies(
    helpline, receive, sink, run_jobs, factory, admin
):
    agent = await factory.user("agent", email="ada@acme.example")
    created = await _mail_ticket(receive, message_id="<a1@example.org>")
    await tickets.assign_ticket(helpline, admin, created.ticket, assignee=agent.id)
    await receive(
        message(
            to="support@help.acme.example",
            subject="Re: more",
            headers={"In-Reply-To": "<a1@example.org>"},
        )
    )
    await run_jobs()
    to_agent = [m for m in sink.messages() if m["To"].addresses[0].addr_spec == "ada@acme.example"]
    assert [m["Subject"].split(":")[0] for m in to_agent] == ["Assigned to you", "Jane Doe replied"]
    assert all(m["Auto-Submitted"] == "auto-generated" for m in to_agent)


async def test_an_admins_template_is_used_and_rendered_in_a_sandbox(
    helpline, receive, sink, run_jobs
):
    from helpline.errors import Invalid
    from helpline_email import mail_templates

    with pytest.raises(Invalid) as bad:
        await mail_templates.save(helpline, "new_ticket", "Hi", "{{ ticket.__class__.__mro__ }}")
    assert bad.value.field == "body"
    with pytest.raises(Invalid):
        await mail_templates.save(helpline, "new_ticket", "Hi {{ ticket.number", "x")
    await mail_templates.save(
        helpline,
        "new_ticket",
        "Got it: {{ ticket.subject }}",
        "Ticket {{ ticket.number }} for {{ requester.name }}.",
    )
    created = await _mail_ticket(receive)
    await run_jobs()
    (ack,) = sink.messages()
    assert ack["Subject"] == f"Got it: Printer broken [#{created.ticket}]"
    assert f"Ticket {created.ticket} for Jane Doe." in ack.get_body(("plain",)).get_content()


async def test_password_reset_links_go_out_by_mail(helpline, sink, run_jobs, customer):
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
    assert mail["Subject"] == "Reset your password"
    assert "https://x/reset/abc" in mail.get_body(("plain",)).get_content()


async def test_serve_worker_sends_queued_mail(helpline, receive, sink):
    """The in-process worker `serve` runs delivers what is queued."""
    import asyncio

    await _mail_ticket(receive)
    stop = asyncio.Event()
    worker = asyncio.create_task(jobs.work(helpline, stop, poll=0.05))
    for _ in range(200):
        if sink.received:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await worker
    assert len(sink.received) == 1


class TestWithoutSmtp:
    @pytest.fixture
    def helpline_settings_overrides(self):
        return {}

    async def test_nothing_is_queued_when_no_smtp_server_is_configured(
        self, helpline, receive, agent
    ):
        created = await receive(message())
        await messages.add_message(helpline, agent, created.ticket, body="Hi")
        assert await Outbound.count() == 0
        assert await jobs.list_jobs(helpline, kind="email.send") == []

    async def test_notifications_fall_back_to_other_channels(self, helpline, customer):
        taken = await helpline.hook_first(
            "deliver_notification",
            helpline=helpline,
            recipient=customer,
            subject="s",
            body="b",
            ticket=None,
        )
        assert taken is None
