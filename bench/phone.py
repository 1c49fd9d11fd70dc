"""Phone benchmark: webhook events per second, popups rendered, and the call history query.

Seeds N tickets with `helpline demo` (SQLite), gives 1,000 of the customers a phone number, then
posts `--calls` calls to the webhook through the ASGI app (ringing, answered and hung up for two
thirds; ringing and hung up, unanswered, for the rest, each of which opens a "Call back" ticket)
and times them. Then it times rendering the incoming-call popup for an agent, and a page of an
agent's call history (the visibility subquery over every call).

    uv run python bench/phone.py --tickets 20000 --calls 600
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import tempfile
import time
from pathlib import Path

from common import percentiles, running_desk, seed_desk

SECRET = "bench-secret"
SETTINGS = f'[plugin.phone]\nwebhook_secret = "{SECRET}"\n'


def latency(samples: list[float]) -> str:
    p50, p95 = percentiles(samples)
    return f"p50 {p50:.1f} ms, p95 {p95:.1f} ms"


async def run(args: argparse.Namespace, data_dir: Path) -> None:
    import httpx

    from helpline.services.users import load_actor
    from helpline.tables import Role, User
    from helpline_phone import calls, live, numbers
    from helpline_phone.tables import PhoneCall
    from helpline_phone.webhook import signature
    from helpline_web.app import create_app

    logging.getLogger("httpx").setLevel(logging.WARNING)
    async with running_desk(data_dir, worker=False) as helpline:
        app = create_app(helpline, worker=False)
        customers = (
            await User.select(User.id)
            .where(User.role.is_in(Role.select(Role.id).where(Role.staff == False)))  # noqa: E712
            .limit(1000)
        )
        for index, row in enumerate(customers):
            await numbers.remember(helpline, row["id"], f"+1202555{index:04d}")
        agent_row = (
            await User.select(User.id)
            .where(User.role.is_in(Role.select(Role.id).where(Role.name == "agent")))
            .first()
        )
        agent = await load_actor(helpline, agent_row["id"])

        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

            async def post(event: dict) -> float:
                body = json.dumps(event).encode()
                headers = {
                    "x-helpline-signature": signature(SECRET, body),
                    "content-type": "application/json",
                }
                started = time.perf_counter()
                response = await client.post("/api/v1/phone/events", content=body, headers=headers)
                response.raise_for_status()
                return time.perf_counter() - started

            timings: dict[str, list[float]] = {"ringing": [], "answered": [], "hangup": []}
            started = time.perf_counter()
            for n in range(args.calls):
                call = {
                    "call_id": f"bench-{n}",
                    "caller": f"+1202555{n % 1500:04d}",  # a third of them unknown numbers
                    "callee": "+12025550100",
                    "agent": agent.email,
                }
                events = ("ringing", "answered", "hangup") if n % 3 else ("ringing", "hangup")
                for event in events:
                    timings[event].append(await post({**call, "event": event}))
            elapsed = time.perf_counter() - started
            posted = sum(len(t) for t in timings.values())
            print(
                f"webhook: {args.calls:,} calls, {posted:,} events in {elapsed:.1f} s "
                f"({posted / elapsed:,.0f} events/s, one at a time)"
            )
            for event, samples in timings.items():
                print(f"  {event:<9} {latency(samples)}")
            missed = [t for n, t in enumerate(timings["hangup"]) if n % 3 == 0]
            print(f"  hang-up that opens a Call back ticket: {latency(missed)}")

        renders = []
        for n in range(0, args.calls, max(1, args.calls // 100)):
            row = await calls.get_calls(PhoneCall.call_id == f"bench-{n}")
            started = time.perf_counter()
            await live.popup_context(helpline, agent, row[0]["id"])
            renders.append(time.perf_counter() - started)
        print(f"popup for one agent (customer, open tickets): {latency(renders)}")

        pages = []
        for _ in range(20):
            started = time.perf_counter()
            _, total = await calls.list_calls(agent, agent=agent.id)
            pages.append(time.perf_counter() - started)
        print(f"agent's call history, first page of {total:,} calls: {latency(pages)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=20000)
    parser.add_argument("--calls", type=int, default=600)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="helpline-phone-bench-") as tmp:
        data_dir = Path(tmp)
        env = {**os.environ, "HELPLINE_DATA_DIR": str(data_dir)}
        print(f"seeding {args.tickets:,} tickets …", flush=True)
        seed_desk(data_dir, env, args.tickets, settings=SETTINGS)
        asyncio.run(run(args, data_dir))


if __name__ == "__main__":
    main()
