"""With every installed plugin loaded (channels, SLA, …), triggers and macros still work."""

from __future__ import annotations

import pytest
from automation_helpers import act, cond

from helpline.services import tickets


@pytest.fixture
def helpline_settings_overrides():
    return {}  # every installed plugin


async def test_a_trigger_works_beside_every_other_plugin(
    helpline, factory, make_rule, make_macro, run_jobs, customer, outbox
):
    await make_macro("Ack", reply="Thanks {{requester.first_name}}")
    await make_rule(
        "Refunds",
        conditions=[cond("subject", "contains", "refund")],
        actions=[act("add_tags", tags="billing"), act("apply_macro", macro="Ack")],
    )
    ticket = await factory.ticket(requester=customer, by=customer, subject="Refund please")
    await run_jobs()
    stored = await tickets.get_ticket(helpline, tickets.SYSTEM, ticket.number)
    assert stored.tags == ["billing"]
