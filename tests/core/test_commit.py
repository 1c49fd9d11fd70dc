"""`Helpline.after_commit`: work announced only once the change is really committed."""

from __future__ import annotations

import pytest

from helpline import db, hookimpl
from helpline.services import messages
from helpline.tables import Tag


class Boom(Exception):
    pass


async def test_callbacks_run_after_the_transaction_commits(helpline):
    ran: list[str] = []
    async with helpline.transaction():
        await Tag.insert(Tag(name="billing"))
        helpline.after_commit(lambda: ran.append("sync"))

        async def announce() -> None:
            ran.append("async")

        helpline.after_commit(announce)
        assert ran == [], "nothing may run before the commit"
    assert ran == ["sync", "async"]


async def test_callbacks_are_dropped_when_the_transaction_rolls_back(helpline):
    ran: list[str] = []
    with pytest.raises(Boom):
        async with helpline.transaction():
            await Tag.insert(Tag(name="billing"))
            helpline.after_commit(lambda: ran.append("announced"))
            raise Boom()
    assert ran == []
    assert not await Tag.exists().where(Tag.name == "billing")
    # The next transaction starts clean: nothing left over from the rolled-back one.
    async with helpline.transaction():
        helpline.after_commit(lambda: ran.append("next"))
    assert ran == ["next"]


async def test_nested_transactions_run_callbacks_once_at_the_outermost_commit(helpline):
    ran: list[str] = []
    async with helpline.transaction():
        async with helpline.transaction():
            helpline.after_commit(lambda: ran.append("inner"))
        assert ran == [], "an inner transaction does not commit anything"
        async with helpline.transaction():
            helpline.after_commit(lambda: ran.append("second inner"))
        helpline.after_commit(lambda: ran.append("outer"))
        assert ran == []
    assert ran == ["inner", "second inner", "outer"]


async def test_an_error_in_a_nested_transaction_rolls_back_everything_and_drops_callbacks(helpline):
    ran: list[str] = []
    with pytest.raises(Boom):
        async with helpline.transaction():
            helpline.after_commit(lambda: ran.append("outer"))
            async with helpline.transaction():
                helpline.after_commit(lambda: ran.append("inner"))
                raise Boom()
    assert ran == []


async def test_without_a_transaction_callbacks_run_at_once(helpline):
    ran: list[str] = []
    helpline.after_commit(lambda: ran.append("sync"))
    assert ran == ["sync"]

    async def announce() -> None:
        ran.append("async")

    await helpline.after_commit(announce)
    assert ran == ["sync", "async"]


async def test_a_failing_callback_neither_undoes_the_commit_nor_stops_the_others(helpline):
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("listener is down")

    async with helpline.transaction():
        await Tag.insert(Tag(name="billing"))
        helpline.after_commit(broken)
        helpline.after_commit(lambda: ran.append("still runs"))
    assert ran == ["still runs"]
    assert await Tag.exists().where(Tag.name == "billing")


class SeesCommittedMessages:
    """A plugin that, from an event hook, checks the message from another connection."""

    def __init__(self) -> None:
        self.helpline = None
        self.seen: list[int] = []

    @hookimpl
    def message_added(self, helpline, ticket, message, actor):
        async def check() -> None:
            # A separate engine has its own connections: it sees only committed rows.
            other = db.make_engine(helpline.settings.database)
            try:
                sql = "SELECT count(*) FROM message WHERE id = {}"
                found = await db.fetchval(other, sql, message.id)
            finally:
                await db.disconnect(other)
            self.seen.append(int(found))

        helpline.after_commit(check)


@pytest.fixture
def watcher() -> SeesCommittedMessages:
    return SeesCommittedMessages()


@pytest.fixture
def helpline_plugins(watcher):
    return [("test.watcher", watcher)]


async def test_a_hook_callback_sees_the_committed_change_from_another_connection(
    helpline, factory, watcher
):
    agent = await factory.user("agent")
    ticket = await factory.ticket()
    await messages.add_message(helpline, agent, ticket.number, body="On it.", internal=True)
    assert watcher.seen == [1]
