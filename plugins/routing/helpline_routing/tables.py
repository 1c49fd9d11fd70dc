"""The plugin's tables (app `routing`): per-team state, per-agent profiles, categorisation rules."""

from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from helpline.tables import Team, User


class RoutingTeam(Table, tablename="routing_team"):
    """How one team routes, and its round-robin cursor; the row routing locks (FOR UPDATE)."""

    team = ForeignKey(Team, on_delete=OnDelete.cascade, unique=True)
    strategy = Varchar(32, default="manual")
    #: The strategy tried when `strategy` finds nobody ("" = none).
    fallback = Varchar(32, default="")
    #: Route again when the assignee has not answered within this many minutes (0 = never).
    reroute_minutes = Integer(default=0)
    #: The user id round-robin gave the last ticket to.
    last_agent = Integer(null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())


class RoutingAgent(Table, tablename="routing_agent"):
    """An agent's availability, capacity, skills and working hours."""

    user = ForeignKey(User, on_delete=OnDelete.cascade, unique=True)
    available = Boolean(default=True)
    #: Open tickets the agent can carry; None = the plugin's `default_capacity`.
    capacity = Integer(null=True, default=None)
    #: {"skill": level 1-5} as JSON.
    skills = Text(default="{}")
    #: {"mon": ["09:00", "17:00"], …} as JSON; {} = always working.
    schedule = Text(default="{}")
    last_assigned_at = Timestamptz(null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())


class RoutingRule(Table, tablename="routing_rule"):
    """A categorisation rule; `spec` is a `RuleSpec` as JSON. Lowest `position` runs first."""

    name = Varchar(100, unique=True)
    position = Integer(default=0)
    active = Boolean(default=True)
    spec = Text(default="{}")
    updated_at = Timestamptz(default=TimestamptzNow())


ROUTING_TABLES: list[type[Table]] = [RoutingTeam, RoutingAgent, RoutingRule]
