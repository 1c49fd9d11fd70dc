"""What the web shell shows: the ticket panel, queue badges, API fields, portal panel, widget."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from markupsafe import Markup

from helpline.model import Actor, Ticket
from helpline.runtime import Helpline
from helpline_surveys import config, links, results, scores
from helpline_surveys.sending import FIVE_LABELS
from helpline_surveys.tables import SurveysAnswer, SurveysSent


async def latest_csat(ticket_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The newest CSAT survey of each ticket, with its answer if any."""
    if not ticket_ids:
        return {}
    sent = (
        await SurveysSent.select()
        .where((SurveysSent.kind == "csat") & SurveysSent.ticket.is_in(ticket_ids))
        .order_by(SurveysSent.id)
    )
    found = {row["ticket"]: {"sent": row, "answer": None} for row in sent}
    if found:
        ids = [v["sent"]["id"] for v in found.values()]
        for answer in await SurveysAnswer.select().where(SurveysAnswer.sent.is_in(ids)):
            answer["reasons"] = json.loads(answer["reasons"] or "[]")
            found[answer["ticket"]]["answer"] = answer
    return found


def _badge(score: int | None, scale: str) -> Markup:
    label = scores.rating_label(score, scale)
    tone = "good" if score is not None and scores.is_good(score) else "bad"
    text = {"good": "Good", "bad": "Bad"}.get(label, f"CSAT {label}")
    return Markup('<span class="badge survey-{}" title="Customer satisfaction">{}</span>').format(
        tone, text
    )


async def panel(helpline: Helpline, ticket: Ticket, actor: Actor) -> Markup | None:
    settings = await config.current(helpline)
    survey = (await latest_csat([ticket.id])).get(ticket.id)
    if survey is None:
        return None
    sent, answer = survey["sent"], survey["answer"]
    parts = []
    if answer and answer["score"] is not None:
        parts.append(Markup("<p>{}</p>").format(_badge(answer["score"], settings.csat_scale)))
        if answer["reasons"]:
            parts.append(Markup("<p class='small'>{}</p>").format(", ".join(answer["reasons"])))
        if answer["comment"]:
            parts.append(
                Markup("<blockquote class='survey-comment'>{}</blockquote>").format(
                    answer["comment"]
                )
            )
        changed = " (changed)" if answer["changes"] else ""
        parts.append(
            Markup("<p class='muted small'>Answered {}{}</p>").format(
                answer["changed_at"].strftime("%d %b %Y %H:%M UTC"), changed
            )
        )
    elif sent["status"] == "sent":
        parts.append(
            Markup("<p class='muted'>Survey sent {}; no answer yet.</p>").format(
                sent["sent_at"].strftime("%d %b %Y")
            )
        )
    else:
        parts.append(Markup("<p class='muted'>Survey not delivered: {}</p>").format(sent["error"]))
    return Markup("").join(parts)


async def badges(helpline: Helpline, tickets: list[Ticket]) -> dict[int, Any]:
    settings = await config.current(helpline)
    found = await latest_csat([t.id for t in tickets])
    return {
        ticket_id: _badge(s["answer"]["score"], settings.csat_scale)
        for ticket_id, s in found.items()
        if s["answer"] and s["answer"]["score"] is not None
    }


async def api_fields(helpline: Helpline, tickets: list[Ticket]) -> dict[int, dict[str, Any]]:
    settings = await config.current(helpline)
    found = await latest_csat([t.id for t in tickets])
    out: dict[int, dict[str, Any]] = {}
    for ticket in tickets:
        s = found.get(ticket.id)
        if s is None:
            out[ticket.id] = {"survey": None}
            continue
        answer = s["answer"] or {}
        out[ticket.id] = {
            "survey": {
                "kind": "csat",
                "status": s["sent"]["status"],
                "sent_at": _iso(s["sent"]["sent_at"]),
                "closes_at": _iso(s["sent"]["closes_at"]),
                "score": answer.get("score"),
                "rating": scores.rating_label(answer.get("score"), settings.csat_scale) or None,
                "reasons": answer.get("reasons", []),
                "comment": answer.get("comment", ""),
                "answered_at": _iso(answer.get("changed_at")),
            }
        }
    return out


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


async def portal_panel(helpline: Helpline, ticket: Ticket, actor: Actor) -> Markup | None:
    """The customer's own open CSAT survey: rating links (signed, the same as in the message)."""
    survey = (await latest_csat([ticket.id])).get(ticket.id)
    if survey is None or survey["sent"]["customer"] != actor.id:
        return None
    sent, answer = survey["sent"], survey["answer"]
    if sent["closes_at"] is not None and sent["closes_at"] <= helpline.now():
        if answer and answer["score"] is not None:
            settings = await config.current(helpline)
            return Markup("<p>You rated this request {}.</p>").format(
                scores.rating_label(answer["score"], settings.csat_scale)
            )
        return None
    settings = await config.current(helpline)
    current = answer["score"] if answer else None
    options = (
        [(5, "Good"), (1, "Bad")]
        if settings.csat_scale == "good_bad"
        else [(n, f"{n} - {label}") for n, label in FIVE_LABELS.items()]
    )
    items = Markup("").join(
        Markup('<a class="button{}" href="{}">{}</a> ').format(
            " primary" if value == current else "", links.url_for(helpline, sent, value), label
        )
        for value, label in options
    )
    intro = (
        "You can change your rating until the survey closes."
        if current
        else ("How would you rate the support you received?")
    )
    return Markup('<p>{}</p><p class="survey-choices">{}</p>').format(intro, items)


async def widget(helpline: Helpline, actor: Actor) -> Markup:
    start = helpline.now() - timedelta(days=30)
    data = await results.summary(actor, start=start)
    totals = data["totals"]
    csat = "-" if totals["csat"] is None else f"{totals['csat']:g}%"
    rate = "-" if totals["response_rate"] is None else f"{totals['response_rate']:g}%"
    nps = (
        ""
        if totals["nps"] is None
        else Markup(" · NPS <strong>{}</strong>").format(f"{totals['nps']:g}")
    )
    return Markup(
        "<p>CSAT <strong>{}</strong> of {} ratings · response rate {}{}</p>"
        '<p class="small"><a href="/p/surveys/">Survey results</a> (last 30 days)</p>'
    ).format(csat, totals["csat_count"], rate, nps)
