"""`helpline greeter …`: the plugin's commands."""

from __future__ import annotations

import click


def add_commands(cli: click.Group) -> None:
    from helpline.cli.base import CliState, pass_state

    from helpline_greeter.notes import count

    @cli.group("greeter")
    def group() -> None:
        """Greeter."""

    @group.command("count")
    @pass_state
    def count_notes(state: CliState) -> None:
        """Print how many notes the plugin has written."""
        total = state.run(lambda helpline: count())
        click.echo(f"{total} note{'' if total == 1 else 's'}")
