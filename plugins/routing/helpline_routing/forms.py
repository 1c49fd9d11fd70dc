"""The categorisation rule form: to and from `RuleSpec`, keeping what the admin typed."""

from __future__ import annotations

from typing import Any

from helpline.errors import Invalid
from helpline_routing.rules import Condition, RuleSpec, format_skills, parse_skills

#: Blank condition rows offered below the filled ones.
SPARE_ROWS = 2


def rule_to_form(rule: RuleSpec | None) -> dict[str, Any]:
    if rule is None:
        return {"active": True, "match": "all", "position": "0", "rows": SPARE_ROWS + 1}
    values: dict[str, Any] = {
        "name": rule.name,
        "position": str(rule.position),
        "active": rule.active,
        "match": rule.match,
        "team": rule.team or "",
        "type": rule.type or "",
        "priority": rule.priority or "",
        "tags": ", ".join(rule.tags),
        "skills": format_skills(rule.skills),
        "stop": rule.stop,
        "rows": len(rule.conditions) + SPARE_ROWS,
    }
    for i, c in enumerate(rule.conditions):
        custom = c.field.startswith("custom:")
        values[f"conditions.{i}.field"] = "custom" if custom else c.field
        values[f"conditions.{i}.custom"] = c.field[7:] if custom else ""
        values[f"conditions.{i}.op"] = c.op
        values[f"conditions.{i}.value"] = c.value
    return values


def form_values(form: Any) -> dict[str, Any]:
    values: dict[str, Any] = {k: form.get(k) for k in form}
    values["active"] = form.get("active") == "1"
    values["stop"] = form.get("stop") == "1"
    rows = [int(k.split(".")[1]) for k in form if k.startswith("conditions.") and k.count(".") == 2]
    values["rows"] = max(rows, default=-1) + 1 + (0 if form.get("add_row") is None else 1)
    values["rows"] = max(values["rows"], 1)
    return values


def rule_from_form(values: dict[str, Any]) -> tuple[RuleSpec, list[int]]:
    """A RuleSpec from the submitted values, and the form row of each of its conditions."""
    try:
        position = int(str(values.get("position") or "0").strip())
    except ValueError:
        raise Invalid("position", "enter a whole number") from None
    conditions: list[Condition] = []
    rows_of: list[int] = []
    for i in range(int(values.get("rows") or 0)):
        field = str(values.get(f"conditions.{i}.field") or "")
        value = str(values.get(f"conditions.{i}.value") or "").strip()
        if not value:
            continue
        if field == "custom":
            name = str(values.get(f"conditions.{i}.custom") or "").strip()
            if not name:
                raise Invalid(f"conditions.{i}.custom", "name the custom field")
            field = f"custom:{name}"
        rows_of.append(i)
        conditions.append(
            Condition(field=field, op=str(values.get(f"conditions.{i}.op") or ""), value=value)
        )
    tags = [t.strip() for t in str(values.get("tags") or "").split(",") if t.strip()]
    return RuleSpec(
        name=str(values.get("name") or ""),
        position=position,
        active=bool(values.get("active")),
        match=str(values.get("match") or "all"),
        conditions=conditions,
        team=str(values.get("team") or "") or None,
        type=str(values.get("type") or "") or None,
        priority=str(values.get("priority") or "") or None,
        tags=tags,
        skills=parse_skills(str(values.get("skills") or "")),
        stop=bool(values.get("stop")),
    ), rows_of


def remap_error(field: str, rows: list[int]) -> str:
    """`conditions.1.value` of the parsed list → the form row it came from."""
    parts = field.split(".")
    if len(parts) == 3 and parts[0] == "conditions" and parts[1].isdigit():
        index = int(parts[1])
        if index < len(rows):
            return f"conditions.{rows[index]}.{parts[2]}"
    return field
