"""Storing an answer (or a change to it) and announcing `survey_answered` in that transaction."""

from __future__ import annotations

import json
from typing import Any

from helpline.errors import Invalid
from helpline.runtime import Helpline
from helpline.services import history
from helpline.services.users import load_actor
from helpline_surveys import config, custom, scores
from helpline_surveys.tables import SurveysAnswer, SurveysSent
from helpline_surveys.triggers import load_ticket

UNSET: Any = object()


def scale_of(kind: str, settings: config.SurveySettings) -> tuple[int, int]:
    return (0, 10) if kind == "nps" else (1, 5)


def check_score(kind: str, settings: config.SurveySettings, score: int) -> int:
    low, high = scale_of(kind, settings)
    if kind == "csat" and settings.csat_scale == "good_bad" and score not in (1, 5):
        raise Invalid("score", "choose good or bad")
    if not low <= score <= high:
        raise Invalid("score", f"choose a rating from {low} to {high}")
    return score


def is_open(helpline: Helpline, sent: dict[str, Any]) -> bool:
    return sent["closes_at"] is None or sent["closes_at"] > helpline.now()


async def get(sent_id: int) -> dict[str, Any] | None:
    row = await SurveysAnswer.select().where(SurveysAnswer.sent == sent_id).first()
    if row:
        row["reasons"] = json.loads(row["reasons"] or "[]")
        row["answers"] = json.loads(row["answers"] or "{}")
    return row


async def record(
    helpline: Helpline,
    sent_id: int,
    *,
    score: int | None = UNSET,
    comment: str | None = None,
    reasons: list[str] | None = None,
    answers: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], bool]:
    """Store the customer's answer; (answer, changed). Giving the same answer again changes nothing.

    Invalid('survey') once the survey has closed.
    """
    settings = await config.current(helpline)
    async with helpline.transaction():
        sent = await SurveysSent.select().where(SurveysSent.id == sent_id).first()
        if sent is None:
            raise Invalid("token", "this link is not valid")
        if not is_open(helpline, sent):
            raise Invalid("survey", "this survey has closed")
        before = await get(sent_id)
        new = {
            "score": before["score"] if before else None,
            "comment": before["comment"] if before else "",
            "reasons": before["reasons"] if before else [],
            "answers": dict(before["answers"]) if before else {},
        }
        if score is not UNSET and score is not None:
            new["score"] = check_score(sent["kind"], settings, int(score))
        if comment is not None:
            new["comment"] = comment.strip()[:5000]
        if reasons is not None:
            allowed = set(settings.csat_reasons)
            new["reasons"] = [r for r in reasons if r in allowed]
        if answers is not None:
            new["answers"] |= answers
        new["answers"] |= _summary(sent["kind"], new)
        if before and all(before[k] == new[k] for k in ("score", "comment", "reasons", "answers")):
            return before, False
        now = helpline.now()
        values = {
            SurveysAnswer.score: new["score"],
            SurveysAnswer.comment: new["comment"],
            SurveysAnswer.reasons: json.dumps(new["reasons"]),
            SurveysAnswer.answers: json.dumps(new["answers"]),
            SurveysAnswer.changed_at: now,
        }
        if before:
            values[SurveysAnswer.changes] = before["changes"] + 1
            await SurveysAnswer.update(values).where(SurveysAnswer.id == before["id"])
        else:
            await SurveysAnswer.insert(
                SurveysAnswer(
                    sent=sent["id"],
                    kind=sent["kind"],
                    ticket=sent["ticket"],
                    customer=sent["customer"],
                    agent_id=sent["agent_id"],
                    team_id=sent["team_id"],
                    created_at=now,
                    **{column._meta.name: value for column, value in values.items()},
                )
            )
        await _announce(helpline, settings, sent, before, new)
        return await get(sent_id), True


def _summary(kind: str, new: dict[str, Any]) -> dict[str, Any]:
    if kind == "csat":
        return {"rating": new["score"], "reasons": new["reasons"], "comment": new["comment"]}
    if kind == "nps":
        return {"score": new["score"], "reason": new["comment"]}
    return {}


async def _announce(
    helpline: Helpline,
    settings: config.SurveySettings,
    sent: dict[str, Any],
    before: dict[str, Any] | None,
    new: dict[str, Any],
) -> None:
    customer = await load_actor(helpline, sent["customer"])
    ticket = await load_ticket(helpline, sent["ticket"]) if sent["ticket"] else None
    if ticket is not None and (before is None or before["score"] != new["score"]):
        label = _label(sent["kind"], settings)
        await history.record(
            helpline,
            ticket.id,
            customer,
            "survey",
            field=label,
            old=_show(sent["kind"], settings, before["score"] if before else None),
            new=_show(sent["kind"], settings, new["score"]),
        )
    await helpline.hook(
        "survey_answered",
        helpline=helpline,
        ticket=ticket,
        customer=customer,
        kind=sent["kind"],
        score=new["score"],
        comment=new["comment"] or _first_text(new["answers"]),
        answers=new["answers"],
    )


def _label(kind: str, settings: config.SurveySettings) -> str:
    return {"csat": "satisfaction rating", "nps": "NPS score"}.get(kind, f"{kind} survey rating")


def _show(kind: str, settings: config.SurveySettings, score: int | None) -> str | None:
    if score is None:
        return None
    return scores.rating_label(score, settings.csat_scale) if kind == "csat" else str(score)


def _first_text(answers: dict[str, Any]) -> str:
    for value in answers.values():
        if isinstance(value, str) and value.strip() and not value.isdigit():
            return value
    return ""


async def record_custom(
    helpline: Helpline, sent: dict[str, Any], form: dict[str, Any]
) -> tuple[dict[str, Any], bool]:
    """A custom survey's form: every question validated; the first rating becomes the score."""
    survey = await custom.by_slug(sent["kind"])
    if survey is None:
        raise Invalid("survey", "this survey no longer exists")
    answers: dict[str, Any] = {}
    score: int | None = None
    comment = ""
    for q in survey["questions"]:
        raw = str(form.get(q.key) or "").strip()
        if q.kind == "rating" and raw:
            if not raw.isdigit() or not 1 <= int(raw) <= 5:
                raise Invalid(q.key, "choose a rating from 1 to 5")
            answers[q.key] = int(raw)
            score = int(raw) if score is None else score
        elif q.kind == "choice" and raw:
            if raw not in q.choices:
                raise Invalid(q.key, "choose one of the options")
            answers[q.key] = raw
        elif q.kind == "text" and raw:
            answers[q.key] = raw[:5000]
            comment = comment or answers[q.key]
    if not answers:
        raise Invalid("form", "answer at least one question")
    return await record(helpline, sent["id"], score=score, comment=comment, answers=answers)
