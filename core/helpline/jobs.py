"""Durable jobs in the database: enqueue inside the change's transaction, run in a worker.

A job is claimed by setting it `running` with a lease; on PostgreSQL the claim uses
`FOR UPDATE SKIP LOCKED`, so any number of workers never run the same job at once. A job that
raises is retried with exponential backoff and lands in `dead` after `max_attempts`. A job whose
worker died is claimed again once its lease has run out.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import traceback
from datetime import datetime, timedelta
from typing import Any

import msgspec

from helpline import db
from helpline.runtime import Helpline
from helpline.tables import Job

log = logging.getLogger("helpline.jobs")

LEASE = timedelta(minutes=5)
BACKOFF_BASE_SECONDS = 10
BACKOFF_MAX_SECONDS = 3600


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


async def enqueue(
    helpline: Helpline,
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    run_at: datetime | None = None,
    key: str | None = None,
    max_attempts: int = 5,
) -> int | None:
    """Queue a job; with a `key`, an already queued job of that key is rescheduled instead."""
    payload_json = msgspec.json.encode(payload or {}).decode()
    run_at = run_at or helpline.now()
    if key is not None:
        existing = await Job.select(Job.id).where(
            (Job.key == key) & (Job.status == "queued")
        ).first()
        if existing:
            await Job.update({Job.payload: payload_json, Job.run_at: run_at, Job.kind: kind}).where(
                Job.id == existing["id"]
            )
            return existing["id"]
    row = await Job.insert(
        Job(
            kind=kind,
            payload=payload_json,
            status="queued",
            run_at=run_at,
            key=key,
            max_attempts=max_attempts,
            created_at=helpline.now(),
        )
    ).returning(Job.id)
    return row[0]["id"]


async def cancel(key: str) -> int:
    """Drop queued jobs with this key (e.g. a timer that no longer applies)."""
    rows = await Job.delete().where((Job.key == key) & (Job.status == "queued")).returning(Job.id)
    return len(rows)


async def claim(helpline: Helpline, worker: str) -> dict[str, Any] | None:
    """Take the next due job, or None."""
    now = helpline.now()
    stale = now - LEASE
    pick = (
        "SELECT id FROM job WHERE (status = 'queued' AND run_at <= {}) "
        "OR (status = 'running' AND locked_at < {}) ORDER BY run_at, id LIMIT 1"
    )
    if helpline.is_postgres:
        pick += " FOR UPDATE SKIP LOCKED"
    async with helpline.transaction():
        rows = await db.fetch(
            helpline.engine,
            "UPDATE job SET status = 'running', locked_by = {}, locked_at = {}, "
            f"attempts = attempts + 1 WHERE id = ({pick}) "
            "RETURNING id, kind, payload, attempts, max_attempts",
            worker,
            now,
            now,
            stale,
        )
    return rows[0] if rows else None


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** (attempts - 1), BACKOFF_MAX_SECONDS))


async def run_one(helpline: Helpline, worker: str | None = None) -> bool:
    """Claim and run one due job; False when none was due."""
    job = await claim(helpline, worker or worker_name())
    if job is None:
        return False
    payload = job["payload"]
    if isinstance(payload, str):
        payload = msgspec.json.decode(payload)
    handler = helpline.job_handlers.get(job["kind"])
    try:
        if handler is None:
            raise LookupError(f"no handler for job kind {job['kind']!r} (plugin disabled?)")
        await handler(helpline, payload)
    except Exception as exc:  # a failing job must never stop the worker
        log.warning("job %s (%s) failed: %s", job["id"], job["kind"], exc)
        error = "".join(traceback.format_exception_only(exc)).strip()
        dead = job["attempts"] >= job["max_attempts"]
        await Job.update(
            {
                Job.status: "dead" if dead else "queued",
                Job.run_at: helpline.now() + backoff(job["attempts"]),
                Job.last_error: error,
                Job.locked_by: None,
                Job.locked_at: None,
                Job.finished_at: helpline.now() if dead else None,
            }
        ).where(Job.id == job["id"])
    else:
        await Job.update(
            {Job.status: "done", Job.finished_at: helpline.now(), Job.last_error: None}
        ).where(Job.id == job["id"])
    return True


async def run_pending(helpline: Helpline, limit: int = 1000) -> int:
    """Run due jobs until none is left (or `limit`); returns how many ran. Used by tests and CLI."""
    count = 0
    while count < limit and await run_one(helpline):
        count += 1
    return count


async def retry(job_id: int, helpline: Helpline) -> None:
    """Put a dead job back in the queue."""
    await Job.update(
        {Job.status: "queued", Job.attempts: 0, Job.run_at: helpline.now(), Job.finished_at: None}
    ).where(Job.id == job_id)


async def work(helpline: Helpline, stop: asyncio.Event, poll: float | None = None) -> None:
    """Run jobs until `stop` is set, sleeping `poll` seconds when the queue is empty."""
    poll = helpline.settings.worker_poll_seconds if poll is None else poll
    worker = worker_name()
    while not stop.is_set():
        try:
            ran = await run_one(helpline, worker)
        except Exception:  # the database may be briefly unavailable; keep going
            log.exception("worker: claiming a job failed")
            ran = False
        if not ran:
            try:
                await asyncio.wait_for(stop.wait(), timeout=poll)
            except TimeoutError:
                pass
