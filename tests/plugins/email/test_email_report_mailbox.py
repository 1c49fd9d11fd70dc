"""Every report can be filtered and grouped by the mailbox a ticket arrived in."""

from __future__ import annotations

from datetime import UTC, datetime

from email_helpers import message

from helpline_email.mailboxes import clean_values, save_mailbox


async def _desk(helpline, factory, clock, receive):
    """Two tickets by mail to Billing, one to the default support address, one from the web."""
    clock.freeze(datetime(2025, 1, 6, 9, tzinfo=UTC))
    billing = await save_mailbox(
        helpline,
        clean_values({"address": "billing@acme.example", "name": "Billing", "active": "1"}),
    )
    for n in range(2):
        await receive(message(to="billing@acme.example", subject=f"Invoice {n}"))
    await receive(message(subject="Printer"))
    await factory.ticket(channel="web")
    return billing


async def test_a_report_grouped_by_mailbox_counts_each_ticket_under_its_mailbox(
    helpline, factory, clock, receive, manager
):
    from helpline_reports.dimensions import expressions
    from helpline_reports.metrics import Filters, run_report

    await _desk(helpline, factory, clock, receive)
    filters = Filters.from_query(
        {"start": "2025-01-06", "end": "2025-01-06", "group_by": "mailbox"},
        dimensions=await expressions(helpline),
    )
    report = await run_report(helpline, manager, "breakdown", filters)
    created = {row[0]: row[1] for row in report.rows}
    assert created["Billing"] == 2
    assert created["(none)"] == 1  # the web ticket
    assert sum(created.values()) == 4
    assert report.totals["created"] == 4


async def test_the_mailbox_filter_narrows_reports_pages_and_the_api(
    helpline, factory, clock, receive, manager, signin, api
):
    billing = await _desk(helpline, factory, clock, receive)
    query = f"start=2025-01-06&end=2025-01-06&mailbox={billing}"
    client = await api(manager)
    data = (await client.get(f"/api/v1/reports/volume?{query}")).json()
    assert data["totals"]["created"] == 2
    page = await (await signin(manager)).get(f"/p/reports/view/volume?{query}")
    assert page.status_code == 200
    assert 'name="mailbox"' in page.text and ">Billing</option>" in page.text
    bad = await client.get("/api/v1/reports/volume?group_by=nowhere")
    assert bad.status_code == 422 and "mailbox" in bad.text
