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
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from websockets.asyncio.client import connect

sys.path.insert(0, str(Path(__file__).parent))
from api import HELPLINE, cli, create_database, percentile, wait_healthy

ORIGIN = "http://shop.example"
SETTINGS = """
[plugin.chat]
max_chats = 100000
rate_messages = 1000000
agent_timeout = 1000000.0
"""


async def setup(data_dir: Path, env: dict[str, str]) -> str:
    """A widget and an agent whose console counts as open; returns the widget key."""
    os.environ.update(env)
    from helpline.runtime import Helpline
    from helpline.settings import load_settings
    from helpline_chat import agents, widgets

    helpline = Helpline(load_settings(data_dir))
    await helpline.start()
    try:
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
        from helpline.services.users import find_user_id

        await agents.touch_agent(helpline, await find_user_id("admin@example.com"))
        return (await widgets.by_id(widget_id))["key"]
    finally:
        await helpline.stop()


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
    print(
        f"  {name:<34} n={len(values):<4} p50 {percentile(values, 0.5) * 1000:7.1f} ms"
        f"  p95 {percentile(values, 0.95) * 1000:7.1f} ms"
    )


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
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument(
        "--sockets-per-chat", type=int, default=1, help="a visitor with several tabs open"
    )
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    from helpline.testing.postgres import Cluster, find_bin_dir, free_port

    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPLINE_")}
    cluster = None
    with tempfile.TemporaryDirectory(prefix="helpline-bench-") as tmp:
        data_dir = Path(tmp)
        (data_dir / "helpline.toml").write_text(SETTINGS)
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
            token = cli(
                data_dir, env, "tokens", "create", "--user", "admin@example.com"
            ).splitlines()[-1]
            key = asyncio.run(setup(data_dir, env))
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
                print(
                    f"backend {args.backend}, one web process, {args.chats} chats, "
                    f"{args.sockets_per_chat} socket(s) each"
                )
                asyncio.run(drive(base_url, key, token, args, server.pid))
            finally:
                server.terminate()
                server.wait(timeout=30)
        finally:
            if cluster is not None:
                cluster.stop()


if __name__ == "__main__":
    main()
