"""What the benchmark scripts share: the `helpline` CLI, a seeded desk, a PostgreSQL database
for `--backend postgres`, a desk running in this process, SQL statement counts and percentiles.

The scripts run as `uv run python bench/x.py`, so this folder is on sys.path and they import it
as `from common import …`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

HELPLINE = [sys.executable, "-m", "helpline.cli"]
ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "bench-password-1"

T = TypeVar("T")


# --- the helpline CLI --------------------------------------------------------------------------


def cli_output(data_dir: Path, env: dict[str, str], *args: str) -> str:
    """Run `helpline --data-dir DATA_DIR ARGS…` and return what it printed (stripped)."""
    try:
        result = subprocess.run(
            [*HELPLINE, "--data-dir", str(data_dir), *args],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    except subprocess.CalledProcessError as error:
        sys.stderr.write(error.stderr or "")
        raise
    return result.stdout.strip()


def cli(data_dir: Path, env: dict[str, str], *args: str) -> float:
    """Run `helpline --data-dir DATA_DIR ARGS…`; the seconds it took."""
    started = time.perf_counter()
    cli_output(data_dir, env, *args)
    return time.perf_counter() - started


def init_desk(data_dir: Path, env: dict[str, str], settings: str = "") -> float:
    """`helpline init` with the benchmark admin, after writing `settings` to helpline.toml."""
    if settings:
        data_dir.mkdir(parents=True, exist_ok=True)
        (data_dir / "helpline.toml").write_text(settings)
    return cli(
        data_dir, env, "init", "--admin-email", ADMIN_EMAIL, "--admin-password", ADMIN_PASSWORD
    )


def seed_desk(
    data_dir: Path, env: dict[str, str], tickets: int, seed: int = 5, settings: str = ""
) -> float:
    """`helpline init`, then `helpline demo --tickets N --seed S`; the seconds of the demo."""
    init_desk(data_dir, env, settings)
    return cli(data_dir, env, "demo", "--tickets", str(tickets), "--seed", str(seed))


def api_token(data_dir: Path, env: dict[str, str]) -> str:
    """A new API token of the benchmark admin."""
    return cli_output(data_dir, env, "tokens", "create", "--user", ADMIN_EMAIL).splitlines()[-1]


def desk_env(
    database_url: str | None = None, plugins: str | None = None, clean: bool = False
) -> dict[str, str]:
    """The environment for the CLI: HELPLINE_DATABASE_URL and HELPLINE_PLUGINS when given, set in
    this process too (the desk a script starts in-process reads them). `clean` leaves the
    caller's other HELPLINE_* variables out of the returned environment."""
    chosen = {"HELPLINE_DATABASE_URL": database_url, "HELPLINE_PLUGINS": plugins}
    chosen = {name: value for name, value in chosen.items() if value}
    os.environ.update(chosen)
    env = dict(os.environ)
    if clean:
        env = {k: v for k, v in env.items() if not k.startswith("HELPLINE_") or k in chosen}
    return env


# --- PostgreSQL --------------------------------------------------------------------------------


def add_backend_arguments(parser: argparse.ArgumentParser) -> None:
    """--backend sqlite|postgres and --postgres-url (see `postgres_database`)."""
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("HELPLINE_TEST_POSTGRES_URL"),
        help="PostgreSQL server URL without a database (default: $HELPLINE_TEST_POSTGRES_URL, "
        "else a throwaway server); the benchmark's database is dropped and created on it",
    )


@contextlib.contextmanager
def postgres_database(args: argparse.Namespace, name: str) -> Iterator[str | None]:
    """With `--backend postgres`, the URL of database NAME, created afresh on `--postgres-url`
    or on a throwaway server that is stopped afterwards; with SQLite, None."""
    if args.backend != "postgres":
        yield None
        return
    cluster = None
    try:
        base = args.postgres_url
        if not base:
            from helpline.testing.postgres import Cluster, find_bin_dir

            bin_dir = find_bin_dir()
            if bin_dir is None:
                sys.exit("no PostgreSQL binaries found; pass --postgres-url")
            cluster = Cluster(bin_dir)
            base = cluster.start()
        base = base.rstrip("/")
        asyncio.run(_recreate_database(base, name))
        yield f"{base}/{name}"
    finally:
        if cluster is not None:
            cluster.stop()


