"""The durable job queue, on the real databases: transactions, retries, timers, leases, workers."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from helpline import db, hookimpl, jobs
from helpline.runtime import Helpline


class JobPlugin:
    """A test plugin whose job handlers record what they ran, and which runtime ran it."""

    def __init__(self) -> None:
        self.ran: list[dict] = []
        self.runtimes: list[Helpline] = []
        self.failing = True
        self.seen = asyncio.Event()

    @hookimpl
    def register_job_handlers(self):
        return {
            "jobtest.record": self.record,
            "jobtest.fail": self.fail,
            "jobtest.reschedule_and_fail": self.reschedule_and_fail,
            "jobtest.sync": self.sync,
            "jobtest.slow": self.slow,
        }

    async def record(self, helpline, payload):
        self.ran.append(payload)
        self.runtimes.append(helpline)
        self.seen.set()
        await asyncio.sleep(0)  # let the other workers in while this one "works"

    async def fail(self, helpline, payload):
        self.ran.append(payload)
        if self.failing:
            raise RuntimeError("mail server said no")

    async def reschedule_and_fail(self, helpline, payload):
        await jobs.enqueue(
            helpline, "jobtest.record", payload, key=payload["key"], run_at=helpline.now()
        )
        raise RuntimeError("gave up on this one")

    def sync(self, helpline, payload):
        self.ran.append(payload)

    async def slow(self, helpline, payload):
        # Runs past its lease, and another worker takes the job over meanwhile.
        helpline.clock.advance(seconds=jobs.LEASE.total_seconds() + 1)
        await jobs.claim(helpline, "fast-worker")
        raise RuntimeError("too late anyway")


@pytest.fixture
def plugin() -> JobPlugin:
    return JobPlugin()


@pytest.fixture
def helpline_plugins(plugin):
    return [("jobtest", plugin)]


@pytest.fixture
def helpline_settings_overrides():
    return {"plugins": []}  # installed plugins stay out: no jobs but these tests' own


async def test_job_enqueued_in_a_rolled_back_transaction_is_never_stored(helpline, plugin):
    with pytest.raises(RuntimeError, match="the change failed"):
        async with helpline.transaction():
            await jobs.enqueue(helpline, "jobtest.record", {"n": 1})
            raise RuntimeError("the change failed")
    assert await jobs.list_jobs(helpline) == []
    assert await jobs.run_pending(helpline) == 0

    async with helpline.transaction():
        await jobs.enqueue(helpline, "jobtest.record", {"n": 2})
    assert await jobs.run_pending(helpline) == 1
    assert plugin.ran == [{"n": 2}]


async def test_handler_registered_by_a_plugin_runs_and_the_job_is_done(helpline, plugin, clock):
    now = clock.freeze()
    job_id = await jobs.enqueue(helpline, "jobtest.record", {"ticket": 7})
    assert await jobs.run_pending(helpline) == 1
    assert plugin.ran == [{"ticket": 7}]
    assert plugin.runtimes == [helpline]
    job = await jobs.get(helpline, job_id)
    assert job["status"] == "done"
    assert job["attempts"] == 1
    assert job["finished_at"] == now
    assert job["last_error"] is None
    assert job["locked_by"] is None
    assert await jobs.run_pending(helpline) == 0


async def test_a_plain_function_may_be_a_handler(helpline, plugin):
    await jobs.enqueue(helpline, "jobtest.sync", {"n": 1})
    assert await jobs.run_pending(helpline) == 1
    assert plugin.ran == [{"n": 1}]


async def test_failing_job_is_retried_with_exponential_backoff_then_dead(helpline, plugin, clock):
    start = clock.freeze()
    job_id = await jobs.enqueue(helpline, "jobtest.fail", {"n": 1}, max_attempts=3)

    assert await jobs.run_pending(helpline) == 1
    job = await jobs.get(helpline, job_id)
    assert (job["status"], job["attempts"]) == ("queued", 1)
    assert job["run_at"] == start + timedelta(seconds=10)
    assert "RuntimeError: mail server said no" in job["last_error"]

    clock.advance(seconds=9)
    assert await jobs.run_pending(helpline) == 0, "due only once the backoff has passed"
    clock.advance(seconds=1)
    assert await jobs.run_pending(helpline) == 1
    job = await jobs.get(helpline, job_id)
    assert (job["status"], job["attempts"]) == ("queued", 2)
    assert job["run_at"] == clock() + timedelta(seconds=20), "the delay doubles"

    clock.advance(seconds=19)
    assert await jobs.run_pending(helpline) == 0
    clock.advance(seconds=1)
    assert await jobs.run_pending(helpline) == 1
    job = await jobs.get(helpline, job_id)
    assert (job["status"], job["attempts"]) == ("dead", 3)
    assert "mail server said no" in job["last_error"]
    assert job["finished_at"] == clock()

    clock.advance(days=1)
    assert await jobs.run_pending(helpline) == 0, "a dead job is never run again by itself"
    assert len(plugin.ran) == 3


def test_backoff_doubles_from_ten_seconds_up_to_an_hour():
    delays = [jobs.backoff(n).total_seconds() for n in (1, 2, 3, 4, 10, 50)]
    assert delays == [10, 20, 40, 80, 3600, 3600]


async def test_retry_brings_a_dead_job_back(helpline, plugin):
    job_id = await jobs.enqueue(helpline, "jobtest.fail", {"n": 1}, max_attempts=1)
    await jobs.run_pending(helpline)
    assert (await jobs.get(helpline, job_id))["status"] == "dead"

    plugin.failing = False
    assert await jobs.retry(helpline, job_id) is True
    job = await jobs.get(helpline, job_id)
    assert (job["status"], job["attempts"], job["finished_at"]) == ("queued", 0, None)
    assert await jobs.run_pending(helpline) == 1
    job = await jobs.get(helpline, job_id)
    assert (job["status"], job["attempts"], job["last_error"]) == ("done", 1, None)

    assert await jobs.retry(helpline, job_id) is False, "only dead jobs come back"


async def test_job_with_a_future_run_at_waits_for_the_clock(helpline, plugin, clock):
    now = clock.freeze()
    await jobs.enqueue(
        helpline, "jobtest.record", {"timer": "sla"}, run_at=now + timedelta(hours=1)
    )
    assert await jobs.run_pending(helpline) == 0
    clock.advance(minutes=59, seconds=59)
    assert await jobs.run_pending(helpline) == 0
    clock.advance(seconds=1)
    assert await jobs.run_pending(helpline) == 1
    assert plugin.ran == [{"timer": "sla"}]


async def test_run_at_must_be_timezone_aware(helpline):
    with pytest.raises(ValueError, match="timezone-aware"):
        await jobs.enqueue(helpline, "jobtest.record", run_at=datetime(2030, 1, 1))


async def test_keyed_job_is_rescheduled_instead_of_duplicated(helpline, plugin, clock):
    now = clock.freeze()
    first = await jobs.enqueue(
        helpline, "jobtest.record", {"v": 1}, key="sla:42", run_at=now + timedelta(hours=1)
    )
    second = await jobs.enqueue(
        helpline, "jobtest.record", {"v": 2}, key="sla:42", run_at=now + timedelta(hours=2)
    )
    assert second == first
    [job] = await jobs.list_jobs(helpline)
    assert job["payload"] == {"v": 2}
    assert job["run_at"] == now + timedelta(hours=2)

    clock.advance(hours=1)
    assert await jobs.run_pending(helpline) == 0
    clock.advance(hours=1)
    assert await jobs.run_pending(helpline) == 1
    assert plugin.ran == [{"v": 2}]

    third = await jobs.enqueue(helpline, "jobtest.record", {"v": 3}, key="sla:42")
    assert third != first, "a finished job does not hold its key"


async def test_cancel_drops_the_queued_job_of_a_key(helpline, plugin, clock):
    now = clock.freeze()
    await jobs.enqueue(helpline, "jobtest.record", key="sla:1", run_at=now + timedelta(minutes=5))
    await jobs.enqueue(helpline, "jobtest.record", {"other": True}, key="sla:2")
    assert await jobs.cancel(helpline, "sla:1") == 1
    assert await jobs.cancel(helpline, "sla:1") == 0
    clock.advance(hours=1)
    assert await jobs.run_pending(helpline) == 1
    assert plugin.ran == [{"other": True}]


async def test_cancel_leaves_a_running_job_of_that_key_alone(helpline, plugin):
    job_id = await jobs.enqueue(helpline, "jobtest.record", key="sla:1")
    assert (await jobs.claim(helpline, "busy-worker"))["id"] == job_id
    assert await jobs.cancel(helpline, "sla:1") == 0
    assert (await jobs.get(helpline, job_id))["status"] == "running"


async def test_failed_keyed_job_superseded_by_a_newer_one_goes_dead(helpline, plugin):
    old = await jobs.enqueue(helpline, "jobtest.reschedule_and_fail", {"key": "k"}, key="k")
    assert await jobs.run_pending(helpline) == 2
    job = await jobs.get(helpline, old)
    assert job["status"] == "dead"
    assert "gave up on this one" in job["last_error"]
    assert "superseded" in job["last_error"]
    assert plugin.ran == [{"key": "k"}], "the newer job of the key ran"


async def test_job_whose_worker_died_is_claimed_again_after_its_lease(helpline, plugin, clock):
    clock.freeze()
    job_id = await jobs.enqueue(helpline, "jobtest.record", {"n": 1})
    claimed = await jobs.claim(helpline, "worker-that-dies")
    assert claimed["id"] == job_id
    job = await jobs.get(helpline, job_id)
    assert (job["status"], job["locked_by"]) == ("running", "worker-that-dies")

    assert await jobs.run_pending(helpline) == 0, "the lease still holds"
    clock.advance(seconds=jobs.LEASE.total_seconds() - 1)
    assert await jobs.run_pending(helpline) == 0
    clock.advance(seconds=2)
    assert await jobs.run_pending(helpline) == 1
    assert plugin.ran == [{"n": 1}]
    job = await jobs.get(helpline, job_id)
    assert (job["status"], job["attempts"]) == ("done", 2)


async def test_job_whose_lease_ran_out_on_every_attempt_goes_dead(helpline, plugin, clock):
    clock.freeze()
    job_id = await jobs.enqueue(helpline, "jobtest.record", max_attempts=1)
    await jobs.claim(helpline, "worker-that-dies")
    clock.advance(seconds=jobs.LEASE.total_seconds() + 1)
    assert await jobs.run_pending(helpline) == 1
    job = await jobs.get(helpline, job_id)
    assert job["status"] == "dead"
    assert "lease expired" in job["last_error"]
    assert plugin.ran == [], "a job that keeps killing its worker is not run yet again"


async def test_worker_that_lost_its_lease_leaves_the_job_to_its_new_owner(helpline, clock):
    clock.freeze()
    job_id = await jobs.enqueue(helpline, "jobtest.slow")
    assert await jobs.run_pending(helpline) == 1
    job = await jobs.get(helpline, job_id)
    assert (job["status"], job["locked_by"], job["attempts"]) == ("running", "fast-worker", 2)
    assert job["last_error"] is None


async def test_unknown_kind_is_refused_when_enqueued(helpline):
    with pytest.raises(jobs.UnknownJobKind, match=r"'jobtest\.nope'.*jobtest\.record"):
        await jobs.enqueue(helpline, "jobtest.nope")
    assert await jobs.list_jobs(helpline) == []


async def test_job_whose_handler_is_gone_fails_with_a_clear_error(helpline):
    job_id = await jobs.enqueue(helpline, "jobtest.record", max_attempts=1)
    del helpline.job_handlers["jobtest.record"]  # e.g. its plugin was uninstalled meanwhile
    assert await jobs.run_pending(helpline) == 1
    job = await jobs.get(helpline, job_id)
    assert job["status"] == "dead"
    assert "no handler registered for job kind 'jobtest.record'" in job["last_error"]


async def test_jobs_of_a_plugin_switched_off_wait_until_it_is_back_on(helpline, plugin):
    job_id = await jobs.enqueue(helpline, "jobtest.record", {"n": 1})
    await helpline.set_plugin_enabled("jobtest", False)
    assert await jobs.run_pending(helpline) == 0
    job = await jobs.get(helpline, job_id)
    assert (job["status"], job["attempts"]) == ("queued", 0)
    await helpline.set_plugin_enabled("jobtest", True)
    assert await jobs.run_pending(helpline) == 1
    assert plugin.ran == [{"n": 1}]


async def test_work_runs_jobs_in_the_background_and_stops_promptly(helpline, plugin):
    stop = asyncio.Event()
    worker = asyncio.create_task(jobs.work(helpline, stop, poll=0.05))
    await jobs.enqueue(helpline, "jobtest.record", {"n": 1})
    await asyncio.wait_for(plugin.seen.wait(), timeout=10)
    stop.set()
    await asyncio.wait_for(worker, timeout=2)
    assert plugin.ran == [{"n": 1}]

    idle = asyncio.Event()
    sleeper = asyncio.create_task(jobs.work(helpline, idle, poll=3600))
    await asyncio.sleep(0.1)
    idle.set()
    await asyncio.wait_for(sleeper, timeout=2)  # does not sleep out its hour-long poll


@pytest.mark.postgres_only
async def test_parallel_workers_on_postgresql_run_every_job_exactly_once(
    helpline, helpline_database_url, plugin
):
    async with helpline.transaction():
        for n in range(200):
            await jobs.enqueue(helpline, "jobtest.record", {"n": n})
    # Four runtimes, each with its own engine and connection pool, as four processes would be.
    workers = [
        Helpline(
            helpline.settings,
            pm=helpline.pm,
            engine=db.make_engine(helpline_database_url),
            clock=helpline.clock,
        )
        for _ in range(4)
    ]
    try:
        for worker in workers:
            await worker.start()
        counts = await asyncio.gather(*(jobs.run_pending(w) for w in workers))
    finally:
        for worker in workers:
            await worker.stop()
        db.use_engine(helpline.engine)  # each start() pointed the table classes at its engine

    assert sum(counts) == 200
    assert sorted(p["n"] for p in plugin.ran) == list(range(200)), "each job ran exactly once"
    assert len([c for c in counts if c]) > 1, f"the workers shared the queue: {counts}"
    assert {id(r) for r in plugin.runtimes} <= {id(w) for w in workers}
    assert len(await jobs.list_jobs(helpline, status="done", limit=1000)) == 200
    assert await jobs.list_jobs(helpline, status="queued") == []
    assert await jobs.list_jobs(helpline, status="running") == []
