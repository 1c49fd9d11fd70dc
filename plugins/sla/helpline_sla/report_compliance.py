"""The "SLA compliance" report offered to the reports plugin (`report_metrics`).

Each clock row of a ticket's target is counted once, on the UTC day its outcome became known:
met on the day it was met in time, breached on the day it fell due. A breach is any of: the
breach the timer recorded (`breached_at`), a target met when its budget was already used up
(met late, before its timer ran), or a running target past its due time whose timer has not
run yet. Paused and running targets not yet due, and cancelled ones (merged tickets), do not
count.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from helpline import db
from helpline.runtime import Helpline

NAME = "sla_compliance"
#: Targets reported. `periodic_update` is left out: its clock row starts over at every agent
#: reply, so a cycle met in time leaves no trace to count.
TARGETS = ("first_response", "next_response", "resolution")
DEFAULT_GROUP = "team"

#: The outcome of a clock row and the instant it became known, in four index-friendly parts
#: (UNION ALL; each row in exactly one). Each filters one column by the range and repeats, as
#: written, the conditions of its partial index (migration sla_0002_report_indexes), so both
#: SQLite and PostgreSQL read an index range instead of every clock (an OR over the three
#: instants defeats any one index). Placeholders: start, end (and now, in the third).
_PARTS = (
    # The breach the timer recorded, on the day it fell due.
    ("'breached'", "c.breached_at", "c.breached_at >= {} AND c.breached_at < {}"),
    # Met late with its budget used up, the breach not recorded: on the day it fell due.
    (
        "'breached'",
        "c.due_at",
        "c.due_at >= {} AND c.due_at < {} AND c.breached_at IS NULL "
        "AND c.met_at IS NOT NULL AND c.consumed >= c.budget",
    ),
    # Running past its due time, its timer not run yet: on the day it fell due.
    (
        "'breached'",
        "c.due_at",
        "c.due_at >= {} AND c.due_at < {} AND c.due_at <= {} AND c.breached_at IS NULL "
        "AND c.met_at IS NULL AND c.resumed_at IS NOT NULL",
    ),
    # Met in time, or met late without a due time: on the day met.
    (
        "CASE WHEN c.consumed >= c.budget THEN 'breached' ELSE 'met' END",
        "c.met_at",
        "c.met_at >= {} AND c.met_at < {} AND c.met_at IS NOT NULL AND c.breached_at IS NULL "
        "AND (c.consumed < c.budget OR c.due_at IS NULL)",
    ),
)


def spec() -> dict[str, Any]:
    return {
        "label": "SLA compliance",
        "description": "SLA targets met and breached in the range, per target, with the share "
        "met in time (met on the day met, breached on the day due).",
        "kind": "table",
        "group_by": DEFAULT_GROUP,
        "run": run,
    }


def _day_sql(column: str, postgres: bool) -> str:
    if postgres:
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    return f"substr({column}, 1, 10)"  # stored as UTC text: 'YYYY-MM-DD HH:MM:SS…+00:00'


def query(helpline: Helpline, actor: Any, filters: Any, group_by: str) -> tuple[str, list[Any]]:
    """The SQL (with `{}` placeholders) and its arguments counting targets met and breached in
    the range: rows (grp, target, outcome, n)."""
    from helpline_reports.filters import group_expression, ticket_conditions

    by_day = group_by == "day"
    expr, join = group_expression(None if by_day else group_by, "NULL", filters)
    parts, args = ticket_conditions(actor, filters)
    start, end = filters.bounds()
    targets = ", ".join("{}" for _ in TARGETS)
    selects, clock_args = [], []
    for outcome, at, window in _PARTS:
        selects.append(
            f"SELECT c.ticket AS ticket, c.target AS target, {outcome} AS outcome, {at} AS at "
            f"FROM sla_clock c WHERE {window} "
            f"AND c.state <> 'cancelled' AND c.target IN ({targets})"
        )
        clock_args += [*[start, end, helpline.now()][: window.count("{}")], *TARGETS]
    group = _day_sql("x.at", helpline.is_postgres) if by_day else expr
    where = f"WHERE {' AND '.join(parts)} " if parts else ""
    sql = (
        f"SELECT {group} AS grp, x.target AS target, x.outcome AS outcome, COUNT(*) AS n "
        f"FROM ({' UNION ALL '.join(selects)}) x "
        f'JOIN "ticket" ON "ticket".id = x.ticket{join} {where}'
        f"GROUP BY {group}, x.target, x.outcome"
    )
    return sql, [*clock_args, *args]


async def counts(
    helpline: Helpline, actor: Any, filters: Any, group_by: str
) -> dict[tuple[Any, str, str], int]:
    """{(group key, target, "met" | "breached"): number of targets} for the range."""
    sql, args = query(helpline, actor, filters, group_by)
    rows = await db.fetch(helpline.engine, sql, *args)
    return {(r["grp"], r["target"], r["outcome"]): int(r["n"]) for r in rows}


def pct(met: int, breached: int) -> float | None:
    """Share met in time, in % with two decimals; None when nothing came due."""
    return round(100 * met / (met + breached), 2) if met + breached else None


async def run(helpline: Helpline, actor: Any, filters: Any) -> dict[str, Any]:
    from helpline_reports.queries import labels

    group_by = filters.group_by or DEFAULT_GROUP
    found = await counts(helpline, actor, filters, group_by)
    if group_by == "day":
        days = (filters.end - filters.start).days + 1
        keys: list[Any] = [(filters.start + timedelta(days=i)).isoformat() for i in range(days)]
        names = {k: k for k in keys}
    else:
        names = await labels(helpline, group_by, sorted({k for k, _, _ in found}, key=str))
        keys = sorted(names, key=lambda k: str(names[k]))
    columns = [group_by]
    for target in TARGETS:
        columns += [f"{target}_met", f"{target}_breached", f"{target}_pct"]
    columns += ["met", "breached", "compliance_pct"]
    rows = []
    for key in keys:
        row: list[Any] = [names[key]]
        for target in TARGETS:
            met = found.get((key, target, "met"), 0)
            breached = found.get((key, target, "breached"), 0)
            row += [met, breached, pct(met, breached)]
        met = sum(found.get((key, t, "met"), 0) for t in TARGETS)
        breached = sum(found.get((key, t, "breached"), 0) for t in TARGETS)
        rows.append([*row, met, breached, pct(met, breached)])
    if group_by == "tag":  # a ticket counts under each of its tags: count the totals once
        found = await counts(helpline, actor, filters, "day")
    totals: dict[str, float] = {}
    for target in TARGETS:
        met = sum(n for (_, t, o), n in found.items() if t == target and o == "met")
        breached = sum(n for (_, t, o), n in found.items() if t == target and o == "breached")
        if (share := pct(met, breached)) is not None:
            totals[f"{target}_pct"] = share
    met = sum(n for (_, _, o), n in found.items() if o == "met")
    breached = sum(n for (_, _, o), n in found.items() if o == "breached")
    totals.update(met=float(met), breached=float(breached))
    if (share := pct(met, breached)) is not None:
        totals["compliance_pct"] = share
    return {"columns": columns, "rows": rows, "totals": totals}


__all__ = ["NAME", "TARGETS", "counts", "pct", "query", "run", "spec"]