async def _recreate_database(base: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(f"{base}/postgres")
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await conn.execute(f"CREATE DATABASE {name}")
    finally:
        await conn.close()


# --- a desk in this process, or served ---------------------------------------------------------


@contextlib.asynccontextmanager
async def running_desk(
    data_dir: Path | str,
    clock: Callable[[], datetime] | None = None,
    pm: Any = None,
    **overrides: Any,
) -> AsyncIterator[Any]:
    """A started Helpline on DATA_DIR (settings `overrides` as for load_settings), stopped after."""
    from helpline.runtime import Helpline
    from helpline.settings import load_settings

    extra = {"clock": clock} if clock is not None else {}
    helpline = Helpline(load_settings(str(data_dir), **overrides), pm=pm, **extra)
    await helpline.start()
    try:
        yield helpline
    finally:
        await helpline.stop()


async def admin_actor(helpline: Any) -> Any:
    """The benchmark admin (created by `init_desk`) as an Actor."""
    from helpline import db
    from helpline.services.users import load_actor

    admin_id = await db.fetchval(
        helpline.engine, "SELECT id FROM users WHERE email = {}", ADMIN_EMAIL
    )
    return await load_actor(helpline, admin_id)


async def team_agent(helpline: Any, actor: Any) -> Any:
    """`actor` as an agent who may view reports and only the tickets of the first team."""
    import msgspec

    from helpline import db

    team = await db.fetchval(helpline.engine, "SELECT MIN(id) AS t FROM team")
    return msgspec.structs.replace(
        actor,
        id=-1,
        role="agent",
        permissions=frozenset({"reports.view", "tickets.view_team"}),
        team_ids=frozenset({team}) if team else frozenset(),
    )


@contextlib.contextmanager
def serving(data_dir: Path, env: dict[str, str]) -> Iterator[tuple[str, int]]:
    """`helpline serve` (one process, no worker) on a free port: (its base URL, its pid)."""
    from helpline.testing.postgres import free_port

    port = free_port()
    serve = ["serve", "--host", "127.0.0.1", "--port", str(port), "--no-worker"]
    server = subprocess.Popen(
        [*HELPLINE, "--data-dir", str(data_dir), *serve],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base_url = f"http://127.0.0.1:{port}"
        _wait_healthy(base_url)
        yield base_url, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_healthy(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not become healthy")


# --- measuring ---------------------------------------------------------------------------------


class Clock:
    """A settable clock for Helpline(clock=…): returns `at` until a script moves it."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


class Statements:
    """Counts the SQL statements the engine runs (and, with `detail`, which ones)."""

    def __init__(self, engine: object, detail: bool = False) -> None:
        self.count = 0
        self.kinds: Counter[str] = Counter()
        # Wrapped on the class (PostgresEngine has slots), around the original method only, so
        # a second counter replaces the first rather than counting through it.
        cls = type(engine)
        original = getattr(cls, "_bench_original", None) or cls.run_querystring
        cls._bench_original = original

        async def counting(this, querystring, *args, **kwargs):
            self.count += 1
            if detail:
                self.kinds[" ".join(str(querystring).split())[:90]] += 1
            return await original(this, querystring, *args, **kwargs)

        cls.run_querystring = counting

    def top(self, n: int = 25) -> str:
        return "\n".join(f"{count:>8,}  {text}" for text, count in self.kinds.most_common(n))


async def timed(work: Awaitable[T]) -> tuple[float, T]:
    """Await `work`: the seconds it took, and its result."""
    started = time.perf_counter()
    result = await work
    return time.perf_counter() - started, result


async def best_of(rounds: int, call: Callable[[], Awaitable[T]]) -> tuple[float, T]:
    """The fastest of `rounds` runs of `call()` in seconds, and the last run's result."""
    best, result = math.inf, None
    for _ in range(rounds):
        elapsed, result = await timed(call())
        best = min(best, elapsed)
    return best, result  # type: ignore[return-value]


def percentiles(seconds: list[float]) -> tuple[float, float]:
    """p50 (the median) and p95 (nearest rank) of latencies in seconds, in milliseconds."""
    ordered = sorted(seconds)
    p95 = ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)]
    return statistics.median(ordered) * 1000, p95 * 1000
