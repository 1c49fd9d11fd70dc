"""Shorthands for rule conditions and actions in tests."""

from __future__ import annotations

from typing import Any


def cond(field: str, op: str, value: str = "") -> dict[str, str]:
    return {"field": field, "op": op, "value": value}


def act(action: str, **params: str) -> dict[str, Any]:
    return {"action": action, "params": params}
