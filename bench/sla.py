"""SLA benchmark: recomputing due times of N open tickets after a policy change; timers per second.

Seeds N tickets with `helpline demo` and opens them all, creates a business calendar and a policy
(which puts every ticket on the clock), then changes the policy's targets and times the
recompute that follows. Finally it moves the clock past every due time and times how fast the
worker fires timers (warnings and breaches, with their events and history).

    uv run python bench/sla.py --tickets 100000 --backend sqlite
    uv run python bench/sla.py --tickets 100000 --backend postgres --postgres-url postgres://u:p@127.0.0.1:5432
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec

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
    """Counts the SQL statements the engine runs (and, with `detail`, which ones)."""

    def __init__(self, engine: object, detail: bool = False) -> None:
        self.count = 0
        self.kinds: Counter[str] = Counter()
        cls = type(engine)  # PostgresEngine has slots: wrap the method on the class
        original = cls.run_querystring

        async def counting(this, querystring, *args, **kwargs):
            self.count += 1
            if detail:
                text = " ".join(str(querystring).split())
                self.kinds[text[:90]] += 1
            return await original(this, querystring, *args, **kwargs)

        cls.run_querystring = counting  # type: ignore[method-assign]

    def top(self, n: int = 25) -> str:
        return "\n".join(f"{count:>8,}  {text}" for text, count in self.kinds.most_common(n))


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)  # a Monday morning

    def __call__(self) -> datetime:
        return self.at


async def run(args: argparse.Namespace, data_dir: Path, database_url: str | None) -> None:
    from helpline import db, jobs
    from helpline.runtime import Helpline
    from helpline.settings import load_settings
    from helpline_sla import store
    from helpline_sla.specs import CalendarSpec, EscalationSpec, PolicySpec, TargetSpec
    from helpline_sla.timers import recompute_all

    settings = load_settings(str(data_dir))
    clock = Clock()
    helpline = Helpline(settings, clock=clock)
    await helpline.start()
    try:
        await db.fetch(
            helpline.engine, "UPDATE ticket SET status = 'open', status_category = 'open'"
        )
        await db.fetch(
            helpline.engine, "UPDATE ticket SET created_at = {}", clock.at - timedelta(hours=1)
        )
        total = await db.fetchval(helpline.engine, "SELECT COUNT(*) FROM ticket")
        await store.save_calendar(
            helpline,
            CalendarSpec(
                name="office", timezone="Europe/Berlin", hours=["mon-fri 09:00-17:00"], country="DE"
            ),
        )
        policy = PolicySpec(
            name="Standard",
            calendar="office",
            targets=[
                TargetSpec(target="first_response", minutes=240, warn_before=30),
                TargetSpec(target="resolution", minutes=2400, warn_before=120),
                TargetSpec(target="resolution", minutes=480, priority="urgent", warn_before=60),
            ],
            escalations=[EscalationSpec(when="after", minutes=60, actions=[])],
        )
        await store.save_policy(helpline, policy)
        await jobs.cancel(helpline, "sla:recompute")

        started = time.perf_counter()
        changed = await recompute_all(helpline, "benchmark: policy created")
        first = time.perf_counter() - started
        print(
            f"{total:,} open tickets; policy created: {changed:,} tickets put on the clock "
            f"in {first:.1f} s ({changed / first:,.0f} tickets/s)"
        )

        shorter = msgspec.structs.replace(
            policy,
            targets=[msgspec.structs.replace(t, minutes=t.minutes // 2) for t in policy.targets],
        )
        await store.save_policy(helpline, shorter)
        await jobs.cancel(helpline, "sla:recompute")
        started = time.perf_counter()
        changed = await recompute_all(helpline, "benchmark: targets halved")
        elapsed = time.perf_counter() - started
        print(
            f"policy changed: due times of {changed:,} tickets recomputed in {elapsed:.1f} s "
            f"({changed / elapsed:,.0f} tickets/s, {elapsed / max(changed, 1) * 1e6:,.0f} µs each)"
        )

        # Fire a sample of the timers: keep `--timers` of them queued and move past their instants.
        # (With every timer of 100,000 tickets due at once, the worker's claim query, which sorts
        # all due jobs, would dominate: that measures the queue, not the timers.)
        await db.fetch(
            helpline.engine,
            "DELETE FROM job WHERE kind = 'sla.timer' AND status = 'queued' AND id NOT IN "
            "(SELECT id FROM job WHERE kind = 'sla.timer' AND status = 'queued' "
            "ORDER BY run_at, id LIMIT {})",
            args.timers,
        )
        clock.at += timedelta(days=30)  # every warning, breach and escalation is now due
        statements = Statements(helpline.engine, detail=args.statements)
        profile = None
        if args.profile:
            import cProfile

            profile = cProfile.Profile()
            profile.enable()
        count, started = 0, time.perf_counter()
        while count < args.timers and time.perf_counter() - started < args.seconds:
            ran = await jobs.run_pending(helpline, limit=200)
            if not ran:
                break
            count += ran
        elapsed = time.perf_counter() - started
        print(
            f"timers: {count:,} fired in {elapsed:.1f} s "
            f"({count / elapsed:,.0f} timers/s, one worker; "
            f"{statements.count / max(count, 1):.1f} SQL statements per timer, job queue included)"
        )
        if args.statements:
            print(statements.top())
        if profile is not None:
            import pstats

            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
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
        help="server URL without a database (a database `helpline_bench_sla` is created)",
    )
    parser.add_argument(
        "--timers", type=int, default=20_000, help="at most this many timers to fire"
    )
    parser.add_argument("--seconds", type=float, default=60, help="at most this long firing timers")
    parser.add_argument("--profile", action="store_true", help="cProfile the timers")
    parser.add_argument(
        "--statements", action="store_true", help="list the commonest SQL statements of the timers"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        # Only the SLA plugin: other plugins' hooks would be measured too.
        os.environ.setdefault("HELPLINE_PLUGINS", "sla")
        env = {**os.environ}
        url = None
        if args.backend == "postgres":
            if not args.postgres_url:
                sys.exit("--postgres-url (or HELPLINE_TEST_POSTGRES_URL) is needed for PostgreSQL")
            base = args.postgres_url.rstrip("/")
            asyncio.run(_recreate(base, "helpline_bench_sla"))
            url = f"{base}/helpline_bench_sla"
            env["HELPLINE_DATABASE_URL"] = url
            os.environ["HELPLINE_DATABASE_URL"] = url
        started = time.perf_counter()
        seed(data_dir, env, args.tickets)
        print(
            f"seeded {args.tickets:,} tickets in {time.perf_counter() - started:.0f} s "
            f"({args.backend})"
        )
        asyncio.run(run(args, data_dir, url))


if __name__ == "__main__":
    main()
