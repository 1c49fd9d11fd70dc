"""Hooks the reports plugin offers to other plugins (see the plugin README)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from helpline import hookspec


@hookspec(firstresult=True)
def reports_business_minutes(
    helpline: Any, spans: list[tuple[int, datetime, datetime]]
) -> list[float | None] | None:
    """Business minutes of each (ticket id, start, end) span under the calendar that applies to
    that ticket: a list aligned with `spans`, None where no calendar applies (the reports then use
    calendar minutes). Called once per batch of up to a thousand tickets (two spans each, for the
    first response and the solve). None: the plugin has nothing to say. May be async."""


@hookspec
def report_metrics(helpline: Any) -> dict[str, dict[str, Any]]:
    """More reports: {name: {"label", "description", "kind" ("series"|"table"|"distribution"),
    "group_by", "run"}} where `run(helpline, actor, filters)` is an async callable returning a
    dict with any of "columns" (list[str]), "rows" (list[list]), "series"
    ({metric: [(date, float), ...]}) and "totals" ({metric: float}). `filters` is the reports
    Filters struct (start, end, team_id, assignee_id, channel, type, priority, tag,
    organization_id, group_by); `run` must itself respect what `actor` may see (use
    helpline.visibility.visible_tickets). It is called twice per run: for the range and for the
    previous period of equal length."""


@hookspec
def report_dimensions(helpline: Any) -> dict[str, dict[str, Any]]:
    """More ways to filter and group every report: {name: {"label", "expression", "options"}}.
    `expression` is SQL over the ticket row read as "ticket" (columns id, team, assignee,
    organization, channel, type, priority) giving the ticket's key — typically a correlated
    subquery into the plugin's own table; it must not contain `{}`. `options` is an async
    callable (helpline) returning [(key, label), …] to offer in the filter form and to name
    rows. The query parameter `name=<key>` filters (compared as text), `group_by=name` groups.
    Names of built-in dimensions are refused. The email plugin contributes "mailbox"."""
