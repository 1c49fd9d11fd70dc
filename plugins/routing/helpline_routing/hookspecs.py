"""Hooks the routing plugin offers to other plugins."""

from __future__ import annotations

from typing import Any

from helpline import hookspec


@hookspec
def routing_strategies(helpline: Any) -> dict[str, Any]:
    """Return more assignment strategies teams can choose: {name: Strategy}.

    A `Strategy` (see `helpline_routing.strategies`) has a `label` and an async
    `pick(ctx) -> Pick | None`; a name equal to a built-in one replaces it.
    """
