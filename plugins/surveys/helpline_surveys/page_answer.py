"""`/p/surveys/a/<token>`: the page a survey link opens, no login needed.

It shows the survey, the ticket's subject and nothing else of the ticket. A link with `?r=N`
records that rating in one click; giving the same rating again changes nothing.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery

from helpline.errors import Invalid
from helpline.tables import Ticket as TicketRow
from helpline_surveys import answers, config, custom, links, scores
from helpline_surveys.sending import FIVE_LABELS, NPS_FOLLOW_UP, NPS_QUESTION
from helpline_web.api.auth import HelplineDep
from helpline_web.context import page


def _message(exc: Invalid) -> str:
    text = exc.message[:1].upper() + exc.message[1:]
    return text if text.endswith(".") else text + "."


async def _link_error(request: Request, exc: Invalid) -> Any:
    expired = "expired" in exc.message
    return await page(
        request,
        "surveys:link_error.html",
        status_code=410 if expired else 400,
        message=_message(exc),
        expired=expired,
    )


def _options(kind: str, settings: config.SurveySettings) -> list[tuple[int, str]]:
    if kind == "nps":
        return [(n, str(n)) for n in range(11)]
    if settings.csat_scale == "good_bad":
        return [(5, "Good"), (1, "Bad")]
    return [(n, f"{n} - {label}") for n, label in sorted(FIVE_LABELS.items())]


async def _render(
    request: Request,
    helpline: Any,
    sent: dict[str, Any],
    token: str,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    saved: bool = False,
    status_code: int = 200,
) -> Any:
    settings = await config.current(helpline)
    subject = None
    if sent["ticket"]:
        row = (
            await TicketRow.select(TicketRow.subject).where(TicketRow.id == sent["ticket"]).first()
        )
        subject = row["subject"] if row else None
    answer = await answers.get(sent["id"])
    survey = await custom.by_slug(sent["kind"]) if sent["kind"] not in ("csat", "nps") else None
    values = values or {
        "comment": answer["comment"] if answer else "",
        "reasons": answer["reasons"] if answer else [],
        **(answer["answers"] if answer else {}),
    }
    return await page(
        request,
        "surveys:answer.html",
        status_code=status_code,
        kind=sent["kind"],
        survey=survey,
        subject=subject,
        token=token,
        open=answers.is_open(helpline, sent),
        closes_at=sent["closes_at"],
        answer=answer,
        rating=scores.rating_label(answer["score"], settings.csat_scale) if answer else "",
        options=_options(sent["kind"], settings),
        reasons=settings.csat_reasons,
        nps_question=NPS_QUESTION,
        nps_follow_up=NPS_FOLLOW_UP,
        values=values,
        errors=errors or {},
        saved=saved,
    )


@get("/a/{token:str}", name="surveys-answer")
async def answer_page(
    request: Request, helpline: HelplineDep, token: FromPath[str], r: FromQuery[int | None] = None
) -> Any:
    try:
        sent = await links.open_token(helpline, token)
    except Invalid as exc:
        return await _link_error(request, exc)
    errors: dict[str, str] = {}
    saved = False
    if r is not None and sent["kind"] in ("csat", "nps"):
        try:
            await answers.record(helpline, sent["id"], score=r)
            saved = True
        except Invalid as exc:
            errors[exc.field] = _message(exc)
    return await _render(
        request,
        helpline,
        sent,
        token,
        errors=errors,
        saved=saved,
        status_code=400 if errors else 200,
    )


@post("/a/{token:str}", status_code=200)
async def answer_form(request: Request, helpline: HelplineDep, token: FromPath[str]) -> Any:
    try:
        sent = await links.open_token(helpline, token)
    except Invalid as exc:
        return await _link_error(request, exc)
    form = await request.form()
    values: dict[str, Any] = {key: form.get(key) for key in form}
    values["reasons"] = form.getall("reasons") if "reasons" in form else []
    try:
        if sent["kind"] in ("csat", "nps"):
            raw = str(values.get("score") or "").strip()
            score = None
            if raw:
                if not raw.lstrip("-").isdigit():
                    raise Invalid("score", "choose a rating")
                score = int(raw)
            await answers.record(
                helpline,
                sent["id"],
                score=score,
                comment=str(values.get("comment") or ""),
                reasons=values["reasons"] if sent["kind"] == "csat" else None,
            )
        else:
            await answers.record_custom(helpline, sent, values)
    except Invalid as exc:
        return await _render(
            request,
            helpline,
            sent,
            token,
            errors={exc.field: _message(exc)},
            values=values,
            status_code=400,
        )
    return await _render(request, helpline, sent, token, saved=True)


ROUTES = [answer_page, answer_form]
