"""Settings: defaults from `[plugin.surveys]` in helpline.toml, overridden by what admins save."""

from __future__ import annotations

import json
from typing import Any

import msgspec
from croniter import croniter

from helpline.errors import Invalid
from helpline.runtime import Helpline
from helpline_surveys.tables import SurveysConfig

SCALES = {"good_bad": "Good / bad", "five": "1 to 5"}
DEFAULT_REASONS = [
    "Quick answer",
    "Friendly and helpful",
    "Solved my problem",
    "Slow answer",
    "Did not solve my problem",
    "Hard to understand",
]


class SurveySettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    #: Off until an admin switches it on: installing the plugin mails no customer by surprise.
    csat_enabled: bool = False
    #: Minutes between a ticket being solved and its survey going out.
    csat_delay_minutes: int = 1440
    #: good_bad (good = 5, bad = 1) or five (1-5)
    csat_scale: str = "good_bad"
    csat_reasons: list[str] = msgspec.field(default_factory=lambda: list(DEFAULT_REASONS))
    #: At most one CSAT survey per customer in this many days.
    cooldown_days: int = 7
    #: A survey takes answers (and changes) for this many days after it was sent.
    close_after_days: int = 14
    #: Tickets solved with one of these tags, or in one of these statuses, are spam: no survey.
    spam_tags: list[str] = msgspec.field(default_factory=lambda: ["spam"])
    spam_statuses: list[str] = msgspec.field(default_factory=lambda: ["spam"])
    nps_enabled: bool = False
    #: A cron expression in UTC: the first of each month at 10:00 by default.
    nps_schedule: str = "0 10 1 * *"
    nps_sample_size: int = 100
    #: Customers surveyed for NPS in the last N days are left out of a round.
    nps_cooldown_days: int = 90


EDITABLE = tuple(SurveySettings.__struct_fields__)


def check(settings: SurveySettings) -> dict[str, str]:
    """Problems per field ({} when the settings are fine)."""
    errors: dict[str, str] = {}
    if settings.csat_scale not in SCALES:
        errors["csat_scale"] = "Choose good / bad or 1 to 5."
    for field, low, high in (
        ("csat_delay_minutes", 0, 60 * 24 * 30),
        ("cooldown_days", 0, 365),
        ("close_after_days", 1, 365),
        ("nps_sample_size", 1, 100_000),
        ("nps_cooldown_days", 0, 3650),
    ):
        value = getattr(settings, field)
        if not low <= value <= high:
            errors[field] = f"Enter a number from {low} to {high}."
    if settings.nps_enabled or settings.nps_schedule:
        if not croniter.is_valid(settings.nps_schedule or ""):
            errors["nps_schedule"] = (
                'Not a schedule: write five fields like "0 10 1 * *" '
                "(minute hour day month weekday)."
            )
    if len(settings.csat_reasons) > 20 or any(len(r) > 100 for r in settings.csat_reasons):
        errors["csat_reasons"] = "At most 20 reasons of up to 100 characters."
    return errors


async def current(helpline: Helpline) -> SurveySettings:
    base = helpline.plugin_settings.get("surveys") or SurveySettings()
    row = (
        await SurveysConfig.select(SurveysConfig.value)
        .where(SurveysConfig.name == "settings")
        .first()
    )
    if not row:
        return base
    saved = json.loads(row["value"] or "{}")
    merged = msgspec.to_builtins(base) | {k: v for k, v in saved.items() if k in EDITABLE}
    try:
        return msgspec.convert(merged, SurveySettings)
    except msgspec.ValidationError:
        return base  # a stored value an older version wrote: fall back to the file's settings


async def save(helpline: Helpline, settings: SurveySettings) -> None:
    errors = check(settings)
    if errors:
        field, message = next(iter(errors.items()))
        raise Invalid(field, message)
    value = msgspec.json.encode(settings).decode()
    async with helpline.transaction():
        updated = (
            await SurveysConfig.update(
                {SurveysConfig.value: value, SurveysConfig.updated_at: helpline.now()}
            )
            .where(SurveysConfig.name == "settings")
            .returning(SurveysConfig.id)
        )
        if not updated:
            await SurveysConfig.insert(
                SurveysConfig(name="settings", value=value, updated_at=helpline.now())
            )
        from helpline_surveys import rounds

        await rounds.schedule(helpline, settings)


def from_form(form: dict[str, Any]) -> tuple[SurveySettings | None, dict[str, Any], dict[str, str]]:
    """Settings from the admin form: (settings or None, the values as typed, errors)."""
    values = {
        "csat_enabled": bool(form.get("csat_enabled")),
        "nps_enabled": bool(form.get("nps_enabled")),
        "csat_scale": str(form.get("csat_scale") or ""),
        "nps_schedule": str(form.get("nps_schedule") or "").strip(),
        "csat_reasons": str(form.get("csat_reasons") or ""),
        "spam_tags": str(form.get("spam_tags") or ""),
        "spam_statuses": str(form.get("spam_statuses") or ""),
    }
    errors: dict[str, str] = {}
    numbers: dict[str, int] = {}
    for field in (
        "csat_delay_minutes",
        "cooldown_days",
        "close_after_days",
        "nps_sample_size",
        "nps_cooldown_days",
    ):
        values[field] = str(form.get(field) or "").strip()
        try:
            numbers[field] = int(values[field])
        except ValueError:
            errors[field] = "Enter a whole number."
    if errors:
        return None, values, errors
    settings = SurveySettings(
        csat_enabled=values["csat_enabled"],
        csat_delay_minutes=numbers["csat_delay_minutes"],
        csat_scale=values["csat_scale"],
        csat_reasons=_lines(values["csat_reasons"]),
        cooldown_days=numbers["cooldown_days"],
        close_after_days=numbers["close_after_days"],
        spam_tags=[t.lower() for t in _words(values["spam_tags"])],
        spam_statuses=_words(values["spam_statuses"]),
        nps_enabled=values["nps_enabled"],
        nps_schedule=values["nps_schedule"],
        nps_sample_size=numbers["nps_sample_size"],
        nps_cooldown_days=numbers["nps_cooldown_days"],
    )
    errors = check(settings)
    return (None if errors else settings), values, errors


def to_form(settings: SurveySettings) -> dict[str, Any]:
    values = msgspec.to_builtins(settings)
    values["csat_reasons"] = "\n".join(settings.csat_reasons)
    values["spam_tags"] = ", ".join(settings.spam_tags)
    values["spam_statuses"] = ", ".join(settings.spam_statuses)
    return values


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _words(text: str) -> list[str]:
    return [w.strip() for w in text.replace("\n", ",").split(",") if w.strip()]
