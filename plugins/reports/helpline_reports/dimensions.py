"""Dimensions other plugins add to every report (``report_dimensions``), e.g. the email plugin's
mailbox: a filter and a group_by over an SQL expression about the ticket."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec

from helpline.runtime import Helpline
from helpline_reports.metrics import GROUP_BY


class Dimension(msgspec.Struct, frozen=True):
    name: str
    label: str
    #: SQL over the ticket row read as "ticket" (columns id, team, channel…) giving the key.
    expression: str
    #: async (helpline) -> [(key, label), …]: what to offer in the filter form and to name rows.
    options: Callable[[Any], Awaitable[list[tuple[Any, str]]]]


async def contributed(helpline: Helpline) -> dict[str, Dimension]:
    """Every dimension plugins contribute, by name (names of built-in ones are refused)."""
    found: dict[str, Dimension] = {}
    try:
        results = await helpline.hook("report_dimensions", helpline=helpline)
    except AttributeError:  # the hook is not declared: the reports plugin is not loaded
        return found
    for result in results:
        for name, spec in (result or {}).items():
            if name in GROUP_BY or name in found or not callable(spec.get("options")):
                continue
            found[name] = Dimension(
                name=name,
                label=spec.get("label", name),
                expression=spec["expression"],
                options=spec["options"],
            )
    return found


async def expressions(helpline: Helpline) -> dict[str, str]:
    """{name: SQL expression} of the contributed dimensions, for ``Filters.from_query``."""
    return {name: d.expression for name, d in (await contributed(helpline)).items()}


async def labels(helpline: Helpline, name: str, keys: list[Any]) -> dict[Any, str]:
    dimension = (await contributed(helpline)).get(name)
    names = dict(await dimension.options(helpline)) if dimension else {}
    return {k: "(none)" if k is None else names.get(k, str(k)) for k in keys}
