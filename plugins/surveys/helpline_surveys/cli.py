"""`helpline surveys …`: send a round now, and print the scores."""

from __future__ import annotations

from typing import Any

import click


def add_commands(cli: click.Group) -> None:
    from helpline.cli.base import CliState, pass_state

    @cli.group()
    def surveys() -> None:
        """CSAT, NPS and custom surveys."""

    @surveys.command("send-round")
    @click.argument("kind", default="nps")
    @pass_state
    def send_round(state: CliState, kind: str) -> None:
        """Send a round of KIND (nps, or a scheduled custom survey's short name) now."""
        from helpline_surveys import rounds

        count = state.run(lambda helpline: rounds.run_round(helpline, kind, helpline.now()))
        click.echo(f"sent {count} {kind} survey{'s' if count != 1 else ''}")

    @surveys.command("scores")
    @click.option("--days", default=30, show_default=True, help="Look back this many days.")
    @pass_state
    def show_scores(state: CliState, days: int) -> None:
        """CSAT %, NPS and response rate over the last DAYS days, for every ticket."""
        from datetime import timedelta

        from helpline.services.tickets import SYSTEM
        from helpline_surveys import results

        async def work(helpline: Any) -> dict[str, Any]:
            start = helpline.now() - timedelta(days=days)
            return await results.summary(SYSTEM, start=start)

        totals = state.run(work)["totals"]
        for label, key in (
            ("CSAT %", "csat"),
            ("NPS", "nps"),
            ("Response rate %", "response_rate"),
        ):
            value = totals[key]
            click.echo(f"{label}: {'n/a' if value is None else f'{value:g}'}")
        click.echo(f"Surveys sent: {totals['sent']}, answered: {totals['answered']}")
