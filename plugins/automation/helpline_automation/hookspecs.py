"""Hooks the automation plugin offers to other plugins.

Implement them with `@hookimpl(optionalhook=True)` so your plugin still loads without this one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from helpline import hookspec

if TYPE_CHECKING:
    from helpline.runtime import Helpline
    from helpline_automation.specs import ActionSpec, ConditionSpec


@hookspec
def automation_conditions(helpline: Helpline) -> dict[str, ConditionSpec]:
    """Return more conditions rules can test: `{name: ConditionSpec}`."""


@hookspec
def automation_actions(helpline: Helpline) -> dict[str, ActionSpec]:
    """Return more actions rules and macros can run: `{name: ActionSpec}`."""
