"""CSAT and NPS for the reports plugin (its `report_metrics` hook), with the results page's
arithmetic (`scores`). helpline_reports is imported only inside `run`: the reports plugin is
the one calling it, so it is installed then."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from helpline import db
from helpline_surveys import scores

#: NPS classes, as `scores.nps` counts them: promoters 9-10, detractors 0-6.
PROMOTER, DETRACTOR = 9, 6


def metrics() -> dict[str, dict[str, Any]]:
    return {
        "csat": {
            "label": "Customer satisfaction (CSAT)",
            "description": "CSAT surveys sent and answered, response rate, satisfied customers "
            "(a rating of 4-5, or good) and CSAT % per group.",
            "kind": "table",
            "group_by": "agent",
            "run": run_csat,
        },
        "nps": {
            "label": "Net Promoter Score (NPS)",
            "description": "NPS answers: promoters (9-10), passives (7-8), detractors (0-6) and "
            "NPS = % promoters - % detractors. About customers, not tickets: managers only.",
            "kind": "table",
            "group_by": "day",
            "run": run_nps,
        },
    }


def _grouping(group_by: str, alias: str, filters: Any = None) -> tuple[str, str]:
    """SQL for the group key and an extra JOIN. Agent and team are the ones the survey was made
    for (kept when the ticket moves on, as on the results page); "day" is read in Python."""
    if group_by == "agent":
        return f"{alias}.agent_id", ""
    if group_by == "team":
        return f"{alias}.team_id", ""
    if group_by == "day":
        return "NULL", ""
    from helpline_reports.filters import group_expression

    return group_expression(group_by, "", filters)


async def _csat_rows(helpline: Any, actor: Any, filters: Any, group_by: str) -> tuple[list, list]:
    from helpline_reports.filters import ticket_conditions

    parts, cond_args = ticket_conditions(actor, filters)
    where = "".join(f" AND ({p})" for p in parts)
    start, end = filters.bounds()
    key, join = _grouping(group_by, "a", filters)
    answers = await db.fetch(
        helpline.engine,
        f"SELECT {key} AS grp, a.id AS id, a.score AS score, a.created_at AS at, "
        "s.status AS status "
        "FROM surveys_answer a JOIN surveys_sent s ON s.id = a.sent "
        f'JOIN "ticket" ON "ticket".id = a.ticket{join} '
        "WHERE a.kind = 'csat' AND a.score IS NOT NULL AND a.created_at >= {} "
        f"AND a.created_at < {{}}{where}",
        start,
        end,
        *cond_args,
    )
    key, join = _grouping(group_by, "s", filters)
    sent = await db.fetch(
        helpline.engine,
        f"SELECT {key} AS grp, s.id AS id, s.sent_at AS at FROM surveys_sent s "
        f'JOIN "ticket" ON "ticket".id = s.ticket{join} '
        "WHERE s.kind = 'csat' AND s.status = 'sent' AND s.sent_at >= {} "
        f"AND s.sent_at < {{}}{where}",
        start,
        end,
        *cond_args,
    )
    return answers, sent


def _csat_line(group: dict[str, Any]) -> list[Any]:
    rated = group["scores"]
    return [
        group["sent"],
        len(rated),
        scores.response_rate(group["delivered"], group["sent"]),
        sum(1 for s in rated if scores.is_good(s)),
        scores.csat_percent(rated),
    ]


async def run_csat(helpline: Any, actor: Any, filters: Any) -> dict[str, Any]:
    """Per group: sent, answered, response rate %, satisfied, CSAT %; totals; a CSAT % series
    per day when grouped by day."""
    from helpline_reports.facts import utc_day
    from helpline_reports.queries import labels

    group_by = filters.group_by or "agent"
    answers, sent = await _csat_rows(helpline, actor, filters, group_by)
    by_day = group_by == "day"
    groups: dict[Any, dict[str, Any]] = defaultdict(
        lambda: {"scores": [], "sent": 0, "delivered": 0}
    )
    # Grouped by tag, a survey comes once per tag of its ticket: the totals count it once.
    every = {"scores": [], "sent": len({s["id"] for s in sent}), "delivered": 0}
    counted: set[int] = set()
    for a in answers:
        for group in (groups[utc_day(a["at"]) if by_day else a["grp"]], every):
            if group is every and a["id"] in counted:
                continue
            group["scores"].append(int(a["score"]))
            # Answers to surveys no channel delivered are not "responses" (as on the results
            # page): they would push the rate past 100%.
            group["delivered"] += a["status"] == "sent"
        counted.add(a["id"])
    for s in sent:
        groups[utc_day(s["at"]) if by_day else s["grp"]]["sent"] += 1
    if by_day:
        keys = sorted(groups)
        names = {k: k.isoformat() for k in keys}
    else:
        names = await labels(helpline, group_by, list(groups))
        keys = sorted(groups, key=lambda k: str(names[k]))
    rows = [[names[k], *_csat_line(groups[k])] for k in keys]
    sent_n, answered, rate, satisfied, pct = _csat_line(every)
    totals = {"csat_pct": pct, "answered": answered, "satisfied": satisfied, "sent": sent_n}
    totals["response_rate"] = rate
    out: dict[str, Any] = {
        "columns": [group_by, "sent", "answered", "response_rate", "satisfied", "csat_pct"],
        "rows": rows,
        "totals": {k: float(v) for k, v in totals.items() if v is not None},
    }
    if by_day:
        # Only days with answers: a day nobody answered has no CSAT, not 0 %.
        out["series"] = {
            "csat_pct": [
                (k, float(scores.csat_percent(groups[k]["scores"])))
                for k in keys
                if groups[k]["scores"]
            ]
        }
    return out


#: Classes first, so the chart (three count columns at most) shows them.
NPS_COLUMNS = ["promoters", "passives", "detractors", "answers", "nps"]


def _nps_line(values: list[int]) -> list[Any]:
    promoters = sum(1 for s in values if s >= PROMOTER)
    detractors = sum(1 for s in values if s <= DETRACTOR)
    passives = len(values) - promoters - detractors
    return [promoters, passives, detractors, len(values), scores.nps(values)]


async def run_nps(helpline: Any, actor: Any, filters: Any) -> dict[str, Any]:
    """NPS answers are about a customer, not a ticket: no ticket filter can apply, only the date
    range; and only viewers who see every ticket (tickets.view_all) see them at all."""
    from helpline_reports.facts import utc_day
    from helpline_reports.queries import labels

    group_by = filters.group_by or "day"
    first = {"day": "day", "organization": "organization"}.get(group_by, "customers")
    columns = [first, *NPS_COLUMNS]
    if not (actor.staff and actor.can("tickets.view_all")):
        return {"columns": columns, "rows": [], "totals": {}}
    start, end = filters.bounds()
    answers = await db.fetch(
        helpline.engine,
        "SELECT a.score AS score, a.created_at AS at, u.organization AS org, s.status AS status "
        "FROM surveys_answer a JOIN users u ON u.id = a.customer "
        "JOIN surveys_sent s ON s.id = a.sent "
        "WHERE a.kind = 'nps' AND a.score IS NOT NULL AND a.created_at >= {} "
        "AND a.created_at < {}",
        start,
        end,
    )
    sent = await db.fetchval(
        helpline.engine,
        "SELECT COUNT(*) FROM surveys_sent s WHERE s.kind = 'nps' AND s.status = 'sent' "
        "AND s.sent_at >= {} AND s.sent_at < {}",
        start,
        end,
    )
    groups: dict[Any, list[int]] = defaultdict(list)
    for a in answers:
        key = utc_day(a["at"]) if first == "day" else a["org"] if first == "organization" else ""
        groups[key].append(int(a["score"]))
    if first == "day":
        names = {k: k.isoformat() for k in groups}
    elif first == "organization":
        names = await labels(helpline, "organization", list(groups))
    else:
        names = {"": "All customers"}
    keys = sorted(groups, key=lambda k: str(names[k]))
    rows = [[names[k], *_nps_line(groups[k])] for k in keys]
    every = [s for values in groups.values() for s in values]
    line = dict(zip(NPS_COLUMNS, _nps_line(every), strict=True))
    totals = {"nps": line.pop("nps"), **line}
    totals["sent"] = int(sent or 0)
    delivered = sum(1 for a in answers if a["status"] == "sent")
    totals["response_rate"] = scores.response_rate(delivered, totals["sent"])
    return {
        "columns": columns,
        "rows": rows,
        "totals": {k: float(v) for k, v in totals.items() if v is not None},
    }
