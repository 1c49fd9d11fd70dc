"""API throughput and search latency on a seeded desk (SQLite or PostgreSQL).

Seeds N tickets with `helpline demo`, starts `helpline serve` (one process, no worker) and drives
it over loopback with httpx from this process. Prints requests/s and p50/p95 per scenario.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

HELPLINE = [sys.executable, "-m", "helpline.cli"]
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


def cli(data_dir: Path, env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [*HELPLINE, "--data-dir", str(data_dir), *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


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
    print(
        f"{name:<28} {len(latencies):>7} req {len(latencies) / elapsed:>8.0f} req/s "
        f"p50 {percentile(latencies, 0.5) * 1000:>7.1f} ms  "
        f"p95 {percentile(latencies, 0.95) * 1000:>7.1f} ms"
        + (f"  errors {errors}" if errors else "")
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
        print(
            f"{'search (' + str(len(latencies)) + ' queries)':<28} "
            f"p50 {statistics.median(latencies) * 1000:.1f} ms"
            f"  p95 {percentile(latencies, 0.95) * 1000:.1f} ms"
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
            data={"email": "admin@example.com", "password": "bench-password"},
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


async def create_database(base: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(f"{base}/postgres")
    try:
        await conn.execute(f"CREATE DATABASE {name}")
    finally:
        await conn.close()


def wait_healthy(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not become healthy")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    from helpline.testing.postgres import Cluster, find_bin_dir, free_port

    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPLINE_")}
    cluster = None
    with tempfile.TemporaryDirectory(prefix="helpline-bench-") as tmp:
        data_dir = Path(tmp)
        try:
            if args.backend == "postgres":
                bin_dir = find_bin_dir()
                if bin_dir is None:
                    raise SystemExit("PostgreSQL binaries not found")
                cluster = Cluster(bin_dir)
                base = cluster.start()
                asyncio.run(create_database(base, "helpline"))
                env["HELPLINE_DATABASE_URL"] = f"{base}/helpline"
            cli(
                data_dir,
                env,
                "init",
                "--admin-email",
                "admin@example.com",
                "--admin-password",
                "bench-password",
            )
            start = time.perf_counter()
            cli(data_dir, env, "demo", "--tickets", str(args.tickets))
            print(
                f"backend {args.backend}: seeded {args.tickets} tickets "
                f"in {time.perf_counter() - start:.1f} s"
            )
            token = cli(
                data_dir, env, "tokens", "create", "--user", "admin@example.com"
            ).splitlines()[-1]
            port = free_port()
            server = subprocess.Popen(
                [
                    *HELPLINE,
                    "--data-dir",
                    str(data_dir),
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--no-worker",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                base_url = f"http://127.0.0.1:{port}"
                wait_healthy(base_url)
                asyncio.run(drive(base_url, token, args.tickets, args.seconds, args.concurrency))
            finally:
                server.terminate()
                server.wait(timeout=30)
        finally:
            if cluster is not None:
                cluster.stop()


if __name__ == "__main__":
    main()
