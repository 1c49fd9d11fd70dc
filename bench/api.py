"""API throughput and search latency on a seeded desk (SQLite or PostgreSQL).

Seeds N tickets with `helpline demo`, starts `helpline serve` (one process, no worker) and drives
it over loopback with httpx from this process. Prints requests/s and p50/p95 per scenario.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from common import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    add_backend_arguments,
    api_token,
    desk_env,
    percentiles,
    postgres_database,
    seed_desk,
    serving,
)

SEARCH_TERMS = [
    "invoice",
    "password",
    "login",
    "refund",
    "printer",
    "error",
    "export",
    "charged twice",
]


async def measure(
    name: str,
    call: Callable[[httpx.AsyncClient], Awaitable[httpx.Response]],
    client: httpx.AsyncClient,
    seconds: float,
    concurrency: int,
) -> None:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            response = await call(client)
            latencies.append(time.perf_counter() - start)
            if response.status_code >= 400:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    p50, p95 = percentiles(latencies)
    print(
        f"{name:<28} {len(latencies):>7} req {len(latencies) / elapsed:>8.0f} req/s "
        f"p50 {p50:>7.1f} ms  p95 {p95:>7.1f} ms" + (f"  errors {errors}" if errors else "")
    )


async def drive(base: str, token: str, max_number: int, seconds: float, concurrency: int) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base, headers=headers, limits=limits, timeout=60
    ) as client:
        rng = random.Random(1)
        scenarios: list[tuple[str, Callable]] = [
            ("list (25, newest)", lambda c: c.get("/api/v1/tickets")),
            (
                "filter status+priority",
                lambda c: c.get("/api/v1/tickets", params={"status": "open", "priority": "high"}),
            ),
            ("filter tag", lambda c: c.get("/api/v1/tickets", params={"tag": "billing"})),
            ("filter unassigned", lambda c: c.get("/api/v1/tickets", params={"assignee": "none"})),
            ("get one", lambda c: c.get(f"/api/v1/tickets/{rng.randint(1, max_number)}")),
            (
                "create",
                lambda c: c.post(
                    "/api/v1/tickets",
                    json={
                        "subject": "Bench: cannot export report",
                        "body": "Export fails with error 500.",
                        "requester": f"bench{rng.randint(1, 500)}@example.com",
                        "tags": ["bench"],
                    },
                ),
            ),
        ]
        print(f"\nthroughput, {concurrency} concurrent clients, {seconds:.0f} s each")
        for name, call in scenarios:
            await measure(name, call, client, seconds, concurrency)
        print("\nsearch latency, one client at a time")
        latencies: list[float] = []
        for _ in range(5):
            for term in SEARCH_TERMS:
                start = time.perf_counter()
                response = await client.get("/api/v1/search", params={"q": term})
                response.raise_for_status()
                latencies.append(time.perf_counter() - start)
        p50, p95 = percentiles(latencies)
        print(
            f"{'search (' + str(len(latencies)) + ' queries)':<28} "
            f"p50 {p50:.1f} ms  p95 {p95:.1f} ms"
        )
        start = time.perf_counter()
        response = await client.get("/api/v1/tickets", params={"q": "invoice"})
        print(
            f"{'list filtered by q':<28} {(time.perf_counter() - start) * 1000:.1f} ms "
            f"({response.json()['total']} matches)"
        )
    await drive_pages(base, max_number, seconds, concurrency)


async def drive_pages(base: str, max_number: int, seconds: float, concurrency: int) -> None:
    """The agent's queue page and ticket page, signed in with a session cookie like a browser."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as web:
        await web.get("/login")
        signed_in = await web.post(
            "/login",
            data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
            headers={"x-csrftoken": web.cookies.get("helpline_csrf", "")},
        )
        if signed_in.status_code != 303:
            raise SystemExit(f"sign-in failed: {signed_in.status_code}")
        rng = random.Random(2)
        print(f"\nweb pages, {concurrency} concurrent clients, {seconds:.0f} s each")
        await measure(
            "page: queue (unsolved)", lambda c: c.get("/tickets"), web, seconds, concurrency
        )
        await measure(
            "page: queue filtered",
            lambda c: c.get("/tickets", params={"priority": "high", "category": "any"}),
            web,
            seconds,
            concurrency,
        )
        await measure(
            "page: ticket",
            lambda c: c.get(f"/tickets/{rng.randint(1, max_number)}"),
            web,
            seconds,
            concurrency,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=10_000)
    add_backend_arguments(parser)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="helpline-bench-") as tmp,
        postgres_database(args, "helpline_bench_api") as url,
    ):
        data_dir = Path(tmp)
        env = desk_env(url, clean=True)
        seconds = seed_desk(data_dir, env, args.tickets)
        print(f"backend {args.backend}: seeded {args.tickets} tickets in {seconds:.1f} s")
        token = api_token(data_dir, env)
        with serving(data_dir, env) as (base_url, _pid):
            asyncio.run(drive(base_url, token, args.tickets, args.seconds, args.concurrency))


if __name__ == "__main__":
    main()
