"""Domain errors raised by services; the web layer maps each to one HTTP status."""

from __future__ import annotations


class HelplineError(Exception):
    """Base class of every error a service raises on purpose."""


class NotFound(HelplineError):
    """The object does not exist, or the actor may not see it (the two are indistinguishable)."""


class Forbidden(HelplineError):
    """The actor may see the object but may not do this to it."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Conflict(HelplineError):
    """A stale version: someone else changed the object first."""

    def __init__(self, message: str, current_version: int | None = None) -> None:
        super().__init__(message)
        self.current_version = current_version


class Invalid(HelplineError):
    """Bad input, naming the field it concerns."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class SettingsError(HelplineError):
    """A setting is missing or malformed; the message names the key."""
