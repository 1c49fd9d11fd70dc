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
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HELPLINE = [sys.executable, "-m", "helpline.cli"]


def seed(data_dir: Path, env: dict[str, str], tickets: int) -> None:
    for args in (
        ["init", "--admin-email", "admin@example.com", "--admin-password", "bench-password-1"],
        ["demo", "--tickets", str(tickets), "--seed", "5"],
    ):
        subprocess.run(
            [*HELPLINE, "--data-dir", str(data_dir), *args],
            env=env,
            check=True,
            capture_output=True,
        )


class Statements:
    """Counts the SQL statements the engine runs."""

    def __init__(self, engine: object) -> None:
        self.count = 0
        # Patched on the class: PostgresEngine's instances do not take new attributes.
        cls = type(engine)
        original = getattr(cls, "_bench_original", None) or cls.run_querystring
        cls._bench_original = original
        counter = self

        async def counting(engine_self, querystring, *args, **kwargs):
            counter.count += 1
            return await original(engine_self, querystring, *args, **kwargs)

        cls.run_querystring = counting


class Clock:
    def __init__(self) -> None:
        self.at = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.at


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
    started = time.perf_counter()
    ran = await jobs.run_pending(helpline, limit=10 * n)
    elapsed = time.perf_counter() - started
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
    started = time.perf_counter()
    ran = await jobs.run_pending(helpline, limit=10 * n)
    elapsed = time.perf_counter() - started
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
    started = time.perf_counter()
    result = await schedule.run_rule(helpline, rule)
    elapsed = time.perf_counter() - started
    print(
        f"time rule over {total:,} tickets ({pending:,} pending): acted on {result['acted']:,} "
        f"in {elapsed:.1f} s "
        f"({elapsed / max(result['acted'], 1) * 1e3:.2f} ms per ticket acted on, "
        f"{statements.count / max(result['acted'], 1):.1f} SQL statements each)"
    )
    statements.count = 0
    started = time.perf_counter()
    again = await schedule.run_rule(helpline, rule)
    elapsed = time.perf_counter() - started
    print(
        f"next run, everything already done: {elapsed:.2f} s, acted on {again['acted']} "
        f"({statements.count} SQL statements)"
    )
    clock.at += timedelta(hours=1)


async def run(data_dir: Path) -> None:
    from helpline import db
    from helpline.runtime import Helpline
    from helpline.services.users import load_actor
    from helpline.settings import load_settings

    clock = Clock()
    helpline = Helpline(load_settings(str(data_dir)), clock=clock)
    await helpline.start()
    try:
        total = await db.fetchval(helpline.engine, "SELECT COUNT(*) FROM ticket")
        admin_id = await db.fetchval(
            helpline.engine, "SELECT id FROM users WHERE email = 'admin@example.com'"
        )
        admin = await load_actor(helpline, admin_id)
        rows = await db.fetch(
            helpline.engine,
            "SELECT number FROM ticket WHERE merged_into IS NULL ORDER BY id DESC LIMIT 200",
        )
        await triggers(helpline, admin, [r["number"] for r in rows])
        await time_rule(helpline, admin, clock, total)
    finally:
        await helpline.stop()


async def _recreate(base: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(f"{base}/postgres")
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {name}")
        await conn.execute(f"CREATE DATABASE {name}")
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("HELPLINE_TEST_POSTGRES_URL"),
        help="server URL without a database (`helpline_bench_automation` is created)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        # Only this plugin: other plugins' hooks would be measured too.
        os.environ.setdefault("HELPLINE_PLUGINS", "automation")
        env = {**os.environ}
        if args.backend == "postgres":
            if not args.postgres_url:
                sys.exit("--postgres-url (or HELPLINE_TEST_POSTGRES_URL) is needed for PostgreSQL")
            base = args.postgres_url.rstrip("/")
            asyncio.run(_recreate(base, "helpline_bench_automation"))
            url = f"{base}/helpline_bench_automation"
            env["HELPLINE_DATABASE_URL"] = os.environ["HELPLINE_DATABASE_URL"] = url
        started = time.perf_counter()
        seed(data_dir, env, args.tickets)
        print(
            f"seeded {args.tickets:,} tickets in {time.perf_counter() - started:.0f} s "
            f"({args.backend})"
        )
        asyncio.run(run(data_dir))


if __name__ == "__main__":
    main()
