"""The `helpline` command line: install, administer, serve and fill a desk with demo data."""

from __future__ import annotations

import click

from helpline.cli.base import CliState, HelplineGroup, pass_state
from helpline.cli.commands import init, migrate, tokens, users, worker
from helpline.cli.demo import demo
from helpline.cli.plugin_commands import plugins
from helpline.cli.quickstart import quickstart
from helpline.cli.serve import serve

__all__ = ["CliState", "cli", "main", "pass_state"]


@click.group(cls=HelplineGroup)
@click.option(
    "--data-dir",
    envvar="HELPLINE_DATA_DIR",
    default="./data",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Where helpline.toml, the SQLite database and attachments live.",
)
@click.version_option(package_name="helpline-core", prog_name="helpline")
@click.pass_context
def cli(ctx: click.Context, data_dir: str) -> None:
    """Helpline: a customer-support helpdesk."""
    ctx.obj = CliState(data_dir)


for command in (init, migrate, serve, worker, users, tokens, plugins, demo, quickstart):
    cli.add_command(command)


def main() -> None:
    """Entry point of the `helpline` console script."""
    cli(prog_name="helpline")
