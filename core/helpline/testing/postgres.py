"""A throwaway PostgreSQL cluster for tests, started from the installed server binaries."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Any

#: The unprivileged user that owns the cluster when tests run as root (initdb refuses root).
PG_USER = "helpline-pg"


def find_bin_dir() -> Path | None:
    """Where initdb and pg_ctl live: PATH, /usr/local/bin, or Debian's versioned directory."""
    found = shutil.which("initdb") or shutil.which("initdb", path="/usr/local/bin")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """initdb, start on 127.0.0.1 with durability off (tests only), stop and delete."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="helpline-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.user = PG_USER if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name

    def _run(self, *args: str) -> None:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, text=True)

    def start(self) -> str:
        if os.geteuid() == 0:
            try:
                pwd.getpwnam(self.user)
            except KeyError:
                subprocess.run(
                    [
                        "useradd",
                        "--system",
                        "--no-create-home",
                        "--shell",
                        "/usr/sbin/nologin",
                        self.user,
                    ],
                    check=True,
                    capture_output=True,
                )
            shutil.chown(self.root, self.user)
        os.chmod(self.root, 0o755)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        options = (
            f"-k {self.root} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
        )
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.root, ignore_errors=True)


class Clones:
    """Databases cloned from a template ahead of need, by a thread with its own connection.

    `CREATE DATABASE … TEMPLATE` takes ~0.4 s of the server's time; made while the previous test
    runs (the server works on the other core), the next test's database is waiting when the
    test starts. Drops are queued the same way. The thread runs one statement at a time.
    """

    def __init__(self, base: str, template: str, prefix: str, ahead: int = 2) -> None:
        import itertools
        import queue
        import threading

        self.base, self.template, self.prefix = base, template, prefix
        self._names = itertools.count(1)
        self._work: queue.Queue = queue.Queue()
        self._ready: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._serve, name="helpline-pg-clones", daemon=True)
        self._thread.start()
        for _ in range(ahead):
            self._work.put("create")

    def _serve(self) -> None:
        import asyncio

        import asyncpg

        loop = asyncio.new_event_loop()
        conn = None
        try:
            conn = loop.run_until_complete(asyncpg.connect(f"{self.base}/postgres"))
            while (job := self._work.get()) is not None:
                loop.run_until_complete(self._do(conn, job))
            # Every clone ordered before the end is made by now: drop the ones nobody took.
            while not self._ready.empty():
                if isinstance(name := self._ready.get_nowait(), str):
                    loop.run_until_complete(self._do(conn, name))
        except Exception as exc:
            self._ready.put(exc)
        finally:
            if conn is not None:
                loop.run_until_complete(conn.close())
            loop.close()

    async def _do(self, conn: Any, job: str) -> None:
        if job != "create":
            await conn.execute(f"DROP DATABASE IF EXISTS {job} WITH (FORCE)")
            return
        name = f"{self.prefix}_{next(self._names)}"
        try:
            await conn.execute(f"CREATE DATABASE {name} TEMPLATE {self.template}")
        except Exception as exc:  # the test that takes it reports the error
            self._ready.put(exc)
        else:
            self._ready.put(name)

    def take(self) -> str:
        """A fresh clone's name (blocks until one is ready); orders the next one."""
        import queue

        self._work.put("create")
        while True:
            try:
                got = self._ready.get(timeout=1)
            except queue.Empty:
                if not self._thread.is_alive():
                    raise RuntimeError("the thread making test databases has stopped") from None
                continue
            if isinstance(got, BaseException):
                raise got
            return got

    def drop(self, name: str) -> None:
        self._work.put(name)

    def close(self) -> None:
        """Drop the clones nobody took and wait for every queued statement."""
        self._work.put(None)
        self._thread.join(timeout=300)
