"""A daily job that drops old rule log entries and spent message-cap records."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from helpline import jobs
from helpline.runtime import Helpline
from helpline_automation.settings import settings_of
from helpline_automation.tables import AutomationLog, AutomationSent

PRUNE = "automation.prune"
KEY = "automation.prune"


async def ensure(helpline: Helpline) -> None:
    """Queue the daily prune unless it is already queued (called whenever a rule is saved)."""
    if not await jobs.list_jobs(helpline, status="queued", kind=PRUNE, limit=1):
        await jobs.enqueue(helpline, PRUNE, {}, run_at=helpline.now() + timedelta(days=1), key=KEY)


async def on_prune(helpline: Helpline, payload: dict[str, Any]) -> None:
    now = helpline.now()
    async with helpline.transaction():
        await AutomationLog.delete().where(
            AutomationLog.at < now - timedelta(days=settings_of(helpline).log_days)
        )
        # The caps count the last 24 hours only.
        await AutomationSent.delete().where(AutomationSent.at < now - timedelta(days=2))
        await jobs.enqueue(helpline, PRUNE, {}, run_at=now + timedelta(days=1), key=KEY)
