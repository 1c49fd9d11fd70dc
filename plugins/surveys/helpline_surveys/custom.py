"""Custom surveys: questions written one a line, their definitions, and who receives them."""

from __future__ import annotations

import json
import re
from typing import Any

import msgspec

from helpline.errors import Invalid, NotFound
from helpline_surveys.tables import SurveysSurvey

KINDS = ("rating", "choice", "text")
TRIGGERS = {
    "solved": "When a ticket is solved",
    "created": "When a ticket is created",
    "schedule": "On a schedule",
}
AUDIENCES = {
    "all": "All customers",
    "organization": "One organization",
    "tag": "Tickets with a tag",
}
RESERVED = {"csat", "nps"}
SLUG = re.compile(r"^[a-z][a-z0-9_-]{1,40}$")
MAX_QUESTIONS = 10


class Question(msgspec.Struct, kw_only=True):
    key: str
    kind: str
    text: str
    choices: list[str] = []


def parse_questions(text: str) -> list[Question]:
    """`rating: How was it?`, `choice: Which one? | A, B, C`, `text: Anything else?`, one a line."""
    questions: list[Question] = []
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        raise Invalid("questions", "add at least one question")
    if len(lines) > MAX_QUESTIONS:
        raise Invalid("questions", f"a survey has at most {MAX_QUESTIONS} questions")
    for n, line in enumerate(lines, 1):
        kind, colon, rest = line.partition(":")
        kind = kind.strip().lower()
        if not colon or kind not in KINDS:
            raise Invalid(
                "questions", f"line {n}: start with rating:, choice: or text: (got {line[:40]!r})"
            )
        wording, _bar, options = rest.partition("|")
        wording = wording.strip()
        if not wording:
            raise Invalid("questions", f"line {n}: write the question after {kind}:")
        choices = [c.strip() for c in options.split(",") if c.strip()]
        if kind == "choice" and len(choices) < 2:
            raise Invalid("questions", f"line {n}: list at least two choices after |, e.g. | A, B")
        if kind != "choice" and choices:
            raise Invalid("questions", f"line {n}: only choice questions take a list after |")
        questions.append(Question(key=f"q{n}", kind=kind, text=wording, choices=choices))
    return questions


def questions_text(questions: list[Question]) -> str:
    out = []
    for q in questions:
        tail = f" | {', '.join(q.choices)}" if q.choices else ""
        out.append(f"{q.kind}: {q.text}{tail}")
    return "\n".join(out)


def decode(row: dict[str, Any]) -> dict[str, Any]:
    row = dict(row)
    row["questions"] = msgspec.convert(json.loads(row["questions"] or "[]"), list[Question])
    return row


async def all_surveys() -> list[dict[str, Any]]:
    rows = await SurveysSurvey.select().order_by(SurveysSurvey.name)
    return [decode(r) for r in rows]


async def active(trigger: str | None = None) -> list[dict[str, Any]]:
    where = SurveysSurvey.active == True  # noqa: E712
    if trigger:
        where = where & (SurveysSurvey.trigger == trigger)
    return [decode(r) for r in await SurveysSurvey.select().where(where)]


async def get(survey_id: int) -> dict[str, Any]:
    row = await SurveysSurvey.select().where(SurveysSurvey.id == survey_id).first()
    if row is None:
        raise NotFound("no such survey")
    return decode(row)


async def by_slug(slug: str) -> dict[str, Any] | None:
    row = await SurveysSurvey.select().where(SurveysSurvey.slug == slug).first()
    return decode(row) if row else None


def matches_ticket(survey: dict[str, Any], ticket: Any, organization_name: str | None) -> bool:
    """Whether a ticket's requester is in the survey's audience."""
    audience, value = survey["audience"], (survey["audience_value"] or "").strip()
    if audience == "tag":
        return value.lower() in ticket.tags
    if audience == "organization":
        return organization_name is not None and organization_name.lower() == value.lower()
    return True
