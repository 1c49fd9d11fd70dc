"""Keep the delivery log bounded: finished deliveries older than `keep_days` are deleted daily."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import click

from helpline import db, jobs
from helpline.runtime import Helpline
from helpline_automation.webhooks.tables import WebhookDelivery

PRUNE = "webhooks.prune"
KEY = "webhooks:prune"


async def prune(helpline: Helpline, days: int | None = None) -> int:
    """Delete finished deliveries (and their attempts) older than `days`; returns how many."""
    days = helpline.plugin_settings["webhooks"].keep_days if days is None else days
    cutoff = helpline.now() - timedelta(days=days)
    rows = await WebhookDelivery.raw(
        "DELETE FROM webhooks_delivery WHERE status <> 'pending' AND created_at < {} RETURNING id",
        cutoff,
    )
    return len(rows)


async def plan(helpline: Helpline) -> None:
    """Queue the daily prune unless one is waiting or there is no webhook (so nothing to prune).

    Every process calls this at start, and creating a webhook calls it too.
    """
    try:
        waiting = await db.fetch(
            helpline.engine,
            "SELECT 1 AS x FROM job WHERE key = {} AND status IN ('queued', 'running')",
            KEY,
        )
        any_webhook = await db.fetch(
            helpline.engine, "SELECT 1 AS x FROM webhooks_subscription LIMIT 1"
        )
    except Exception:  # tables not migrated yet (`helpline init` runs next)
        return
    if any_webhook and not waiting:
        await jobs.enqueue(helpline, PRUNE, {}, run_at=helpline.now() + timedelta(hours=1), key=KEY)


async def on_prune(helpline: Helpline, payload: dict[str, Any]) -> None:
    await prune(helpline)
    await jobs.enqueue(helpline, PRUNE, {}, run_at=helpline.now() + timedelta(days=1), key=KEY)


def add_commands(cli: click.Group) -> None:
    from helpline.cli.base import CliState, pass_state

    @cli.group()
    def webhooks() -> None:
        """Outbound webhooks."""

    @webhooks.command("prune")
    @click.option("--days", type=int, default=None, help="Keep this many days (default: setting).")
    @pass_state
    def prune_command(state: CliState, days: int | None) -> None:
        """Delete finished deliveries older than --days from the delivery log."""
        deleted = state.run(lambda helpline: prune(helpline, days))
        click.echo(f"deleted {deleted} deliveries")
