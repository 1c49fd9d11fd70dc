"""`helpline routing …`: see each team's routing and route waiting tickets."""

from __future__ import annotations

import click


def add_commands(cli: click.Group) -> None:
    from helpline.cli.base import CliState, pass_state

    @cli.group()
    def routing() -> None:
        """Ticket routing: strategies, agents' load, waiting tickets."""

    @routing.command("status")
    @pass_state
    def status(state: CliState) -> None:
        """Each team's strategy and each agent's load."""
        from helpline_routing import load

        async def work(helpline):
            return await load.overview(helpline)

        for team in state.run(work):
            click.echo(
                f"{team['team']}: {team['strategy']}"
                + (f" → {team['fallback']}" if team["fallback"] else "")
                + f", {team['waiting']} waiting"
            )
            for a in team["agents"]:
                click.echo(
                    f"  {a['name']:<30} {a['open']:>3}/{a['capacity']:<3} {a['state']}"
                    + (f"  skills {a['skills']}" if a["skills"] else "")
                )

    @routing.command("drain")
    @click.argument("team")
    @pass_state
    def drain(state: CliState, team: str) -> None:
        """Route TEAM's waiting tickets (with the team, nobody assigned) now."""
        from helpline_routing import pool, store

        async def work(helpline):
            row = await store.team_row(int(team) if team.isdigit() else team)
            return await pool.drain(helpline, row["id"])

        click.echo(f"routed {state.run(work)} waiting ticket(s)")
