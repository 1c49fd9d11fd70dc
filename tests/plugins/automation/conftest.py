"""Automation test fixtures: a notification recorder and helpers to make rules and macros."""

from __future__ import annotations

from typing import Any

import pytest

from helpline import hookimpl


class Outbox:
    """Takes every notification (instead of a channel plugin)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    @hookimpl(tryfirst=True)
    def deliver_notification(self, recipient, subject, body):
        self.sent.append((recipient.email, subject, body))
        return True

    def to(self, email: str) -> list[str]:
        return [body for who, _, body in self.sent if who == email]


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


@pytest.fixture
def helpline_plugins(outbox):
    return [("automation_outbox", outbox)]


@pytest.fixture
def make_rule(helpline, admin):
    from helpline_automation import store

    async def make(name: str = "Rule", **fields: Any) -> dict[str, Any]:
        fields.setdefault("kind", "trigger")
        if fields["kind"] == "trigger":
            fields.setdefault("events", ["ticket_created"])
        return await store.save_rule(helpline, admin, {"name": name, **fields})

    return make


@pytest.fixture
def make_macro(helpline, admin):
    from helpline_automation import store

    async def make(name: str = "Macro", **fields: Any) -> dict[str, Any]:
        return await store.save_macro(helpline, admin, {"name": name, **fields})

    return make


@pytest.fixture
def helpline_settings_overrides():
    # Only this distribution's plugins: the tests do not depend on a channel or the SLA plugin.
    return {"plugins": ["automation", "webhooks"]}


@pytest.fixture
async def macro_agent(helpline, factory, admin):
    """An agent whose role may also apply macros."""
    from helpline.defaults.roles import AGENT
    from helpline.services import roles

    await roles.create_role(
        helpline,
        admin,
        name="macro-agent",
        label="Agent with macros",
        permissions=[*AGENT, "automation.apply_macros"],
    )
    return await factory.user("macro-agent")


@pytest.fixture
async def plain_agent(helpline, factory, admin):
    """An agent whose role may not apply macros (the built-in agent role may, on a new desk)."""
    from helpline.defaults.roles import AGENT
    from helpline.services import roles

    await roles.create_role(
        helpline, admin, name="plain-agent", label="Agent without macros", permissions=[*AGENT]
    )
    return await factory.user("plain-agent")
