"""Work that must wait until a change is committed: `Helpline.after_commit`.

Event hooks run inside the service's transaction, so anything they announce to the outside
world (live updates, caches in other processes) could describe a change that later rolls back.
They register a callback instead; it runs once the outermost `helpline.transaction()` commits,
is dropped when it rolls back, and runs at once when no transaction is open.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from contextvars import ContextVar, Token
from typing import Any

log = logging.getLogger("helpline.commit")

Callback = Callable[[], Any]


class _Frame:
    """The callbacks waiting on one outermost transaction of one engine."""

    __slots__ = ("callbacks", "depth", "engine")

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.depth = 0
        self.callbacks: list[Callback] = []


#: The open transaction's frame in this context; nested transactions find and join it.
_frame: ContextVar[_Frame | None] = ContextVar("helpline_commit_frame", default=None)
#: Async callbacks started outside a transaction: kept referenced until they finish.
_running: set[asyncio.Task] = set()


class Transaction:
    """Wraps an engine's transaction; on the outermost successful exit, runs the callbacks."""

    __slots__ = ("_engine", "_frame", "_inner", "_token")

    def __init__(self, inner: Any, engine: Any) -> None:
        self._inner = inner
        self._engine = engine
        self._frame: _Frame | None = None
        self._token: Token | None = None

    async def __aenter__(self) -> Any:
        entered = await self._inner.__aenter__()
        frame = _frame.get()
        if frame is None or frame.engine is not self._engine:
            frame = _Frame(self._engine)
            self._token = _frame.set(frame)
        frame.depth += 1
        self._frame = frame
        return entered

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> Any:
        frame = self._frame
        assert frame is not None, "transaction exited without being entered"
        frame.depth -= 1
        outermost = self._token is not None
        try:
            suppress = await self._inner.__aexit__(exc_type, exc, tb)
        finally:
            if outermost:
                _frame.reset(self._token)  # type: ignore[arg-type]
                self._token = None
        # Piccolo's nested transactions are no-ops; only the outermost one commits.
        if outermost and exc is None and not getattr(self._inner, "_rolled_back", False):
            await run_callbacks(frame.callbacks)
        return suppress


def after_commit(engine: Any, callback: Callback) -> asyncio.Task | None:
    """Queue `callback` on the open transaction of `engine`, or run it now when there is none.

    Outside a transaction an async callback is started as a task, which is returned.
    """
    frame = _frame.get()
    if frame is not None and frame.engine is engine and frame.depth > 0:
        frame.callbacks.append(callback)
        return None
    result = _call(callback)
    if inspect.isawaitable(result):
        task = asyncio.ensure_future(_await(result))
        _running.add(task)
        task.add_done_callback(_running.discard)
        return task
    return None


def in_transaction(engine: Any) -> bool:
    frame = _frame.get()
    return frame is not None and frame.engine is engine and frame.depth > 0


async def run_callbacks(callbacks: list[Callback]) -> None:
    """Run each callback in order; one that fails is logged and does not stop the others."""
    for callback in callbacks:
        result = _call(callback)
        if inspect.isawaitable(result):
            await _await(result)


def _call(callback: Callback) -> Any:
    try:
        return callback()
    except Exception:
        # The change is committed: a failing listener must not make the caller think otherwise.
        log.exception("after-commit callback %r failed", callback)
        return None


async def _await(awaitable: Any) -> None:
    try:
        await awaitable
    except Exception:
        log.exception("after-commit callback failed")
