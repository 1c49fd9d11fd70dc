"""Arguments added to a hook after 1.0 break neither old callers nor old implementations."""

from __future__ import annotations

import inspect
import warnings

import pytest

from helpline import HOOK_API_VERSION, hookimpl, hookspecs
from helpline.model import NotificationAttachment

REPORT = NotificationAttachment(filename="volume.csv", content_type="text/csv", data=b"day,n\n")


class WrittenFor10:
    """A channel plugin from hook API 1.0: it names no `attachments` and declines every call."""

    helpline_api = ">=1.0,<2"

    def __init__(self) -> None:
        self.subjects: list[str] = []

    @hookimpl(tryfirst=True)
    def deliver_notification(self, recipient, subject, body, ticket):
        self.subjects.append(subject)
        return None


class WrittenFor11:
    """A channel plugin from hook API 1.1 that asks for the attachments and takes the call."""

    helpline_api = ">=1.1,<2"

    def __init__(self) -> None:
        self.received: list[tuple[str, tuple[NotificationAttachment, ...]]] = []

    @hookimpl
    def deliver_notification(self, recipient, subject, attachments):
        self.received.append((subject, tuple(attachments)))
        return True


@pytest.fixture
def old_channel() -> WrittenFor10:
    return WrittenFor10()


@pytest.fixture
def new_channel() -> WrittenFor11:
    return WrittenFor11()


@pytest.fixture
def helpline_plugins(old_channel, new_channel):
    return [("old_channel", old_channel), ("new_channel", new_channel)]


async def _notify(helpline, recipient, subject, **extra):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        taken = await helpline.hook_first(
            "deliver_notification",
            helpline=helpline,
            recipient=recipient,
            subject=subject,
            body="See the report.",
            ticket=None,
            **extra,
        )
    assert [str(w.message) for w in caught if "hook" in str(w.message)] == []
    return taken


async def test_a_caller_written_for_1_0_reaches_an_implementation_asking_for_attachments(
    helpline, manager, new_channel
):
    assert await _notify(helpline, manager, "Password reset") is True
    assert new_channel.received == [("Password reset", ())]


async def test_an_implementation_written_for_1_0_still_works_when_a_caller_passes_files(
    helpline, manager, old_channel, new_channel
):
    taken = await _notify(helpline, manager, "Weekly report", attachments=[REPORT])
    assert taken is True
    assert old_channel.subjects == ["Weekly report"], "asked, without the new argument"
    assert new_channel.received == [("Weekly report", (REPORT,))]


def test_plugins_declaring_either_minor_version_load_on_this_core(helpline, old_channel):
    assert HOOK_API_VERSION == "1.1"
    assert helpline.pm.get_plugin("old_channel") is old_channel
    assert helpline.pm.get_plugin("new_channel") is not None


def test_every_added_argument_is_an_argument_of_its_hook():
    for name, added in hookspecs.ADDED_ARGUMENTS.items():
        spec = getattr(hookspecs, name)
        assert set(added) <= set(inspect.signature(spec).parameters), name
