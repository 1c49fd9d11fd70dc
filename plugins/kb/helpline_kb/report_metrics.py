"""Knowledge base deflections for the reports plugin (its `report_metrics` hook).

helpline_reports is imported only inside `run`: the reports plugin is the one calling it, so it
is installed then. Articles are counted only if the viewer may read them (`access`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from helpline import db
from helpline_kb import access, activity


def metrics() -> dict[str, dict[str, Any]]:
    return {
        "kb_deflections": {
            "label": "Knowledge base deflections",
            "description": "Requests customers did not send because a suggested article solved "
            "their problem, and articles agents inserted into replies, per day and per article.",
            "kind": "series",
            "group_by": "day",
            "run": run,
        }
    }


def sees_desk_figures(actor: Any) -> bool:
    """Deflections and views belong to no ticket: shown to whoever may read the plugin's own
    report (/p/kb/report) — publishers and staff who see every ticket."""
    return actor.staff and (actor.can(access.PUBLISH) or actor.can("tickets.view_all"))


async def _deflections(helpline: Any, actor: Any, filters: Any) -> list[dict[str, Any]]:
    start, end = filters.bounds()
    return await db.fetch(
        helpline.engine,
        "SELECT d.article_id AS article, d.at AS at FROM kb_deflection d "
        "JOIN kb_article a ON a.id = d.article_id "
        f"WHERE a.state IN ({access.states_sql(actor)}) AND d.at >= {{}} AND d.at < {{}}",
        start,
        end,
    )


async def _inserts(helpline: Any, actor: Any, filters: Any) -> list[dict[str, Any]]:
    """Articles agents inserted into replies ("Insert link"/"Insert text"; a draft made from a
    ticket is not an insert), on tickets the viewer may see that match the filters."""
    from helpline_reports.filters import ticket_conditions

    parts, args = ticket_conditions(actor, filters)
    start, end = filters.bounds()
    more = "".join(f" AND ({p})" for p in parts)
    return await db.fetch(
        helpline.engine,
        "SELECT u.article_id AS article, u.at AS at FROM kb_usage u "
        'JOIN kb_article a ON a.id = u.article_id JOIN "ticket" ON "ticket".id = u.ticket_id '
        f"WHERE u.kind <> 'created' AND a.state IN ({access.states_sql(actor)}) "
        f"AND u.at >= {{}} AND u.at < {{}}{more}",
        start,
        end,
        *args,
    )


async def _titles(helpline: Any, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    marks = ", ".join("{}" for _ in ids)
    rows = await db.fetch(
        helpline.engine, f"SELECT id, title FROM kb_article WHERE id IN ({marks})", *ids
    )
    return {r["id"]: r["title"] for r in rows}


async def run(helpline: Any, actor: Any, filters: Any) -> dict[str, Any]:
    """Per day (series) and per article (rows): deflected requests, articles inserted into
    replies, and each article's views (all time: views are not kept per day)."""
    desk = sees_desk_figures(actor)
    deflected = await _deflections(helpline, actor, filters) if desk else []
    inserted = await _inserts(helpline, actor, filters)
    days = [filters.start + timedelta(days=i) for i in range(filters.days)]
    per_day: dict[str, dict[date, int]] = {
        "deflected": defaultdict(int),
        "inserted": defaultdict(int),
    }
    per_article: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    from helpline_reports.facts import utc_day

    for metric, index, found in (("deflected", 0, deflected), ("inserted", 1, inserted)):
        for row in found:
            per_day[metric][utc_day(row["at"])] += 1
            per_article[row["article"]][index] += 1
    ids = sorted(per_article)
    titles = await _titles(helpline, ids)
    views = await activity.views(helpline, ids) if desk else {}
    order = sorted(ids, key=lambda i: (-per_article[i][0], -per_article[i][1], titles[i], i))
    metrics = ("deflected", "inserted") if desk else ("inserted",)
    columns = ["article", *metrics] + (["views_all_time"] if desk else [])
    rows = []
    for i in order:
        counts = dict(zip(("deflected", "inserted"), per_article[i], strict=True))
        extra = [views.get(i, 0)] if desk else []
        rows.append([titles[i], *(counts[m] for m in metrics), *extra])
    return {
        "columns": columns,
        "rows": rows,
        "series": {m: [(d, float(per_day[m][d])) for d in days] for m in metrics},
        "totals": {m: float(sum(per_day[m].values())) for m in metrics},
    }
