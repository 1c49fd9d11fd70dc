"""Chat: how many visitor websockets one web process holds, and message latency at that load.

Starts `helpline serve` (one process, no worker) on a fresh SQLite or PostgreSQL desk, opens N
chats through the widget's HTTP API, connects N visitor websockets and keeps them open, then
measures while they are all connected:

- agent → visitor: an agent's reply posted through the REST API until the visitor's socket
  receives it (save, commit, publish on the ticket's channel, replay to the socket);
- visitor → visitor: a message sent on a socket until the server echoes it back with its seq.

    uv run python bench/chat.py --chats 1000 --backend sqlite
    uv run python bench/chat.py --chats 1000 --backend postgres
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from pathlib import Path

import httpx
from common import (
    ADMIN_EMAIL,
    add_backend_arguments,
    api_token,
    desk_env,
    init_desk,
    percentiles,
    postgres_database,
    running_desk,
    serving,
)
from websockets.asyncio.client import connect

ORIGIN = "http://shop.example"
SETTINGS = """
[plugin.chat]
max_chats = 100000
rate_messages = 1000000
agent_timeout = 1000000.0
"""


async def setup(data_dir: Path) -> str:
    """A widget and an agent whose console counts as open; returns the widget key."""
    from helpline.services.users import find_user_id
    from helpline_chat import agents, widgets

    async with running_desk(data_dir) as helpline:
        widget_id = await widgets.save(
            helpline,
            None,
            {
                "name": "Bench",
                "origins": ORIGIN,
                "color": "#123456",
                "text_color": "#ffffff",
                "greeting": "Hi",
                "position": "right",
                "active": "on",
            },
        )
        await agents.touch_agent(helpline, await find_user_id(ADMIN_EMAIL))
        return (await widgets.by_id(widget_id))["key"]


class Visitor:
    def __init__(self, ws, chat: dict) -> None:
        self.ws, self.chat = ws, chat
        self.waiting: dict[str, asyncio.Future] = {}
        self.reader = asyncio.create_task(self.read())

    async def read(self) -> None:
        async for raw in self.ws:
            frame = json.loads(raw)
            if frame.get("type") == "message":
                key = frame.get("cid") or frame.get("body")
                future = self.waiting.pop(key, None)
                if future is not None and not future.done():
                    future.set_result(time.perf_counter())


async def open_chats(base: str, key: str, count: int) -> list[dict]:
    chats: list[dict] = []
    semaphore = asyncio.Semaphore(16)
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:

        async def one(n: int) -> None:
            async with semaphore:
                r = await http.post(
                    f"/p/chat/w/{key}/start",
                    content=json.dumps(
                        {"name": f"Visitor {n}", "email": f"v{n}@example.com", "body": "Hello"}
                    ),
                    headers={"Origin": ORIGIN, "Content-Type": "text/plain"},
                )
                r.raise_for_status()
                chats.append(r.json())

        await asyncio.gather(*(one(n) for n in range(count)))
    return chats


async def connect_all(base: str, key: str, chats: list[dict], per_chat: int) -> list[Visitor]:
    url = base.replace("http://", "ws://") + f"/p/chat/w/{key}/ws"
    semaphore = asyncio.Semaphore(50)
    visitors: list[Visitor] = []
    failed = 0

    async def one(chat: dict) -> None:
        nonlocal failed
        async with semaphore:
            try:
                ws = await connect(url, origin=ORIGIN, open_timeout=30, max_queue=64)
                await ws.send(json.dumps({"type": "hello", "token": chat["token"], "seq": 0}))
                while json.loads(await ws.recv()).get("type") != "welcome":
                    pass
            except Exception:
                failed += 1
                return
            visitors.append(Visitor(ws, chat))

    await asyncio.gather(*(one(chat) for chat in chats for _ in range(per_chat)))
    if failed:
        print(f"  {failed} connections failed")
    return visitors


async def agent_replies(
    base: str, token: str, visitors: list[Visitor], samples: int
) -> list[float]:
    latencies: list[float] = []
    rng = random.Random(7)
    async with httpx.AsyncClient(
        base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
    ) as api:
        for n in range(samples):
            visitor = rng.choice(visitors)
            body = f"reply {n}"
            future = asyncio.get_running_loop().create_future()
            visitor.waiting[body] = future
            start = time.perf_counter()
            r = await api.post(
                f"/api/v1/tickets/{visitor.chat['ticket']}/messages", json={"body": body}
            )
            r.raise_for_status()
            latencies.append(await asyncio.wait_for(future, 30) - start)
    return latencies


async def visitor_echoes(visitors: list[Visitor], samples: int, concurrency: int) -> list[float]:
    latencies: list[float] = []
    rng = random.Random(11)
    counter = iter(range(samples))

    async def worker() -> None:
        for n in counter:
            visitor = rng.choice(visitors)
            cid = f"echo-{n}"
            future = asyncio.get_running_loop().create_future()
            visitor.waiting[cid] = future
            start = time.perf_counter()
            await visitor.ws.send(json.dumps({"type": "message", "body": "ping", "cid": cid}))
            latencies.append(await asyncio.wait_for(future, 30) - start)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def report(name: str, values: list[float]) -> None:
    p50, p95 = percentiles(values)
    print(f"  {name:<34} n={len(values):<4} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms")


async def drive(base: str, key: str, token: str, args: argparse.Namespace, pid: int) -> None:
    start = time.perf_counter()
    chats = await open_chats(base, key, args.chats)
    print(f"  opened {len(chats)} chats (tickets) in {time.perf_counter() - start:.1f} s")
    idle = rss_mb(pid)
    start = time.perf_counter()
    visitors = await connect_all(base, key, chats, args.sockets_per_chat)
    print(
        f"  {len(visitors)} visitor websockets connected in {time.perf_counter() - start:.1f} s; "
        f"server RSS {idle:.0f} → {rss_mb(pid):.0f} MB"
    )
    await asyncio.sleep(1)
    report("agent reply → visitor (API)", await agent_replies(base, token, visitors, args.samples))
    report(
        f"visitor message → echo (x{args.concurrency})",
        await visitor_echoes(visitors, args.samples, args.concurrency),
    )
    held = sum(1 for v in visitors if not v.reader.done())
    print(f"  still connected at the end: {held}")
    for v in visitors:
        await v.ws.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chats", type=int, default=500)
    add_backend_arguments(parser)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument(
        "--sockets-per-chat", type=int, default=1, help="a visitor with several tabs open"
    )
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="helpline-bench-") as tmp,
        postgres_database(args, "helpline_bench_chat") as url,
    ):
        data_dir = Path(tmp)
        env = desk_env(url, clean=True)
        init_desk(data_dir, env, settings=SETTINGS)
        token = api_token(data_dir, env)
        key = asyncio.run(setup(data_dir))
        with serving(data_dir, env) as (base_url, pid):
            print(
                f"backend {args.backend}, one web process, {args.chats} chats, "
                f"{args.sockets_per_chat} socket(s) each"
            )
            asyncio.run(drive(base_url, key, token, args, pid))


if __name__ == "__main__":
    main()
