"""Webhooks benchmark: cost of queueing deliveries per ticket change, and deliveries per second.

Seeds a data dir with `helpline demo`, starts a tiny HTTP receiver on 127.0.0.1 (its own thread
and event loop, answering 200 at once), subscribes `--subscriptions` webhooks to
`ticket.updated`, then
1. changes `--changes` tickets and times the change including the queued deliveries,
2. runs `--workers` workers in-process until every delivery is sent and prints deliveries/s.

    uv run python bench/webhooks.py --tickets 500 --changes 500 --subscriptions 2
    uv run python bench/webhooks.py --backend postgres --workers 4   # a throwaway cluster
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import (
    add_backend_arguments,
    admin_actor,
    desk_env,
    postgres_database,
    running_desk,
    seed_desk,
)

SETTINGS = "[plugin.webhooks]\nallow_private_targets = true\n"


class Receiver:
    """HTTP/1.1 on 127.0.0.1 in a thread of its own: reads a POST, answers 200, closes."""

    def __init__(self) -> None:
        self.count = 0
        self.port = 0
        self.ready = threading.Event()
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self._run, daemon=True).start()
        self.ready.wait()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        await reader.readexactly(length)
        self.count += 1
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        await writer.drain()
        writer.close()


async def run(args: argparse.Namespace, data_dir: Path) -> None:
    from helpline import db, jobs
    from helpline.services import tickets
    from helpline_automation.webhooks import store
    from helpline_automation.webhooks.specs import SubscriptionIn

    receiver = Receiver()
    async with running_desk(data_dir) as helpline:
        admin = await admin_actor(helpline)
        for n in range(args.subscriptions):
            await store.create(
                helpline,
                admin,
                SubscriptionIn(
                    name=f"bench {n}",
                    url=f"http://127.0.0.1:{receiver.port}/hook/{n}",
                    events=["ticket.updated"],
                    secret="bench-secret",
                ),
            )
        await db.fetch(helpline.engine, "DELETE FROM job")
        numbers = [
            r["number"]
            for r in await db.fetch(
                helpline.engine, "SELECT number FROM ticket ORDER BY id LIMIT {}", args.changes
            )
        ]
        baseline = await _time_changes(helpline, numbers, tickets, "baseline")
        await db.fetch(helpline.engine, "UPDATE webhooks_subscription SET active = {}", False)
        off = await _time_changes(helpline, numbers, tickets, "off")
        await db.fetch(helpline.engine, "UPDATE webhooks_subscription SET active = {}", True)
        await db.fetch(helpline.engine, "DELETE FROM job")
        await db.fetch(helpline.engine, "DELETE FROM webhooks_delivery")
        on = await _time_changes(helpline, numbers, tickets, "on")
        queued = await db.fetchval(helpline.engine, "SELECT COUNT(*) FROM webhooks_delivery")
        print(
            f"{len(numbers)} ticket changes with {args.subscriptions} subscribed webhooks: "
            f"{on * 1e3 / len(numbers):.2f} ms per change (webhooks switched off: "
            f"{off * 1e3 / len(numbers):.2f} ms, warm-up run {baseline * 1e3 / len(numbers):.2f}"
            f" ms); {queued} deliveries queued"
        )
        del baseline
        started = time.perf_counter()
        counts = await asyncio.gather(
            *(jobs.run_pending(helpline, limit=queued + 10) for _ in range(args.workers))
        )
        ran = sum(counts)
        elapsed = time.perf_counter() - started
        succeeded = await db.fetchval(
            helpline.engine, "SELECT COUNT(*) FROM webhooks_delivery WHERE status = 'succeeded'"
        )
        print(
            f"delivered {succeeded}/{queued} ({ran} jobs) in {elapsed:.2f} s: "
            f"{succeeded / elapsed:,.0f} deliveries/s with {args.workers} worker(s) "
            f"(receiver counted {receiver.count})"
        )


async def _time_changes(helpline, numbers, tickets, label: str) -> float:
    started = time.perf_counter()
    for i, number in enumerate(numbers):
        await tickets.update_as_system(
            helpline, number, via=f"bench {label}", subject=f"Bench {label} {i}"
        )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--changes", type=int, default=500)
    parser.add_argument("--subscriptions", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1, help="concurrent workers (PostgreSQL)")
    add_backend_arguments(parser)
    args = parser.parse_args()
    args.changes = min(args.changes, args.tickets)
    if args.backend == "sqlite" and args.workers != 1:
        sys.exit("SQLite runs one worker; use --backend postgres for more")
    with (
        postgres_database(args, "helpline_bench_webhooks") as url,
        tempfile.TemporaryDirectory() as tmp,
    ):
        data_dir = Path(tmp)
        seed_desk(data_dir, desk_env(url), args.tickets, settings=SETTINGS)
        asyncio.run(run(args, data_dir))


if __name__ == "__main__":
    main()
