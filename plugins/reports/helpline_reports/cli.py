"""`helpline reports …`: rebuild the facts, run a report, export."""

from __future__ import annotations

import sys
from typing import Any

import click


def add_commands(cli: click.Group) -> None:
    from helpline.cli.base import CliState, pass_state

    @cli.group()
    def reports() -> None:
        """Reports: rebuild the facts from the ticket history."""

    @reports.command("rebuild")
    @click.option("--batch", default=1000, show_default=True, help="Tickets per transaction.")
    @pass_state
    def rebuild(state: CliState, batch: int) -> None:
        """Recompute every ticket's facts and the daily rollups from the ticket history."""
        from helpline_reports import rollups

        def progress(done: int) -> None:
            if done % (batch * 20) == 0:
                click.echo(f"{done} tickets…", err=True)

        done = state.run(lambda h: rollups.rebuild(h, batch=batch, progress=progress))
        click.echo(f"Rebuilt the report facts of {done} tickets.")

    @reports.command("run")
    @click.argument("name")
    @click.option("--start", default="", help="First day, YYYY-MM-DD (default: 30 days ago).")
    @click.option("--end", default="", help="Last day, YYYY-MM-DD (default: today).")
    @click.option("--group-by", default="", help="day, team, agent, channel, type, ….")
    @click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv")
    @pass_state
    def run(state: CliState, name: str, start: str, end: str, group_by: str, fmt: str) -> None:
        """Print a report as seen by the system (every ticket)."""
        from helpline.errors import Invalid
        from helpline_reports.export import report_csv_lines, report_json
        from helpline_reports.metrics import Filters, run_report
        from helpline_reports.system import system_actor

        try:
            filters = Filters.from_query({"start": start, "end": end, "group_by": group_by})
        except Invalid as exc:
            raise click.BadParameter(
                exc.message, param_hint=f"--{exc.field.replace('_', '-')}"
            ) from None

        async def work(helpline: Any) -> Any:
            return await run_report(helpline, system_actor(), name, filters)

        report = state.run(work)
        if fmt == "json":
            sys.stdout.write(report_json(report).decode() + "\n")
        else:
            for line in report_csv_lines(report):
                sys.stdout.write(line)
