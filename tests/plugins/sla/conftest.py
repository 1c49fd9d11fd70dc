"""SLA test fixtures: a recorder of notifications and SLA events, and helpers to set up policies."""

from __future__ import annotations

from typing import Any

import pytest

from helpline import hookimpl


class Recorder:
    """Takes every notification (instead of the email plugin) and hears every SLA event."""

    def __init__(self) -> None:
        self.notifications: list[tuple[str, str]] = []
        self.events: list[tuple[Any, ...]] = []

    @hookimpl(tryfirst=True)
    def deliver_notification(self, recipient, subject, ticket):
        self.notifications.append((recipient.email, subject))
        return True

    @hookimpl
    def sla_warning(self, ticket, target, due_at):
        self.events.append(("warning", ticket.number, target, due_at))

    @hookimpl
    def sla_breached(self, ticket, target, due_at):
        self.events.append(("breached", ticket.number, target, due_at))

    @hookimpl
    def sla_escalated(self, ticket, target, level, actions):
        self.events.append(("escalated", ticket.number, target, level))

    def to(self, email: str) -> list[str]:
        return [subject for who, subject in self.notifications if who == email]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def helpline_plugins(recorder):
    return [("sla_recorder", recorder)]


@pytest.fixture
def helpline_settings_overrides():
    # Only this plugin of the installed ones: others' hooks (routing, rules…) must not move clocks.
    return {"plugins": ["sla"]}
