"""Admin pages (surveys.manage): CSAT and NPS settings, and the custom survey editor."""

from __future__ import annotations

import json
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from helpline.errors import Invalid
from helpline_surveys import config, custom, rounds
from helpline_surveys.tables import SurveysSurvey
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import flash
from helpline_web.pages.admin import admin_page, form_error

MANAGE = [requires("surveys.manage", staff=True)]


async def _settings_page(request: Request, values: dict, errors: dict, status_code: int = 200):
    return await admin_page(
        request,
        "surveys:settings.html",
        "surveys-settings",
        status_code=status_code,
        values=values,
        errors=errors,
        scales=config.SCALES,
    )


@get("/settings", guards=MANAGE)
async def settings_form(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    return await _settings_page(request, config.to_form(await config.current(helpline)), {})


@post("/settings", guards=MANAGE, status_code=200)
async def settings_save(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    form = await request.form()
    settings, values, errors = config.from_form({k: form.get(k) for k in form})
    if settings is None:
        return await _settings_page(request, values, errors, status_code=400)
    await config.save(helpline, settings)
    flash(request, "Survey settings saved.", "success")
    return Redirect("/p/surveys/settings", status_code=303)


# -- custom surveys ------------------------------------------------------------------------------

BLANK = {
    "name": "",
    "slug": "",
    "active": True,
    "trigger": "solved",
    "delay_minutes": "60",
    "schedule": "",
    "audience": "all",
    "audience_value": "",
    "questions": "rating: How satisfied are you with our service?\ntext: What could we do better?",
}


async def _survey_page(
    request: Request, survey_id: int | None, values: dict, errors: dict, status_code: int = 200
) -> Any:
    return await admin_page(
        request,
        "surveys:custom_form.html",
        "surveys-custom",
        status_code=status_code,
        survey_id=survey_id,
        values=values,
        errors=errors,
        triggers=custom.TRIGGERS,
        audiences=custom.AUDIENCES,
    )


@get("/custom", guards=MANAGE)
async def custom_list(request: Request, viewer: ViewerDep) -> Any:
    return await admin_page(
        request,
        "surveys:custom_list.html",
        "surveys-custom",
        surveys=await custom.all_surveys(),
        triggers=custom.TRIGGERS,
        audiences=custom.AUDIENCES,
    )


@get("/custom/new", guards=MANAGE)
async def custom_new(request: Request, viewer: ViewerDep) -> Any:
    return await _survey_page(request, None, dict(BLANK), {})


@get("/custom/{survey_id:int}", guards=MANAGE)
async def custom_edit(request: Request, viewer: ViewerDep, survey_id: FromPath[int]) -> Any:
    survey = await custom.get(survey_id)
    values = {**survey, "questions": custom.questions_text(survey["questions"])}
    values["delay_minutes"] = str(survey["delay_minutes"])
    return await _survey_page(request, survey_id, values, {})


def _check(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The row to store, and errors per field (every field checked, so all show at once)."""
    errors: dict[str, str] = {}
    row: dict[str, Any] = {}
    for field, check in (
        ("name", _name),
        ("slug", _slug),
        ("trigger", _trigger),
        ("delay_minutes", _delay),
        ("audience", _audience),
    ):
        try:
            row[field] = check(values.get(field))
        except Invalid as exc:
            errors[exc.field] = form_error(exc)[exc.field]
    row["active"] = bool(values.get("active"))
    row["audience_value"] = str(values.get("audience_value") or "").strip()[:200]
    if row.get("audience") in ("organization", "tag") and not row["audience_value"]:
        errors["audience_value"] = f"Name the {row['audience']}."
    schedule = str(values.get("schedule") or "").strip()
    from croniter import croniter

    if row.get("trigger") == "schedule" and not croniter.is_valid(schedule):
        errors["schedule"] = 'Write a schedule like "0 10 * * 1" (minute hour day month weekday).'
    row["schedule"] = schedule
    try:
        questions = custom.parse_questions(str(values.get("questions") or ""))
        row["questions"] = json.dumps(
            [
                {"key": q.key, "kind": q.kind, "text": q.text, "choices": q.choices}
                for q in questions
            ]
        )
    except Invalid as exc:
        errors["questions"] = form_error(exc)["questions"]
    return row, errors


def _name(value: Any) -> str:
    value = str(value or "").strip()
    if not value or len(value) > 200:
        raise Invalid("name", "give the survey a name of up to 200 characters")
    return value


def _slug(value: Any) -> str:
    value = str(value or "").strip().lower()
    if not custom.SLUG.match(value) or value in custom.RESERVED:
        raise Invalid("slug", "use 2-41 lowercase letters, digits, - or _ (not csat or nps)")
    return value


def _trigger(value: Any) -> str:
    if value not in custom.TRIGGERS:
        raise Invalid("trigger", "choose when the survey is sent")
    return str(value)


def _delay(value: Any) -> int:
    try:
        number = int(str(value or "0").strip())
    except ValueError:
        raise Invalid("delay_minutes", "enter a whole number of minutes") from None
    if not 0 <= number <= 60 * 24 * 30:
        raise Invalid("delay_minutes", "enter 0 to 43200 minutes")
    return number


def _audience(value: Any) -> str:
    if value not in custom.AUDIENCES:
        raise Invalid("audience", "choose who receives the survey")
    return str(value)


async def _save(request: Request, helpline: Any, survey_id: int | None) -> Any:
    form = await request.form()
    values = {k: form.get(k) for k in form}
    values["active"] = bool(form.get("active"))
    row, errors = _check(values)
    if not errors:
        clash = SurveysSurvey.slug == row["slug"]
        if survey_id is not None:
            clash = clash & (SurveysSurvey.id != survey_id)
        if await SurveysSurvey.exists().where(clash):
            errors["slug"] = "Another survey uses this short name."
    if errors:
        return await _survey_page(request, survey_id, values, errors, status_code=400)
    async with helpline.transaction():
        now = helpline.now()
        if survey_id is None:
            await SurveysSurvey.insert(SurveysSurvey(**row, created_at=now, updated_at=now))
        else:
            await custom.get(survey_id)
            await SurveysSurvey.update(
                {getattr(SurveysSurvey, k): v for k, v in row.items()}
                | {SurveysSurvey.updated_at: now}
            ).where(SurveysSurvey.id == survey_id)
        await rounds.schedule(helpline)
    flash(request, f"Survey “{row['name']}” saved.", "success")
    return Redirect("/p/surveys/custom", status_code=303)


@post("/custom", guards=MANAGE, status_code=200)
async def custom_create(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    return await _save(request, helpline, None)


@post("/custom/{survey_id:int}", guards=MANAGE, status_code=200)
async def custom_update(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, survey_id: FromPath[int]
) -> Any:
    return await _save(request, helpline, survey_id)


ROUTES = [
    settings_form,
    settings_save,
    custom_list,
    custom_new,
    custom_edit,
    custom_create,
    custom_update,
]
