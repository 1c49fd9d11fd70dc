"""`helpline demo` leaves a desk whose tickets carry SLA clocks."""

from __future__ import annotations

import msgspec

from helpline import db
from helpline.cli.demo import generate
from helpline_sla import store


async def test_demo_data_gets_a_policy_and_every_unsolved_ticket_its_clocks(helpline, run_jobs):
    await generate(helpline, 30, seed=5)
    await run_jobs()

    assert [p.name for p in await store.policies(helpline)] == ["Standard"]
    unclocked = await db.fetchval(
        helpline.engine,
        "SELECT count(*) FROM ticket t WHERE t.status_category NOT IN ('solved', 'closed') "
        "AND t.merged_into IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM sla_clock c WHERE c.ticket = t.id)",
    )
    assert unclocked == 0


async def test_a_second_demo_run_keeps_the_policies_it_finds(helpline, run_jobs):
    await generate(helpline, 5, seed=1)
    policy = await store.get_policy(helpline, "Standard")
    await store.save_policy(helpline, msgspec.structs.replace(policy, position=7))

    await generate(helpline, 5, seed=2)

    (kept,) = await store.policies(helpline)
    assert kept.position == 7, "an existing policy is neither duplicated nor reset"
