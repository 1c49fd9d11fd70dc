"""Durable jobs in the database: enqueue inside the change's transaction, run in a worker.

A job is claimed by setting it `running` with a lease; on PostgreSQL the claim uses
`FOR UPDATE SKIP LOCKED`, so any number of workers never run the same job at once. A job that
raises is retried with exponential backoff and lands in `dead` after `max_attempts`. A job whose
worker died is claimed again once its lease has run out. Jobs of a plugin an admin switched off
stay queued until it is switched on again.

Every statement runs on the runtime's own engine (`helpline.engine`), never through the globally
bound table classes, so several runtimes in one process (tests, benchmarks) stay apart.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import socket
import traceback
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from helpline import db
from helpline.runtime import Helpline

log = logging.getLogger("helpline.jobs")

LEASE = timedelta(minutes=5)
BACKOFF_BASE_SECONDS = 10
BACKOFF_MAX_SECONDS = 3600
STATUSES = ("queued", "running", "done", "dead")

_COLUMNS = (
    "id, kind, payload, status, attempts, max_attempts, run_at, key, locked_by, locked_at, "
    "last_error, created_at, finished_at"
)


class UnknownJobKind(LookupError):
    """No plugin registered a handler for this job kind."""

    def __init__(self, kind: str, known: list[str]) -> None:
        listed = ", ".join(sorted(known)) or "none"
        super().__init__(f"no handler registered for job kind {kind!r} (known kinds: {listed})")
        self.kind = kind


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after `attempts` failures: 10 s, 20 s, 40 s, … at most 1 h."""
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** (attempts - 1), BACKOFF_MAX_SECONDS))


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    if isinstance(row.get("payload"), str | bytes):
        row["payload"] = msgspec.json.decode(row["payload"])
    return row


# -- queueing ------------------------------------------------------------------------------------


async def enqueue(
    helpline: Helpline,
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    run_at: datetime | None = None,
    key: str | None = None,
    max_attempts: int = 5,
) -> int:
    """Queue a job in the current transaction; returns its id.

    With a `key`, an already queued job of that key is rescheduled (kind, payload, run_at and
    max_attempts replaced) instead of a second one being added.
    """
    if helpline.started and kind not in helpline.job_handlers:
        raise UnknownJobKind(kind, list(helpline.job_handlers))
    if run_at is None:
        run_at = helpline.now()
    elif run_at.tzinfo is None:
        raise ValueError("run_at must be timezone-aware")
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    values = (
        kind,
        msgspec.json.encode(payload or {}).decode(),
        max_attempts,
        run_at.astimezone(UTC),
        key,
        helpline.now(),
    )
    insert = (
        "INSERT INTO job (kind, payload, status, attempts, max_attempts, run_at, key, created_at) "
        "VALUES ({}, {}, 'queued', 0, {}, {}, {}, {})"
    )
    if key is None:
        rows = await db.fetch(helpline.engine, insert + " RETURNING id", *values)
    else:
        # The partial unique index `job_key_queued` makes this atomic between concurrent callers.
        rows = await db.fetch(
            helpline.engine,
            insert + " ON CONFLICT (key) WHERE status = 'queued' AND key IS NOT NULL DO UPDATE SET "
            "kind = excluded.kind, payload = excluded.payload, run_at = excluded.run_at, "
            "max_attempts = excluded.max_attempts RETURNING id",
            *values,
        )
    return rows[0]["id"]


async def cancel(helpline: Helpline, key: str) -> int:
    """Drop queued jobs with this key (e.g. a timer that no longer applies); returns how many.

    A job of that key already running is left to finish.
    """
    rows = await db.fetch(
        helpline.engine,
        "DELETE FROM job WHERE key = {} AND status = 'queued' RETURNING id",
        key,
    )
    return len(rows)


async def retry(helpline: Helpline, job_id: int) -> bool:
    """Put a dead job back in the queue with a fresh set of attempts.

    False when the job is not dead, or when a newer job with the same key is already queued.
    """
    rows = await db.fetch(
        helpline.engine,
        "UPDATE job SET status = 'queued', attempts = 0, run_at = {}, finished_at = NULL "
        "WHERE id = {} AND status = 'dead' AND NOT EXISTS ("
        "SELECT 1 FROM job AS other WHERE other.key = job.key AND other.status = 'queued') "
        "RETURNING id",
        helpline.now(),
        job_id,
    )
    return bool(rows)


