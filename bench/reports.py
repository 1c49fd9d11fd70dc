"""Reports benchmark: the time of each report over N demo tickets, and of the raw export.

Seeds N tickets with `helpline demo` (only the reports plugin enabled; its `demo_data` hook
builds the facts), times `helpline reports rebuild`, then times every report over the whole
year of demo data and over the last 30 days, for a manager (rollups where possible) and for an
agent limited to the tickets of one team (facts + visibility), and the raw CSV export.

    uv run python bench/reports.py --tickets 100000 --backend sqlite
    uv run python bench/reports.py --tickets 100000 --backend postgres   # starts a throwaway server
    uv run python bench/reports.py --data-dir DIR   # time the reports of an existing SQLite desk
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from common import (
    add_backend_arguments,
    cli,
    desk_env,
    postgres_database,
    running_desk,
    seed_desk,
    team_agent,
)


async def measure(data_dir: Path, export: bool) -> None:
    import msgspec

    from helpline import db
    from helpline_reports.export import csv_stream
    from helpline_reports.metrics import (
        REPORTS,
        TICKET_COLUMNS,
        Filters,
        iter_ticket_rows,
        run_report,
    )
    from helpline_reports.system import system_actor

    async with running_desk(data_dir) as helpline:
        last = await db.fetchval(
            helpline.engine, "SELECT MAX(created_day) AS d FROM reports_ticket"
        )
        first = await db.fetchval(
            helpline.engine, "SELECT MIN(created_day) AS d FROM reports_ticket"
        )
        manager = system_actor()
        agent = await team_agent(helpline, manager)
        year = Filters.from_query({"start": first, "end": last})
        month = msgspec.structs.replace(year, start=year.end - timedelta(days=29))
        print(f"{'report':<16} {'range':<6} {'group_by':<9} {'manager s':>10} {'agent s':>9}")
        for name, spec in REPORTS.items():
            for label, filters in (("year", year), ("30d", month)):
                times = []
                for actor in (manager, agent):
                    started = time.perf_counter()
                    await run_report(helpline, actor, name, filters)
                    times.append(time.perf_counter() - started)
                print(
                    f"{name:<16} {label:<6} {spec.group_by:<9} {times[0]:>10.2f} {times[1]:>9.2f}"
                )
        if export:
            started, size = time.perf_counter(), 0
            async for chunk in csv_stream(
                TICKET_COLUMNS, iter_ticket_rows(helpline, manager, year)
            ):
                size += len(chunk)
            print(
                f"tickets.csv (whole year): {size / 1e6:.1f} MB "
                f"in {time.perf_counter() - started:.1f} s"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    add_backend_arguments(parser)
    parser.add_argument("--no-export", action="store_true", help="skip the raw CSV export")
    parser.add_argument(
        "--data-dir", type=Path, help="an existing desk with demo data: skip seeding, time reports"
    )
    args = parser.parse_args()
    if args.data_dir is not None:
        asyncio.run(measure(args.data_dir, not args.no_export))
        return
    with (
        tempfile.TemporaryDirectory() as tmp,
        postgres_database(args, "helpline_bench_reports") as url,
    ):
        data_dir = Path(tmp)
        env = desk_env(url, plugins="reports")  # other plugins' demo data would be timed too
        seconds = seed_desk(data_dir, env, args.tickets)
        print(f"{args.backend}: demo of {args.tickets:,} tickets (with facts) in {seconds:.0f} s")
        seconds = cli(data_dir, env, "reports", "rebuild")
        print(f"helpline reports rebuild: {seconds:.0f} s")
        asyncio.run(measure(data_dir, not args.no_export))


if __name__ == "__main__":
    main()
