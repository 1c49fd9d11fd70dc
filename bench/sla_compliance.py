"""SLA compliance report benchmark: the report's time over N SLA clocks, with its query plans.

Creates a desk (`helpline init`, plugins sla + reports), seeds N clocks with bulk SQL (N // 3
tickets in 20 teams, one clock per target — first_response, next_response, resolution — spread
over the last two years: met in time, met late, breached, running, paused, cancelled), then times
the `sla_compliance` report over the last 30 days and the last year, grouped by team and by
agent, for a manager (sees every ticket) and for an agent limited to one team (visibility
conditions), and prints the plan of the 30-day query (EXPLAIN QUERY PLAN / EXPLAIN).

    uv run python bench/sla_compliance.py --clocks 100000 --backend sqlite
    uv run python bench/sla_compliance.py --clocks 100000 --backend postgres  # throwaway server
    uv run python bench/sla_compliance.py --data-dir DIR  # an existing seeded desk

`--keep DIR` seeds into DIR (SQLite) and keeps it. `--before FILE` (an older report_compliance.py,
e.g. `git show REV:plugins/sla/helpline_sla/report_compliance.py > old.py`) first times that
copy with the report's indexes (migration sla_0002_report_indexes) dropped, then creates them
again and times the current report.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import tempfile
import time
from datetime import UTC, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from common import (
    add_backend_arguments,
    best_of,
    desk_env,
    init_desk,
    postgres_database,
    running_desk,
    team_agent,
)

TEAMS = 20
HOUR = 3600
TWO_YEARS = 730 * 86400
INDEXES = (
    "sla_clock_breached_at_idx",
    "sla_clock_met_late_idx",
    "sla_clock_overdue_idx",
    "sla_clock_met_at_idx",
)


def _ts(postgres: bool, seconds: str) -> str:
    """SQL for the UTC instant `seconds` after the epoch, stored as the app stores it."""
    if postgres:
        return f"to_timestamp({seconds})"
    return f"(strftime('%Y-%m-%d %H:%M:%S', {seconds}, 'unixepoch') || '+00:00')"


def seed_sql(postgres: bool, tickets: int, now: int) -> list[str]:
    """Bulk inserts: teams, tickets, three clocks per ticket."""
    teams = ", ".join(f"('Team {i:02d}')" for i in range(1, TEAMS + 1))
    if postgres:
        series = f"FROM generate_series(1, {tickets}) AS s(i)"
        prefix = ""
    else:
        prefix = (
            f"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {tickets}) "
        )
        series = "FROM s"
    created = _ts(postgres, f"{now} - (CAST(s.i AS BIGINT) * 7919) % {TWO_YEARS}")
    ticket = (
        "INSERT INTO ticket (number, subject, status, status_category, priority, type, team, "
        f"channel, created_at, updated_at) {prefix}"
        "SELECT s.i, '', 'Solved', 'solved', 'normal', 'question', "
        f"1 + s.i % {TEAMS}, 'web', {created}, {created} {series}"
    )
    # b: the clock's outcome bucket; start: when its target started (seconds after the epoch).
    b = "((t.id * 37 + k.k * 11) % 100)"
    start = f"({now} - (CAST(t.id AS BIGINT) * 7919 + k.k * 3571) % {TWO_YEARS})"
    hours = f"(1 + {b} % 3)"
    micro = 1_000_000
    state = (
        f"CASE WHEN {b} < 75 THEN 'met' WHEN {b} < 85 THEN 'breached' WHEN {b} < 90 THEN 'met' "
        f"WHEN {b} < 95 THEN 'running' WHEN {b} < 98 THEN 'paused' ELSE 'cancelled' END"
    )
    consumed = (
        f"CASE WHEN {b} < 75 THEN {hours} * {HOUR * micro} WHEN {b} < 85 THEN {6 * HOUR * micro} "
        f"WHEN {b} < 90 THEN {5 * HOUR * micro} WHEN {b} < 95 THEN 0 "
        f"ELSE {HOUR * micro} END"
    )
    met_at = (
        f"CASE WHEN {b} < 75 THEN {_ts(postgres, f'{start} + {hours} * {HOUR}')} "
        f"WHEN {b} < 85 THEN {_ts(postgres, f'{start} + {6 * HOUR}')} "
        f"WHEN {b} < 90 THEN {_ts(postgres, f'{start} + {5 * HOUR}')} END"
    )
    due = _ts(postgres, f"{start} + {4 * HOUR}")
    breached_at = f"CASE WHEN {b} >= 75 AND {b} < 85 THEN {due} END"
    resumed_at = f"CASE WHEN {b} >= 90 AND {b} < 95 THEN {_ts(postgres, start)} END"
    due_at = f"CASE WHEN {b} < 95 THEN {due} END"  # met and breached clocks keep theirs
    targets = (
        "(SELECT 0 AS k, 'first_response' AS target UNION ALL "
        "SELECT 1, 'next_response' UNION ALL SELECT 2, 'resolution')"
    )
    clocks = (
        "INSERT INTO sla_clock (ticket, target, policy, state, business, budget, consumed, "
        "started_at, resumed_at, due_at, met_at, breached_at) "
        f"SELECT t.id, k.target, 'Standard', {state}, FALSE, {4 * HOUR * micro}, {consumed}, "
        f"{_ts(postgres, start)}, {resumed_at}, {due_at}, {met_at}, {breached_at} "
        f"FROM ticket t CROSS JOIN {targets} k"
    )
    return [f"INSERT INTO team (name) VALUES {teams}", ticket, clocks]


async def seed(data_dir: Path, clocks: int) -> None:
    from helpline import db

    async with running_desk(data_dir) as helpline:
        now = int(helpline.now().timestamp())
        started = time.perf_counter()
        for sql in seed_sql(helpline.is_postgres, max(1, clocks // 3), now):
            await helpline.engine.run_ddl(sql)
        await helpline.engine.run_ddl("ANALYZE")
        count = await db.fetchval(helpline.engine, "SELECT COUNT(*) AS n FROM sla_clock")
        print(f"seeded {count:,} clocks in {time.perf_counter() - started:.0f} s")


def load_report(path: Path | None) -> Any:
    """The report module: the installed one, or an older copy of it (`--before FILE`)."""
    if path is None:
        from helpline_sla import report_compliance

        return report_compliance
    spec = importlib.util.spec_from_file_location("sla_report_before", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def set_indexes(helpline: Any, present: bool) -> None:
    from helpline_sla.piccolo_migrations import sla_0002_report_indexes as migration

    for name, sql in zip(INDEXES, migration.INDEXES, strict=True):
        await helpline.engine.run_ddl(sql if present else f"DROP INDEX IF EXISTS {name}")
    await helpline.engine.run_ddl("VACUUM ANALYZE" if helpline.is_postgres else "ANALYZE")


async def time_report(helpline: Any, report: Any, label: str, rounds: int) -> None:
    from helpline import db
    from helpline_reports.metrics import Filters
    from helpline_reports.system import system_actor

    manager = system_actor()
    agent = await team_agent(helpline, manager)
    today = helpline.now().astimezone(UTC).date()
    print(f"{label} (best of {rounds} runs, seconds)")
    print(f"  {'range':<6} {'group_by':<9} {'manager':>9} {'team agent':>11}")
    for span, days in (("30d", 30), ("1y", 365)):
        for group_by in ("team", "agent"):
            filters = Filters(start=today - timedelta(days=days - 1), end=today, group_by=group_by)
            times = []
            for actor in (manager, agent):
                best, _ = await best_of(rounds, partial(report.run, helpline, actor, filters))
                times.append(best)
            print(f"  {span:<6} {group_by:<9} {times[0]:>9.3f} {times[1]:>11.3f}")
    if hasattr(report, "query"):
        for span, days in (("30 days", 30), ("1 year", 365)):
            month = Filters(start=today - timedelta(days=days - 1), end=today, group_by="team")
            for who, actor in (("manager", manager), ("team agent", agent)):
                sql, args = report.query(helpline, actor, month, "team")
                prefix = "EXPLAIN " if helpline.is_postgres else "EXPLAIN QUERY PLAN "
                rows = await db.fetch(helpline.engine, prefix + sql, *args)
                print(f"  plan ({span}, by team, {who}):")
                for row in rows:
                    line = row["QUERY PLAN"] if helpline.is_postgres else row.get("detail")
                    print(f"    {line}")


async def measure(data_dir: Path, before: Path | None, rounds: int) -> None:
    from helpline import db

    async with running_desk(data_dir) as helpline:
        count = await db.fetchval(helpline.engine, "SELECT COUNT(*) AS n FROM sla_clock")
        backend = "postgres" if helpline.is_postgres else "sqlite"
        print(f"{backend}: {count:,} clocks")
        if before is not None:
            await set_indexes(helpline, False)
            await time_report(helpline, load_report(before), f"before: {before.name}", rounds)
        await set_indexes(helpline, True)
        await time_report(
            helpline, load_report(None), "now: helpline_sla.report_compliance", rounds
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clocks", type=int, default=100_000)
    add_backend_arguments(parser)
    parser.add_argument("--data-dir", type=Path, help="an existing seeded desk: only time")
    parser.add_argument("--keep", type=Path, help="seed into this (empty) folder and keep it")
    parser.add_argument(
        "--before",
        type=Path,
        help="first time this copy of report_compliance.py without the report's indexes",
    )
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.data_dir is not None:
        desk_env(plugins="sla,reports")
        asyncio.run(measure(args.data_dir, args.before, args.rounds))
        return
    with (
        tempfile.TemporaryDirectory() as tmp,
        postgres_database(args, "helpline_bench_sla_compliance") as url,
    ):
        data_dir = args.keep or Path(tmp)
        data_dir.mkdir(parents=True, exist_ok=True)
        env = desk_env(url, plugins="sla,reports")
        init_desk(data_dir, env)
        asyncio.run(seed(data_dir, args.clocks))
        asyncio.run(measure(data_dir, args.before, args.rounds))


if __name__ == "__main__":
    main()
