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
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
from common import (
    Clock,
    Statements,
    add_backend_arguments,
    desk_env,
    postgres_database,
    running_desk,
    seed_desk,
    timed,
)


async def run(args: argparse.Namespace, data_dir: Path) -> None:
    from helpline import db, jobs
    from helpline_sla import store
    from helpline_sla.specs import CalendarSpec, EscalationSpec, PolicySpec, TargetSpec
    from helpline_sla.timers import recompute_all

    clock = Clock(datetime(2025, 1, 6, 8, 0, tzinfo=UTC))  # a Monday morning
    async with running_desk(data_dir, clock=clock) as helpline:
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

        first, changed = await timed(recompute_all(helpline, "benchmark: policy created"))
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
        elapsed, changed = await timed(recompute_all(helpline, "benchmark: targets halved"))
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    add_backend_arguments(parser)
    parser.add_argument(
        "--timers", type=int, default=20_000, help="at most this many timers to fire"
    )
    parser.add_argument("--seconds", type=float, default=60, help="at most this long firing timers")
    parser.add_argument("--profile", action="store_true", help="cProfile the timers")
    parser.add_argument(
        "--statements", action="store_true", help="list the commonest SQL statements of the timers"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, postgres_database(args, "helpline_bench_sla") as url:
        data_dir = Path(tmp)
        # Only the SLA plugin: other plugins' hooks would be measured too.
        env = desk_env(url, plugins=os.environ.get("HELPLINE_PLUGINS", "sla"))
        started = time.perf_counter()
        seed_desk(data_dir, env, args.tickets)
        print(
            f"seeded {args.tickets:,} tickets in {time.perf_counter() - started:.0f} s "
            f"({args.backend})"
        )
        asyncio.run(run(args, data_dir))


if __name__ == "__main__":
    main()
