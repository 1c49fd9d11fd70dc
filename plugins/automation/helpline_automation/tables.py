"""Tables of the automation plugin: rules, macros, their log, the time-rule ledger, sent caps."""

from piccolo.columns import Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from helpline.tables import Ticket


class AutomationRule(Table, tablename="automation_rule"):
    """A trigger (fires on events) or a time rule (runs on a cron schedule)."""

    name = Varchar(80, unique=True)
    #: `trigger` or `schedule`.
    kind = Varchar(16, default="trigger")
    #: JSON list of event names a trigger fires on.
    events = Text(default="[]")
    #: `all` or `any` of the conditions.
    match = Varchar(8, default="all")
    #: JSON list of `{"field", "op", "value"}`.
    conditions = Text(default="[]")
    #: JSON list of `{"action", "params": {…}}`.
    actions = Text(default="[]")
    position = Integer(default=0)
    enabled = Boolean(default=True)
    cron = Varchar(100, default="")
    run_limit = Integer(default=100)
    failing = Boolean(default=False)
    last_error = Text(default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()


class AutomationMacro(Table, tablename="automation_macro"):
    """A named bundle of actions plus a reply text, applied by agents."""

    name = Varchar(80, unique=True)
    description = Text(default="")
    reply = Text(default="")
    internal = Boolean(default=False)
    actions = Text(default="[]")
    position = Integer(default=0)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class AutomationLog(Table, tablename="automation_log"):
    """What a rule did (or failed to do), ticket by ticket."""

    rule = ForeignKey(AutomationRule, null=True, on_delete=OnDelete.cascade, index=True)
    ticket_number = Integer(null=True, default=None)
    event = Varchar(32, default="")
    #: `done`, `failed`, `skipped` (a cap or the loop guard stopped it).
    outcome = Varchar(16, default="done")
    detail = Text(default="")
    at = Timestamptz(index=True)


class AutomationLedger(Table, tablename="automation_ledger"):
    """A time rule acted on a ticket in one cycle: `key` = `<rule>:<ticket>:<cycle>`."""

    rule = ForeignKey(AutomationRule, on_delete=OnDelete.cascade, index=True)
    ticket = ForeignKey(Ticket, on_delete=OnDelete.cascade, index=True)
    key = Varchar(255, unique=True)
    at = Timestamptz()


class AutomationSent(Table, tablename="automation_sent"):
    """An automatic message to a person, counted against the daily caps."""

    ticket = ForeignKey(Ticket, on_delete=OnDelete.cascade, index=True)
    recipient = Integer(index=True)
    rule = ForeignKey(AutomationRule, null=True, on_delete=OnDelete.cascade)
    at = Timestamptz(index=True)


AUTOMATION_TABLES = [
    AutomationRule,
    AutomationMacro,
    AutomationLog,
    AutomationLedger,
    AutomationSent,
]
