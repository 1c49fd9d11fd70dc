"""Automation benchmark: 100 active triggers per ticket change; one time rule over N tickets.

Seeds N tickets with `helpline demo`, then

1. creates 100 enabled triggers on `ticket_updated` (two conditions each; none matches the
   changes made) and times ticket changes with and without them — the part inside the change's
   transaction (queueing the `automation.fire` job) — and the fire jobs that test the 100
   triggers after the commit; then lets one of the 100 match and act;
2. creates one time rule ("pending for more than 72 hours → tag it") and times its run over
   every ticket (the first run acts on all that match, within a run limit of N), and a second
   run that finds everything already done (the ledger) — the cost of an idle pass.

    uv run python bench/automation.py --tickets 100000 --backend sqlite
    uv run python bench/automation.py --tickets 100000 --backend postgres --postgres-url postgres://u:p@127.0.0.1:5432
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import (
    Clock,
    Statements,
    add_backend_arguments,
    admin_actor,
    desk_env,
    postgres_database,
    running_desk,
    seed_desk,
    timed,
)


async def _changes(helpline, numbers: list[int], priorities: tuple[str, str]) -> float:
    from helpline.services import tickets

    started = time.perf_counter()
    for i, number in enumerate(numbers):
        await tickets.update_as_system(helpline, number, via="bench", priority=priorities[i % 2])
    return time.perf_counter() - started


async def triggers(helpline, admin, numbers: list[int]) -> None:
    from helpline import db, jobs
    from helpline_automation import store

    await _changes(helpline, numbers, ("low", "high"))  # warm-up: caches, first-run costs
    base = await _changes(helpline, numbers, ("high", "low"))
    for i in range(100):
        await store.save_rule(
            helpline,
            admin,
            {
                "name": f"Trigger {i}",
                "events": ["ticket_updated"],
                "conditions": [
                    {"field": "priority", "op": "changed_to", "value": "urgent"},
                    {"field": "tags", "op": "contains", "value": f"team-{i}"},
                ],
                "actions": [{"action": "add_tags", "params": {"tags": f"seen-{i}"}}],
            },
        )
    with_rules = await _changes(helpline, numbers, ("low", "high"))
    n = len(numbers)
    print(
        f"ticket change without triggers: {base / n * 1e3:.2f} ms; with 100 triggers "
        f"(queueing the fire job inside the change): {with_rules / n * 1e3:.2f} ms"
    )
    statements = Statements(helpline.engine)
    elapsed, ran = await timed(jobs.run_pending(helpline, limit=10 * n))
    print(
        f"after the commit: {ran} fire jobs testing 100 triggers each: "
        f"{elapsed / ran * 1e3:.2f} ms "
        f"per change ({elapsed / ran / 100 * 1e6:.0f} µs per trigger, "
        f"{statements.count / ran:.1f} SQL statements per change, job queue included)"
    )
    # One of the hundred now matches every change and acts (tags the ticket).
    await db.fetch(
        helpline.engine,
        "UPDATE automation_rule SET conditions = {} WHERE name = 'Trigger 50'",
        '[{"field": "priority", "op": "changed", "value": ""}]',
    )
    await _changes(helpline, numbers, ("urgent", "low"))
    statements.count = 0
    elapsed, ran = await timed(jobs.run_pending(helpline, limit=10 * n))
    print(
        f"with one of the 100 acting on each change: {elapsed / n * 1e3:.2f} ms per change "
        f"({ran} jobs, {statements.count / n:.1f} SQL statements per change)"
    )
    await db.fetch(
        helpline.engine, "UPDATE automation_rule SET enabled = {} WHERE kind = 'trigger'", False
    )


async def time_rule(helpline, admin, clock: Clock, total: int) -> None:
    from helpline import db, jobs
    from helpline_automation import schedule, store

    pending = await db.fetchval(
        helpline.engine, "SELECT COUNT(*) FROM ticket WHERE status_category = 'pending'"
    )
    rule = await store.save_rule(
        helpline,
        admin,
        {
            "name": "Pending reminder",
            "kind": "schedule",
            "cron": "0 * * * *",
            "run_limit": 10000,
            "conditions": [
                {"field": "status_category", "op": "is", "value": "pending"},
                {"field": "hours_in_status", "op": "gt", "value": "72"},
            ],
            "actions": [{"action": "add_tags", "params": {"tags": "reminded"}}],
        },
    )
    await jobs.cancel(helpline, schedule.key(rule["id"]))
    rule = {**rule, "run_limit": total}
    statements = Statements(helpline.engine)
    elapsed, result = await timed(schedule.run_rule(helpline, rule))
    print(
        f"time rule over {total:,} tickets ({pending:,} pending): acted on {result['acted']:,} "
        f"in {elapsed:.1f} s "
        f"({elapsed / max(result['acted'], 1) * 1e3:.2f} ms per ticket acted on, "
        f"{statements.count / max(result['acted'], 1):.1f} SQL statements each)"
    )
    statements.count = 0
    elapsed, again = await timed(schedule.run_rule(helpline, rule))
    print(
        f"next run, everything already done: {elapsed:.2f} s, acted on {again['acted']} "
        f"({statements.count} SQL statements)"
    )
    clock.at += timedelta(hours=1)


async def run(data_dir: Path) -> None:
    from helpline import db

    clock = Clock(datetime.now(UTC))
    async with running_desk(data_dir, clock=clock) as helpline:
        total = await db.fetchval(helpline.engine, "SELECT COUNT(*) FROM ticket")
        admin = await admin_actor(helpline)
        rows = await db.fetch(
            helpline.engine,
            "SELECT number FROM ticket WHERE merged_into IS NULL ORDER BY id DESC LIMIT 200",
        )
        await triggers(helpline, admin, [r["number"] for r in rows])
        await time_rule(helpline, admin, clock, total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    add_backend_arguments(parser)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        postgres_database(args, "helpline_bench_automation") as url,
    ):
        data_dir = Path(tmp)
        # Only this plugin: other plugins' hooks would be measured too.
        env = desk_env(url, plugins=os.environ.get("HELPLINE_PLUGINS", "automation"))
        started = time.perf_counter()
        seed_desk(data_dir, env, args.tickets)
        print(
            f"seeded {args.tickets:,} tickets in {time.perf_counter() - started:.0f} s "
            f"({args.backend})"
        )
        asyncio.run(run(data_dir))


if __name__ == "__main__":
    main()
