"""Aggregates for managers and the reports plugin: CSAT %, NPS and response rate, by agent/team.

Every figure about tickets goes through `visible_tickets(actor)`; NPS and other surveys sent
about no ticket are counted for viewers who see every ticket.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from helpline.model import Actor
from helpline.tables import Team, User
from helpline.tables import Ticket as TicketRow
from helpline.visibility import visible_tickets
from helpline_surveys import scores
from helpline_surveys.tables import SurveysAnswer, SurveysSent


def _where(table: Any, actor: Actor, filters: dict[str, Any]) -> Any:
    visible = TicketRow.select(TicketRow.id).where(visible_tickets(actor))
    clause = table.ticket.is_in(visible)
    if (
        actor.can("tickets.view_all")
        and filters.get("team") is None
        and filters.get("agent") is None
    ):
        clause = clause | table.ticket.is_null()  # NPS: about no ticket
    if filters.get("start"):
        clause = clause & (table.created_at >= filters["start"])
    if filters.get("end"):
        clause = clause & (table.created_at < filters["end"])
    if filters.get("team") is not None:
        clause = clause & (table.team_id == filters["team"])
    if filters.get("agent") is not None:
        clause = clause & (table.agent_id == filters["agent"])
    return clause


async def summary(actor: Actor, **filters: Any) -> dict[str, Any]:
    """Totals, per-agent and per-team rows, and the latest comments."""
    answers = await SurveysAnswer.select(
        SurveysAnswer.kind,
        SurveysAnswer.score,
        SurveysAnswer.agent_id,
        SurveysAnswer.team_id,
        SurveysAnswer.comment,
        SurveysAnswer.changed_at,
        SurveysAnswer.ticket.number,
        SurveysAnswer.ticket.subject,
        SurveysAnswer.sent.status,
    ).where(_where(SurveysAnswer, actor, filters))
    sent = await SurveysSent.select(
        SurveysSent.kind, SurveysSent.agent_id, SurveysSent.team_id
    ).where(_where(SurveysSent, actor, filters) & (SurveysSent.status == "sent"))
    by_kind_sent: dict[str, int] = defaultdict(int)
    for row in sent:
        by_kind_sent[row["kind"]] += 1
    csat = [a["score"] for a in answers if a["kind"] == "csat" and a["score"] is not None]
    nps_scores = [a["score"] for a in answers if a["kind"] == "nps" and a["score"] is not None]
    # The response rate counts answers to delivered surveys only (a portal answer to a survey
    # whose message failed would otherwise push it past 100%).
    answered = defaultdict(int)
    for a in answers:
        if a["sent.status"] == "sent":
            answered[a["kind"]] += 1
    totals = {
        "csat": scores.csat_percent(csat),
        "csat_count": len(csat),
        "csat_good": sum(1 for s in csat if scores.is_good(s)),
        "nps": scores.nps(nps_scores),
        "nps_count": len(nps_scores),
        "sent": len(sent),
        "answered": sum(answered.values()),
        "response_rate": scores.response_rate(
            sum(answered[k] for k in by_kind_sent), sum(by_kind_sent.values())
        ),
        "csat_response_rate": scores.response_rate(answered["csat"], by_kind_sent["csat"]),
        "nps_response_rate": scores.response_rate(answered["nps"], by_kind_sent["nps"]),
    }
    groups = {
        "agents": await _groups(answers, sent, "agent_id", User, User.name),
        "teams": await _groups(answers, sent, "team_id", Team, Team.name),
    }
    comments = sorted(
        (a for a in answers if a["comment"]), key=lambda a: a["changed_at"], reverse=True
    )[:20]
    return {"totals": totals, **groups, "comments": comments}


async def _groups(
    answers: list[dict], sent: list[dict], field: str, table: Any, name: Any
) -> list[dict[str, Any]]:
    rows: dict[Any, dict[str, Any]] = {}
    for s in sent:
        if s["kind"] == "csat":
            rows.setdefault(s[field], {"scores": [], "sent": 0, "answered": 0})["sent"] += 1
    for a in answers:
        if a["kind"] == "csat" and a["score"] is not None:
            row = rows.setdefault(a[field], {"scores": [], "sent": 0, "answered": 0})
            row["scores"].append(a["score"])
            row["answered"] += a["sent.status"] == "sent"
    ids = [k for k in rows if k is not None]
    names = {}
    if ids:
        names = {
            r["id"]: r["name"]
            for r in await table.select(table.id, name).where(table.id.is_in(ids))
        }
    out = []
    for key, row in rows.items():
        out.append(
            {
                "id": key,
                "name": names.get(key, "Nobody" if key is None else f"#{key}"),
                "csat": scores.csat_percent(row["scores"]),
                "answers": len(row["scores"]),
                "good": sum(1 for s in row["scores"] if scores.is_good(s)),
                "sent": row["sent"],
                "response_rate": scores.response_rate(row["answered"], row["sent"]),
            }
        )
    return sorted(out, key=lambda r: (r["csat"] is None, -(r["csat"] or 0), r["name"]))


def parse_day(text: str | None) -> datetime | None:
    from datetime import UTC

    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None