async def get(helpline: Helpline, job_id: int) -> dict[str, Any] | None:
    """One job as a dict (payload decoded), or None."""
    rows = await db.fetch(helpline.engine, f"SELECT {_COLUMNS} FROM job WHERE id = {{}}", job_id)
    return _decode(rows[0]) if rows else None


async def list_jobs(
    helpline: Helpline, status: str | None = None, kind: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """Jobs newest first, optionally of one status and kind (for the admin UI and tests)."""
    where, args = [], []
    if status is not None:
        where.append("status = {}")
        args.append(status)
    if kind is not None:
        where.append("kind = {}")
        args.append(kind)
    sql = f"SELECT {_COLUMNS} FROM job"
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = await db.fetch(helpline.engine, sql + " ORDER BY id DESC LIMIT {}", *args, limit)
    return [_decode(row) for row in rows]


# -- running -------------------------------------------------------------------------------------


def _paused_kinds(helpline: Helpline) -> list[str]:
    """Kinds whose plugin an admin switched off: they wait, queued, until it is back on."""
    return sorted(k for k, plugin in helpline.job_owners.items() if plugin in helpline.disabled)


async def claim(helpline: Helpline, worker: str) -> dict[str, Any] | None:
    """Take the next due job (or one whose worker's lease ran out) and mark it running, or None."""
    now = helpline.now()
    paused = _paused_kinds(helpline)
    skip = f" AND kind NOT IN ({', '.join('{}' for _ in paused)})" if paused else ""
    # Two index-friendly picks instead of one OR: with many due jobs, an OR made every claim
    # sort the whole queue. Jobs whose worker's lease ran out go first; they waited longest.
    picks = (
        (f"SELECT id FROM job WHERE status = 'running' AND locked_at < {{}}{skip}", now - LEASE),
        (f"SELECT id FROM job WHERE status = 'queued' AND run_at <= {{}}{skip}", now),
    )
    rows: list[dict[str, Any]] = []
    for pick, bound in picks:
        pick += " ORDER BY run_at, id LIMIT 1"
        if helpline.is_postgres:
            # Rows another worker has locked are skipped, not waited for: no job is claimed twice.
            pick += " FOR UPDATE SKIP LOCKED"
        async with helpline.transaction():
            rows = await db.fetch(
                helpline.engine,
                "UPDATE job SET status = 'running', locked_by = {}, locked_at = {}, "
                f"attempts = attempts + 1 WHERE id = ({pick}) "
                "RETURNING id, kind, payload, key, attempts, max_attempts",
                worker,
                now,
                bound,
                *paused,
            )
        if rows:
            break
    return _decode(rows[0]) if rows else None


async def _finish(helpline: Helpline, job: dict[str, Any], sets: str, *args: Any) -> bool:
    """Update a job this worker still holds; False when its lease ran out and another took it."""
    rows = await db.fetch(
        helpline.engine,
        f"UPDATE job SET {sets}, locked_by = NULL, locked_at = NULL "
        "WHERE id = {} AND status = 'running' AND attempts = {} RETURNING id",
        *args,
        job["id"],
        job["attempts"],
    )
    if not rows:
        log.warning("job %s (%s): lease lost before it finished", job["id"], job["kind"])
    return bool(rows)


_DEAD = "status = 'dead', last_error = {}, finished_at = {}"
_REQUEUED = "status = 'queued', last_error = {}, run_at = {}"


async def _fail(helpline: Helpline, job: dict[str, Any], error: str) -> None:
    now = helpline.now()
    if job["attempts"] >= job["max_attempts"]:
        await _finish(helpline, job, _DEAD, error, now)
        return
    try:
        await _finish(helpline, job, _REQUEUED, error, now + backoff(job["attempts"]))
    except Exception:
        # The unique index allows one queued job per key: a newer one replaced this attempt.
        if job["key"] is None:
            raise
        await _finish(helpline, job, _DEAD, f"{error}\n(superseded by a newer job of its key)", now)


async def run_one(helpline: Helpline, worker: str | None = None) -> bool:
    """Claim and run one due job; False when none was due."""
    job = await claim(helpline, worker or worker_name())
    if job is None:
        return False
    if job["attempts"] > job["max_attempts"]:
        # Only a job whose worker died (lease expired) gets here: do not run it yet again.
        error = f"worker lease expired on each of {job['max_attempts']} attempts"
        await _fail(helpline, job, error)
        return True
    handler = helpline.job_handlers.get(job["kind"])
    try:
        if handler is None:
            raise UnknownJobKind(job["kind"], list(helpline.job_handlers))
        result = handler(helpline, job["payload"])
        if inspect.isawaitable(result):
            await result
    except Exception as exc:  # a failing job must never stop the worker
        log.warning("job %s (%s) failed: %s", job["id"], job["kind"], exc)
        await _fail(helpline, job, "".join(traceback.format_exception_only(exc)).strip())
    else:
        await _finish(
            helpline, job, "status = 'done', last_error = NULL, finished_at = {}", helpline.now()
        )
    return True


async def run_pending(helpline: Helpline, limit: int = 1000) -> int:
    """Run due jobs until none is left (or `limit`); returns how many ran. Used by tests and CLI."""
    count = 0
    while count < limit and await run_one(helpline):
        count += 1
    return count


async def work(helpline: Helpline, stop: asyncio.Event, poll: float | None = None) -> None:
    """Run jobs until `stop` is set, sleeping `poll` seconds when the queue is empty.

    A job already running when `stop` is set finishes first; an idle worker wakes at once.
    """
    poll = helpline.settings.worker_poll_seconds if poll is None else poll
    worker = worker_name()
    while not stop.is_set():
        try:
            await helpline.refresh_plugin_states()
            ran = await run_one(helpline, worker)
        except Exception:  # the database may be briefly unavailable; keep going
            log.exception("worker: claiming a job failed")
            ran = False
        if not ran:
            try:
                await asyncio.wait_for(stop.wait(), timeout=poll)
            except TimeoutError:
                pass


# -- many at once ----------------------------------------------------------------------------------

_BATCH = 500


async def enqueue_many(
    helpline: Helpline,
    kind: str,
    timers: list[tuple[dict[str, Any], datetime, str]],
    *,
    max_attempts: int = 5,
) -> int:
    """Queue or reschedule many keyed jobs of one kind — `(payload, run_at, key)` — in a few
    statements (e.g. SLA timers after a policy change); the last of a repeated key wins."""
    if helpline.started and kind not in helpline.job_handlers:
        raise UnknownJobKind(kind, list(helpline.job_handlers))
    latest = {key: (payload, run_at) for payload, run_at, key in timers}
    now, items = helpline.now(), list(latest.items())
    for start in range(0, len(items), _BATCH):
        chunk = items[start : start + _BATCH]
        args: list[Any] = []
        for key, (payload, run_at) in chunk:
            if run_at.tzinfo is None:
                raise ValueError("run_at must be timezone-aware")
            encoded = msgspec.json.encode(payload).decode()
            args += [kind, encoded, max_attempts, run_at.astimezone(UTC), key, now]
        rows = ", ".join("({}, {}, 'queued', 0, {}, {}, {}, {})" for _ in chunk)
        await db.fetch(
            helpline.engine,
            "INSERT INTO job (kind, payload, status, attempts, max_attempts, run_at, key, "
            f"created_at) VALUES {rows} ON CONFLICT (key) WHERE status = 'queued' "
            "AND key IS NOT NULL DO UPDATE SET kind = excluded.kind, payload = excluded.payload, "
            "run_at = excluded.run_at, max_attempts = excluded.max_attempts",
            *args,
        )
    return len(items)


async def cancel_many(helpline: Helpline, keys: list[str]) -> int:
    """Drop the queued jobs of many keys; returns how many were deleted."""
    deleted = 0
    unique = sorted(set(keys))
    for start in range(0, len(unique), _BATCH):
        chunk = unique[start : start + _BATCH]
        marks = ", ".join("{}" for _ in chunk)
        rows = await db.fetch(
            helpline.engine,
            f"DELETE FROM job WHERE status = 'queued' AND key IN ({marks}) RETURNING id",
            *chunk,
        )
        deleted += len(rows)
    return deleted
