"""Admin forms to specs and back: the calendar and policy editors, and the escalation lines."""

from __future__ import annotations

import re
from typing import Any

from helpline.errors import Invalid
from helpline_sla.specs import (
    TARGETS,
    Action,
    CalendarSpec,
    Conditions,
    EscalationSpec,
    Holiday,
    PolicySpec,
    TargetSpec,
)

_STEP = re.compile(
    r"^\s*(?:(?P<target>[a-z_]+)\s+)?(?P<when>warning|breach|after\s+(?P<minutes>\d+)\s*(?:m|min|minutes)?)\s*:\s*(?P<actions>.+)$",
    re.IGNORECASE,
)


def _list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").replace("\n", ",").split(",") if part.strip()]


def parse_action(text: str) -> Action:
    word, _, rest = text.strip().partition(" ")
    word, rest = word.lower().replace("-", "_"), rest.strip()
    if word == "notify":
        return Action(action="notify", to=rest or "assignee")
    if word in ("reassign", "assign"):
        if rest.lower().startswith("to "):
            rest = rest[3:].strip()
        if not rest:
            raise Invalid("escalations", "reassign to which team?")
        return Action(action="reassign", team=rest)
    if word in ("raise_priority", "raise") and rest.lower() in ("", "priority"):
        return Action(action="raise_priority")
    if word in ("add_tag", "tag"):
        if not rest:
            raise Invalid("escalations", "add_tag needs a tag")
        return Action(action="add_tag", tag=rest)
    raise Invalid(
        "escalations",
        f"unknown action {text.strip()!r}: use notify, reassign, raise_priority or add_tag",
    )


def parse_escalations(text: str) -> list[EscalationSpec]:
    """Lines like `breach: notify assignee, add_tag late` or `resolution after 60: notify managers`.

    Blank lines and lines starting with `#` are skipped."""
    steps = []
    for line in (text or "").splitlines():
        if not line.strip() or line.strip().startswith("#"):
            continue
        match = _STEP.match(line)
        if not match:
            raise Invalid(
                "escalations",
                f"cannot read {line.strip()!r}: write e.g. 'after 60: notify managers'",
            )
        target = match.group("target")
        if target and target not in TARGETS:
            raise Invalid("escalations", f"unknown target {target!r}")
        when = match.group("when").split()[0].lower()
        actions = [parse_action(a) for a in match.group("actions").split(",") if a.strip()]
        steps.append(
            EscalationSpec(
                when=when, actions=actions, minutes=int(match.group("minutes") or 0), target=target
            )
        )
    return steps


def format_action(action: Action) -> str:
    if action.action == "notify":
        return f"notify {action.to}"
    if action.action == "reassign":
        return f"reassign {action.team}"
    if action.action == "add_tag":
        return f"add_tag {action.tag}"
    return "raise_priority"


def format_escalations(steps: list[EscalationSpec]) -> str:
    lines = []
    for step in steps:
        when = f"after {step.minutes}" if step.when == "after" else step.when
        prefix = f"{step.target} " if step.target else ""
        lines.append(f"{prefix}{when}: {', '.join(format_action(a) for a in step.actions)}")
    return "\n".join(lines)


def calendar_from_form(
    form: dict[str, Any], holidays_text: str, extra: list[Holiday] = ()
) -> CalendarSpec:
    holidays = list(extra)
    for line in (holidays_text or "").splitlines():
        if line.strip():
            day, _, name = line.strip().partition(" ")
            holidays.append(Holiday(date=day, name=name.strip() or "Holiday"))
    return CalendarSpec(
        name=(form.get("name") or "").strip(),
        timezone=(form.get("timezone") or "UTC").strip(),
        hours=[h for h in (form.get("hours") or "").splitlines() if h.strip()],
        holidays=holidays,
        country=(form.get("country") or "").strip() or None,
        subdivision=(form.get("subdivision") or "").strip() or None,
    )


def calendar_to_form(spec: CalendarSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "timezone": spec.timezone,
        "hours": "\n".join(spec.hours),
        "holidays": "\n".join(f"{h.date} {h.name}" for h in spec.holidays),
        "country": spec.country or "",
        "subdivision": spec.subdivision or "",
    }


def _int(value: Any, field: str) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise Invalid(field, f"{text!r} is not a whole number of minutes")
    return int(text)


def getall(form: Any, key: str) -> list[str]:
    """Every value of a repeated form field (checkboxes); none when absent."""
    if key not in form:
        return []
    return [v for v in form.getall(key) if isinstance(v, str) and v]


def policy_from_form(form: Any, priorities: list[str]) -> PolicySpec:
    """`form` is a multi-dict (`getall` for checkbox lists)."""

    def one(key: str) -> str:
        return (form.get(key) or "").strip()

    targets = []
    for target in TARGETS:
        business = one(f"{target}:business") == "1"
        warn = _int(one(f"{target}:warn"), f"{target}:warn")
        for priority in ["*", *priorities]:
            minutes = _int(one(f"{target}:{priority}"), f"{target}:{priority}")
            if minutes is not None:
                targets.append(
                    TargetSpec(
                        target=target,
                        minutes=minutes,
                        priority=priority,
                        business=business,
                        warn_before=warn,
                    )
                )
    custom: dict[str, list[Any]] = {}
    for line in one("custom_fields").splitlines():
        if line.strip():
            key, eq, values = line.partition("=")
            if not eq or not key.strip():
                raise Invalid("custom_fields", f"write name=value, not {line.strip()!r}")
            custom[key.strip()] = [v.strip() for v in values.split("|")]
    return PolicySpec(
        name=one("name"),
        position=_int(one("position"), "position") or 0,
        active=one("active") == "1",
        calendar=one("calendar") or None,
        targets=targets,
        conditions=Conditions(
            priority=getall(form, "priority"),
            type=getall(form, "type"),
            team=getall(form, "team"),
            channel=_list(one("channel")),
            organization=_list(one("organization")),
            tags=[t.lower() for t in _list(one("tags"))],
            custom_fields=custom,
        ),
        escalations=parse_escalations(form.get("escalations") or ""),
    )


def policy_to_form(spec: PolicySpec) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": spec.name,
        "position": str(spec.position),
        "active": "1" if spec.active else "",
        "calendar": spec.calendar or "",
        "priority": spec.conditions.priority,
        "type": spec.conditions.type,
        "team": spec.conditions.team,
        "channel": ", ".join(spec.conditions.channel),
        "organization": ", ".join(spec.conditions.organization),
        "tags": ", ".join(spec.conditions.tags),
        "custom_fields": "\n".join(
            f"{k}={'|'.join(map(str, v))}" for k, v in spec.conditions.custom_fields.items()
        ),
        "escalations": format_escalations(spec.escalations),
    }
    for target in spec.targets:
        values[f"{target.target}:{target.priority}"] = str(target.minutes)
        values[f"{target.target}:business"] = "1" if target.business else ""
        if target.warn_before is not None:
            values[f"{target.target}:warn"] = str(target.warn_before)
    return values


NEW_POLICY = {
    "active": "1",
    "position": "10",
    "first_response:business": "1",
    "next_response:business": "1",
    "periodic_update:business": "1",
    "resolution:business": "1",
    "escalations": "\n".join(
        (
            "warning: notify assignee",
            "breach: notify assignee, notify team_lead",
            "after 60: notify managers",
        )
    ),
}
