"""`[plugin.routing]` settings."""

from __future__ import annotations

import msgspec


class RoutingSettings(msgspec.Struct, forbid_unknown_fields=True):
    #: Open tickets an agent can carry when no capacity is set for them.
    default_capacity: int = 10
    #: Team for new tickets no categorisation rule gave a team ("" = leave them without one).
    default_team: str = ""
    #: How many times an unanswered ticket is passed on before it stays where it is.
    max_reroutes: int = 3
