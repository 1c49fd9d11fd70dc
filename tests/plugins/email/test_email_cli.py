"""`helpline mail receive`, tested from outside as an MTA would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from email_helpers import free_port, message

HELPLINE = [sys.executable, "-m", "helpline.cli"]


def run(
    args: list[str], data_dir: Path, stdin: bytes = b"", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("HELPLINE_")} | (env or {})
    return subprocess.run(
        [*HELPLINE, "--data-dir", str(data_dir), *args],
        input=stdin,
        capture_output=True,
        env=environ,
        timeout=60,
    )


@pytest.fixture(scope="module")
def desk(tmp_path_factory) -> Path:
    """A desk right after `helpline init` (SQLite)."""
    data_dir = tmp_path_factory.mktemp("desk")
    done = run(
        ["init", "--admin-email", "admin@example.com", "--admin-password", "admin-password"],
        data_dir,
    )
    assert done.returncode == 0, done.stderr.decode()
    return data_dir


def test_mail_receive_works_right_after_init(desk):
    done = run(
        ["mail", "receive", "--mailbox", "Support@helpline.localhost", "--json"],
        desk,
        message(message_id="<cli-1@example.org>"),
    )
    assert done.returncode == 0, done.stderr.decode()
    result = json.loads(done.stdout)
    assert result["action"] == "created" and isinstance(result["ticket"], int)
    assert result["reason"]
    again = json.loads(
        run(["mail", "receive", "--json"], desk, message(message_id="<cli-1@example.org>")).stdout
    )
    assert (again["action"], again["ticket"]) == ("duplicate", result["ticket"])
    reply = message(subject="Re: x", headers={"In-Reply-To": "<cli-1@example.org>"})
    threaded = json.loads(run(["mail", "receive", "--json"], desk, reply).stdout)
    assert (threaded["action"], threaded["ticket"]) == ("appended", result["ticket"])


def start(
    args: list[str], data_dir: Path, stdin: bytes, env: dict[str, str] | None = None
) -> subprocess.Popen:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("HELPLINE_")} | (env or {})
    process = subprocess.Popen(
        [*HELPLINE, "--data-dir", str(data_dir), *args],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environ,
    )  # fmt: skip
    process.stdin.write(stdin)
    process.stdin.close()
    return process


def test_mail_receive_tells_the_mta_to_bounce_or_to_retry(desk, tmp_path):
    """67 (EX_NOUSER) and 65 (EX_DATAERR) bounce; 75 (EX_TEMPFAIL) keeps the message queued."""
    down = f"postgres://helpline:x@127.0.0.1:{free_port()}/helpline"
    cases = {
        "unknown mailbox": (
            start(["mail", "receive", "--mailbox", "nobody@acme.example"], desk, message()),
            67,
        ),
        "no message": (start(["mail", "receive"], desk, b""), 65),
        "database down": (
            start(
                ["mail", "receive", "--json"], tmp_path, message(), {"HELPLINE_DATABASE_URL": down}
            ),
            75,
        ),
        "not initialised": (start(["mail", "receive"], tmp_path / "new", message()), 75),
    }
    for case, (process, code) in cases.items():
        out, err = process.stdout.read(), process.stderr.read()
        assert process.wait(timeout=60) == code, f"{case}: {err.decode()}"
        if code == 75:
            assert b"try again later" in err and out == b"", case


def test_mail_receive_on_postgresql(postgres_server, tmp_path):
    import asyncio

    import asyncpg

    name = f"helpline_cli_{os.getpid()}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(f"{postgres_server}/postgres")
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f"DROP DATABASE IF EXISTS {name}"))
    asyncio.run(admin(f"CREATE DATABASE {name}"))
    env = {"HELPLINE_DATABASE_URL": f"{postgres_server}/{name}"}
    try:
        assert (
            run(
                ["init", "--admin-email", "a@example.com", "--admin-password", "admin-password"],
                tmp_path,
                env=env,
            ).returncode
            == 0
        )
        done = run(["mail", "receive", "--json"], tmp_path, message(), env=env)
        assert done.returncode == 0, done.stderr.decode()
        assert json.loads(done.stdout)["action"] == "created"
    finally:
        asyncio.run(admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


def test_serve_delivers_queued_mail_through_its_worker(desk, smtp_sink):
    sink, port = smtp_sink
    env = {"HELPLINE_SMTP_URL": f"smtp://127.0.0.1:{port}", "HELPLINE_WORKER_POLL_SECONDS": "0.1"}
    done = run(
        ["mail", "receive", "--json"],
        desk,
        message(sender="serve@example.org", subject="Via serve"),
        env=env,
    )
    assert json.loads(done.stdout)["action"] == "created"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("HELPLINE_")} | env
    web_port = free_port()
    server = subprocess.Popen(
        [
            *HELPLINE,
            "--data-dir",
            str(desk),
            "serve",
            "--port",
            str(web_port),
            "--log-level",
            "warning",
        ],
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(
            "serve@example.org" in m["to"] for m in sink.received
        ):
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=20)
    (ack,) = [m for m in sink.messages() if m["To"].addresses[0].addr_spec == "serve@example.org"]
    assert "Via serve" in ack["Subject"]
