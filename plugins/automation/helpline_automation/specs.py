"""The shapes of conditions and actions, shared with plugins that add their own.

A plugin adds conditions or actions by implementing the `automation_conditions` /
`automation_actions` hooks (see hookspecs.py) with `@hookimpl(optionalhook=True)` and returning
`{name: ConditionSpec}` / `{name: ActionSpec}`. Names are stored in rules, so keep them stable;
prefix them with your plugin's slug (`webhooks.call`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from helpline.model import Actor, Ticket
    from helpline.runtime import Helpline

#: Operators a condition may offer, with the words the rule editor shows.
OPERATORS: dict[str, str] = {
    "is": "is",
    "is_not": "is not",
    "contains": "contains",
    "not_contains": "does not contain",
    "changed": "changed",
    "changed_to": "changed to",
    "changed_from": "changed from",
    "gt": "greater than",
    "lt": "less than",
    "within_business_hours": "within business hours",
    "outside_business_hours": "outside business hours",
}

#: Operators that need no value.
VALUELESS = frozenset({"changed", "within_business_hours", "outside_business_hours"})


@dataclass
class RunContext:
    """What a condition or an action knows about the run it is part of.

    - `rule`: the rule's (or macro's) name; `via`: the attribution written to the history,
      `"automation: <rule name>"` or `"macro: <name>"`.
    - `event`: what fired the rule (`ticket_created`, `ticket_updated`, `message_added`,
      `sla_warning`, `sla_breached`, `sla_escalated`, `survey_answered`, `schedule`, `macro`).
    - `changes`: for `ticket_updated`, each changed field → `(old, new)`; else empty.
    - `data`: extra facts of the event (`message` body/kind/author_id, `target`, `level`, `score`…).
    - `actor`: the agent applying a macro (their permissions apply); None for rules, which act
      as the system.
    - `dry_run`: True in the editor's dry run; actions are then *not* run (their `preview`, or
      the label and params, is shown instead), so `run` never sees True.
    """

    rule: str
    via: str
    event: str
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    actor: Actor | None = None
    dry_run: bool = False
    rule_id: int | None = None


@dataclass(frozen=True)
class ConditionSpec:
    """A fact about a ticket that rules can test.

    - `label`: shown in the condition builder.
    - `kind`: the value's kind for the editor: `text`, `number` (compared as numbers with
      gt/lt), `datetime`, `tags` (a list; `contains` tests membership), or `choice:a,b,c`.
    - `operators`: which of `OPERATORS` apply.
    - `value(helpline, ticket, context)`: the current value (sync or async).
    - `field`: the ticket field whose entry in `context.changes` the `changed*` operators read
      (None: those operators never match).
    """

    label: str
    value: Callable[[Helpline, Ticket, RunContext], Any]
    kind: str = "text"
    operators: tuple[str, ...] = ("is", "is_not")
    field: str | None = None


@dataclass(frozen=True)
class ActionSpec:
    """Something a rule or a macro does to a ticket.

    - `label`: shown in the editor; `params`: param name → kind (`text`, `longtext`, `url`,
      `number`, `user`, `team`, `choice:a,b,c`); every param arrives as a string.
    - `run(helpline, ticket, params, context) -> str`: does it and returns what it did, in words
      for the rule log ("set priority to high"). Raise to report a failure; the rule is then
      marked failing and the change that fired it goes on. Runs inside the rule's savepoint:
      slow or external work (HTTP) must be queued as a job (`helpline.jobs.enqueue`).
    - `preview(params) -> str`: what the dry run shows (default: label and params).
    - `sends_message`: the action writes to a person (reply, notification); it counts towards
      the per-ticket and per-recipient daily caps on automatic messages.
    """

    label: str
    run: Callable[[Helpline, Ticket, dict[str, str], RunContext], Awaitable[str]]
    params: dict[str, str] = field(default_factory=dict)
    preview: Callable[[dict[str, str]], str] | None = None
    sends_message: bool = False

    def describe(self, params: dict[str, str]) -> str:
        if self.preview is not None:
            return self.preview(params)
        shown = ", ".join(f"{k}={v}" for k, v in params.items() if v)
        return f"{self.label} ({shown})" if shown else self.label
