"""Surveys test fixtures: a real delivery channel that keeps what it delivers, and helpers."""

from __future__ import annotations

from typing import Any

import pytest

from helpline import hookimpl


class Outbox:
    """A channel plugin: takes every notification (before the email plugin) and keeps it.

    It also listens to `survey_answered`, as automation would.
    """

    def __init__(self) -> None:
        self.delivered: list[dict[str, Any]] = []
        self.answered: list[tuple[Any, ...]] = []
        self.refuse = False

    @hookimpl(tryfirst=True)
    def deliver_notification(self, recipient, subject, body, ticket):
        if self.refuse:
            return None
        self.delivered.append(
            {
                "to": recipient.email,
                "subject": subject,
                "body": body,
                "ticket": ticket.number if ticket else None,
            }
        )
        return True

    @hookimpl
    def survey_answered(self, ticket, customer, kind, score, comment, answers):
        number = ticket.number if ticket else None
        self.answered.append((number, customer.email, kind, score, comment, answers))

    def to(self, email: str) -> list[dict[str, Any]]:
        return [d for d in self.delivered if d["to"] == email]


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


@pytest.fixture
def helpline_plugins(outbox):
    return [("surveys_outbox", outbox)]


@pytest.fixture
def survey_settings() -> dict[str, Any]:
    """`[plugin.surveys]` for a test; override in a module to change it."""
    return {"csat_enabled": True, "csat_delay_minutes": 60, "cooldown_days": 7}


@pytest.fixture
def helpline_settings_overrides(survey_settings):
    return {"plugin": {"surveys": survey_settings}, "base_url": "http://helpdesk.test"}
