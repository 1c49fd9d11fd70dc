"""The `helpline` command line, run as a subprocess against a fresh data dir per test."""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib.util
import itertools
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import types
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from helpline import hookimpl

_DATABASES = itertools.count(1)


def _in_thread(coro: Any) -> Any:
    """Run a coroutine on its own loop: these tests are synchronous, the runtime is not."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _pg_admin(base: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(f"{base}/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@dataclass
class Desk:
    """A data dir (and, on PostgreSQL, an empty database) driven through the CLI."""

    data_dir: Path
    database_url: str = ""

    def env(self, **extra: str) -> dict[str, str]:
        # The developer's own HELPLINE_* variables must not leak into the command under test.
        env = {k: v for k, v in os.environ.items() if not k.startswith("HELPLINE_")}
        if self.database_url:
            env["HELPLINE_DATABASE_URL"] = self.database_url
        return {**env, **extra}

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "helpline.cli", "--data-dir", str(self.data_dir), *args]

    def run(self, *args: str, status: int = 0, **env: str) -> subprocess.CompletedProcess:
        done = subprocess.run(
            self.command(*args), env=self.env(**env), capture_output=True, text=True, timeout=300
        )
        assert done.returncode == status, f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
        return done

    def query(self, sql: str) -> list[tuple]:
        if not self.database_url:
            with sqlite3.connect(self.data_dir / "helpline.sqlite3") as conn:
                return conn.execute(sql).fetchall()

        async def fetch() -> list[tuple]:
            import asyncpg

            conn = await asyncpg.connect(self.database_url)
            try:
                return [tuple(r) for r in await conn.fetch(sql)]
            finally:
                await conn.close()

        return _in_thread(fetch())

    def call(self, work: Any) -> Any:
        """`await work(helpline)` on a runtime started on this desk's database."""
        from helpline.runtime import Helpline
        from helpline.settings import Settings

        async def go() -> Any:
            settings = Settings(
                data_dir=str(self.data_dir), database_url=self.database_url, secret_key="test"
            )
            helpline = Helpline(settings)
            await helpline.start()
            try:
                return await work(helpline)
            finally:
                await helpline.stop()

        return _in_thread(go())


@pytest.fixture
def desk(helpline_backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Desk]:
    """A data dir that has not been initialised yet, on each database backend."""
    data_dir = tmp_path / "data"
    if helpline_backend == "sqlite":
        yield Desk(data_dir)
        return
    base = request.getfixturevalue("postgres_server")
    name = f"helpline_cli_{os.getpid()}_{next(_DATABASES)}"
    _in_thread(_pg_admin(base, f"CREATE DATABASE {name}"))
    try:
        yield Desk(data_dir, f"{base}/{name}")
    finally:
        _in_thread(_pg_admin(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture(scope="session")
def initialised(
    helpline_backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Desk:
    """A desk after `helpline init`, made once per backend; `ready` gives each test a copy."""
    data_dir = tmp_path_factory.mktemp("cli-initialised") / "data"
    if helpline_backend == "sqlite":
        made = Desk(data_dir)
    else:
        base = request.getfixturevalue("postgres_server")
        name = f"helpline_cli_initialised_{os.getpid()}"
        _in_thread(_pg_admin(base, f"DROP DATABASE IF EXISTS {name}"))
        _in_thread(_pg_admin(base, f"CREATE DATABASE {name}"))
        request.addfinalizer(
            lambda: _in_thread(_pg_admin(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        )
        made = Desk(data_dir, f"{base}/{name}")
    made.run("init", "--admin-email", "admin@example.com", "--admin-password", "first-secret")
    return made


@pytest.fixture
def ready(desk: Desk, initialised: Desk, request: pytest.FixtureRequest) -> Desk:
    """A desk after `helpline init`: a copy of the data dir (and database) `init` made."""
    shutil.copytree(initialised.data_dir, desk.data_dir)
    if desk.database_url:
        base = request.getfixturevalue("postgres_server")
        name = desk.database_url.rsplit("/", 1)[1]
        template = initialised.database_url.rsplit("/", 1)[1]
        _in_thread(_pg_admin(base, f"DROP DATABASE {name}"))
        _in_thread(_pg_admin(base, f"CREATE DATABASE {name} TEMPLATE {template}"))
    return desk


# -- init, migrate, settings ------------------------------------------------------------------


def test_init_twice_keeps_the_first_admin(desk: Desk) -> None:
    from helpline.services.users import authenticate

    first = desk.run(
        "init", "--admin-email", "Admin@Example.com", "--admin-password", "first-secret"
    )
    second = desk.run(
        "init", "--admin-email", "admin@example.com", "--admin-password", "other-secret"
    )

    assert "Created admin admin@example.com" in first.stdout
    assert "already exists" in second.stdout
    assert "no migrations to run" in second.stdout
    admin = desk.call(lambda hl: authenticate(hl, "admin@example.com", "first-secret"))
    assert admin is not None and admin.role == "admin"
    assert desk.call(lambda hl: authenticate(hl, "admin@example.com", "other-secret")) is None


def test_migrate_on_an_installed_desk_has_nothing_to_run(ready: Desk) -> None:
    done = ready.run("migrate")

    assert "no migrations to run" in done.stdout


@pytest.mark.sqlite_only
def test_init_reports_each_migration_it_applies(desk: Desk) -> None:
    done = desk.run(
        "init", "--admin-email", "admin@example.com", "--admin-password", "first-secret"
    )

    assert "Applied migration core " in done.stdout
    assert (desk.data_dir / "helpline.sqlite3").exists()


@pytest.mark.sqlite_only
def test_bad_settings_exit_with_status_2_naming_the_key(desk: Desk) -> None:
    done = desk.run("migrate", status=2, HELPLINE_DATABASE_URL="mysql://somewhere/db")

    assert "database_url" in done.stderr
    assert done.stdout == ""


@pytest.mark.sqlite_only
def test_a_malformed_settings_file_exits_with_status_2(desk: Desk) -> None:
    desk.data_dir.mkdir()
    (desk.data_dir / "helpline.toml").write_text("worker = [unclosed\n")

    done = desk.run("users", "create", "--email", "a@example.com", "--role", "agent", status=2)

    assert "helpline.toml" in done.stderr


@pytest.mark.sqlite_only
def test_commands_before_init_ask_for_init(desk: Desk) -> None:
    done = desk.run("users", "create", "--email", "a@example.com", "--role", "agent", status=1)

    assert "helpline init" in done.stderr


# -- users and tokens -------------------------------------------------------------------------


@pytest.mark.sqlite_only  # one subprocess per role; PostgreSQL is covered by the tests around it
def test_users_create_makes_a_user_of_each_builtin_role(ready: Desk) -> None:
    for role in ("agent", "manager", "admin", "customer"):
        done = ready.run(
            "users",
            "create",
            "--email",
            f"{role}@staff.example",
            "--name",
            role.title(),
            "--role",
            role,
            "--password",
            "long-enough",
        )
        assert f"{role}@staff.example ({role})" in done.stdout

    rows = ready.query(
        "SELECT users.email, role.name FROM users JOIN role ON role.id = users.role "
        "ORDER BY users.id"
    )
    assert rows[1:] == [
        (f"{r}@staff.example", r) for r in ("agent", "manager", "admin", "customer")
    ]


def test_users_create_rejects_a_duplicate_email_naming_the_field(ready: Desk) -> None:
    done = ready.run(
        "users",
        "create",
        "--email",
        "ADMIN@example.com",
        "--name",
        "Again",
        "--role",
        "agent",
        status=1,
    )

    assert "email" in done.stderr and "already exists" in done.stderr
    assert done.stdout == ""


@pytest.mark.sqlite_only
def test_users_create_rejects_an_unknown_role_listing_the_known_ones(ready: Desk) -> None:
    done = ready.run("users", "create", "--email", "x@example.com", "--role", "wizard", status=1)

    assert "role" in done.stderr and "agent" in done.stderr and "customer" in done.stderr


def test_tokens_create_prints_only_a_working_token(ready: Desk) -> None:
    from helpline.services.users import actor_for_token

    done = ready.run("tokens", "create", "--user", "admin@example.com", "--name", "ci")

    token = done.stdout.strip()
    assert done.stdout.count("\n") == 1 and token.startswith("hlp_") and " " not in token
    actor = ready.call(lambda hl: actor_for_token(hl, token))
    assert actor is not None and actor.email == "admin@example.com"


@pytest.mark.sqlite_only
def test_tokens_create_for_an_unknown_user_fails_on_stderr(ready: Desk) -> None:
    done = ready.run("tokens", "create", "--user", "nobody@example.com", status=1)

    assert done.stdout == ""
    assert "nobody@example.com" in done.stderr


# -- plugins ----------------------------------------------------------------------------------


def test_plugins_list_json_describes_the_core_plugins(ready: Desk) -> None:
    done = ready.run("plugins", "list", "--json")

    plugins = {p["name"]: p for p in json.loads(done.stdout)}
    for name in ("core.permissions", "core.roles", "core.values"):
        assert plugins[name]["enabled"] is True
        assert plugins[name]["version"]
        assert set(plugins[name]) >= {"name", "version", "enabled", "hooks"}
    assert "register_roles" in plugins["core.roles"]["hooks"]


def test_plugins_list_shows_a_plugin_an_admin_switched_off_as_disabled(ready: Desk) -> None:
    ready.call(lambda hl: hl.set_plugin_enabled("core.values", False))

    done = ready.run("plugins", "list", "--json")

    enabled = {p["name"]: p["enabled"] for p in json.loads(done.stdout)}
    assert enabled["core.values"] is False and enabled["core.roles"] is True


@pytest.mark.sqlite_only
def test_plugins_list_works_before_init_and_as_a_table(desk: Desk) -> None:
    done = desk.run("plugins", "list")

    assert done.stdout.splitlines()[0].split() == ["NAME", "VERSION", "ENABLED", "API", "HOOKS"]
    assert "core.values" in done.stdout
    assert "hook API 1.1" in done.stdout


@pytest.mark.sqlite_only
def test_plugins_list_verbose_shows_what_each_plugin_adds(desk: Desk) -> None:
    done = desk.run("plugins", "list", "--verbose", HELPLINE_PLUGINS="sla")

    sla = done.stdout.split("\nsla\n", 1)[1]
    assert "permissions: sla.manage" in sla
    assert "/p/sla/calendars" in sla and "/api/v1/sla/calendars" in sla
    assert "tables: sla_calendar" in sla


@pytest.mark.sqlite_only
def test_plugins_new_writes_a_package_and_refuses_a_bad_name(desk: Desk, tmp_path: Path) -> None:
    done = desk.run("plugins", "new", "greeter", "--dir", str(tmp_path))

    package = tmp_path / "helpline-greeter"
    assert f"Created {package}" in done.stdout
    assert 'greeter = "helpline_greeter"' in (package / "pyproject.toml").read_text()
    refused = desk.run("plugins", "new", "Bad Name", "--dir", str(tmp_path), status=1)
    assert "is not a plugin name" in refused.stderr


@pytest.mark.sqlite_only
def test_plugins_uninstall_refuses_unknown_plugins(desk: Desk) -> None:
    done = desk.run("plugins", "uninstall", "no-such-plugin", status=1)
    assert "no installed plugin named 'no-such-plugin'" in done.stderr


@hookimpl
def register_commands(cli: click.Group) -> None:
    @cli.command("hello")
    def hello() -> None:
        click.echo("hello from a plugin")

    @cli.command("init")
    def hijack() -> None:
        click.echo("hijacked")


def test_plugins_add_commands_but_cannot_replace_builtin_ones(monkeypatch: Any) -> None:
    from helpline.cli import base, commands
    from helpline.plugins import make_plugin_manager

    plugin = types.SimpleNamespace(register_commands=register_commands)
    monkeypatch.setattr(
        base,
        "make_plugin_manager",
        lambda allow, disable: make_plugin_manager(allow, disable, extra=[("greeter", plugin)]),
    )
    group = base.HelplineGroup("helpline", commands={"init": commands.init})

    result = CliRunner().invoke(group, ["hello"])

    assert result.stdout == "hello from a plugin\n"
    assert "tried to replace `helpline init`" in result.stderr
    assert group.commands["init"] is commands.init
    assert "hello" in group.list_commands(click.Context(group))


# -- demo -------------------------------------------------------------------------------------


def test_demo_creates_consistent_tickets_and_numbers_continue_afterwards(ready: Desk) -> None:
    from helpline.services import tickets, users

    first = ready.run("demo", "--tickets", "300", "--seed", "1")
    second = ready.run("demo", "--tickets", "20", "--seed", "1")  # same seed: names collide

    assert "demo-password" in first.stdout and "agent@helpdesk.example" in first.stdout
    assert "rows/s" in first.stdout
    assert ready.query("SELECT count(*), min(number), max(number) FROM ticket") == [(320, 1, 320)]
    assert ready.query("SELECT value FROM counter WHERE name = 'ticket_number'") == [(320,)]
    assert "#301 to #320" in second.stdout
    assert ready.query(
        "SELECT count(*) FROM ticket WHERE id NOT IN (SELECT ticket FROM message) "
        "OR id NOT IN (SELECT ticket FROM ticket_event WHERE kind = 'created')"
    ) == [(0,)]
    assert {r[0] for r in ready.query("SELECT DISTINCT channel FROM ticket")} == {
        "email",
        "web",
        "chat",
        "phone",
        "api",
    }
    assert {r[0] for r in ready.query("SELECT DISTINCT kind FROM message")} >= {
        "public",
        "internal",
    }
    assert ready.query("SELECT count(*) FROM ticket_tag")[0][0] > 100
    reopens = ready.query(
        "SELECT count(*) FROM ticket_event e JOIN status s ON s.name = e.old "
        "JOIN status n ON n.name = e.new WHERE e.field = 'status' "
        "AND s.category = 'solved' AND n.category = 'open'"
    )[0][0]
    assert 0 < reopens < 60  # some solved tickets were reopened once, as on a real desk
    staff = ready.query(
        "SELECT role.name, count(*) FROM users JOIN role ON role.id = users.role "
        "WHERE users.email LIKE '%@helpdesk.example' GROUP BY role.name ORDER BY role.name"
    )
    assert staff[0] == ("agent", staff[0][1]) and 8 <= staff[0][1] <= 30
    assert staff[1] == ("manager", 1)
    _assert_timelines_are_consistent(ready)

    async def new_ticket(hl: Any) -> int:
        customer = await users.authenticate(hl, "customer@northwind.example", "demo-password")
        ticket = await tickets.create_ticket(hl, customer, subject="After the demo", body="Hi")
        return ticket.number

    assert ready.call(new_ticket) == 321


def _assert_timelines_are_consistent(desk: Desk) -> None:
    def at(value: Any) -> datetime | None:
        return datetime.fromisoformat(value) if isinstance(value, str) else value

    rows = desk.query(
        "SELECT status_category, created_at, updated_at, first_response_at, solved_at, closed_at "
        "FROM ticket"
    )
    categories = {row[0] for row in rows}
    assert {"open", "solved", "closed"} <= categories
    for category, *stamps in rows:
        created, updated, responded, solved, closed = (at(s) for s in stamps)
        assert created <= updated <= datetime.now(created.tzinfo)
        assert responded is None or created <= responded <= updated
        assert (solved is not None) == (category in ("solved", "closed"))
        assert (closed is not None) == (category == "closed")
        if closed is not None:
            assert solved <= closed
    last_message = desk.query(
        "SELECT count(*) FROM message JOIN ticket ON ticket.id = message.ticket "
        "WHERE message.created_at > ticket.updated_at OR message.created_at < ticket.created_at"
    )
    assert last_message == [(0,)]


@pytest.mark.sqlite_only
def test_demo_tickets_and_messages_are_found_by_full_text_search(ready: Desk) -> None:
    ready.run("demo", "--tickets", "200", "--seed", "2")

    assert ready.query("SELECT count(*) FROM ticket_fts")[0][0] == 200
    assert ready.query("SELECT count(*) FROM message_fts") == ready.query(
        "SELECT count(*) FROM message"
    )
    triggers = {r[0] for r in ready.query("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"ticket_fts_ai", "message_fts_ai"} <= triggers


def test_a_failed_demo_leaves_the_database_as_it_was(ready: Desk) -> None:
    from helpline.cli.demo import generate

    class Interrupted(Exception):
        pass

    def interrupted(count: int) -> None:
        raise Interrupted

    with pytest.raises(Interrupted):
        ready.call(lambda hl: generate(hl, 50, seed=3, progress=interrupted))

    assert ready.query("SELECT count(*) FROM ticket") == [(0,)]
    assert ready.query("SELECT count(*) FROM users") == [(1,)]
    if not ready.database_url:  # the full-text triggers dropped for the load are back
        triggers = ready.query("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        assert {"ticket_fts_ai", "message_fts_ai"} <= {name for (name,) in triggers}
    stats = ready.call(lambda hl: generate(hl, 50, seed=3))
    assert (stats["tickets"], stats["first_number"], stats["last_number"]) == (50, 1, 50)
    assert stats["rows"] > stats["tickets"] and stats["seconds"] > 0


# -- worker -----------------------------------------------------------------------------------


def test_worker_once_runs_a_due_job_and_retries_an_unknown_kind_later(ready: Desk) -> None:
    async def enqueue(hl: Any) -> None:
        from helpline import db

        await db.fetch(
            hl.engine,
            "INSERT INTO job (kind, payload, status, attempts, max_attempts, run_at, created_at) "
            "VALUES ('nobody.handles_this', {}, 'queued', 0, 5, {}, {})",
            "{}",
            hl.now(),
            hl.now(),
        )

    ready.call(enqueue)

    done = ready.run("worker", "--once")

    assert "Ran 1 job." in done.stdout
    # Plugins may keep housekeeping jobs of their own queued (not due yet): look at this one.
    [(status, attempts, error)] = ready.query(
        "SELECT status, attempts, last_error FROM job WHERE kind = 'nobody.handles_this'"
    )
    assert (status, attempts) == ("queued", 1)
    assert "nobody.handles_this" in error


# -- serve ------------------------------------------------------------------------------------


@pytest.mark.sqlite_only
@pytest.mark.skipif(
    importlib.util.find_spec("helpline_web") is None
    or importlib.util.find_spec("helpline_web.app") is None,
    reason="helpline_web.app is not installed (the web package provides `create_app`)",
)
def test_serve_answers_healthz(ready: Desk) -> None:
    port = _free_port()
    server = subprocess.Popen(
        ready.command("serve", "--port", str(port), "--no-worker"),
        env=ready.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        status = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    status = r.status
                    break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        assert status == 200, server.stdout.read() if server.poll() is not None else "timed out"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.mark.sqlite_only
def test_quickstart_initialises_adds_demo_data_once_and_serves(desk: Desk) -> None:
    port = _free_port()
    for run in range(2):
        server = subprocess.Popen(
            desk.command("quickstart", "--tickets", "40", "--port", str(port)),
            env=desk.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + 60
            status = None
            while time.monotonic() < deadline and server.poll() is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as r:
                        status = r.status
                        break
                except (urllib.error.URLError, ConnectionError):
                    time.sleep(0.2)
            assert status == 200, server.stdout.read() if server.poll() is not None else "timed out"
        finally:
            server.terminate()
            server.wait(timeout=15)
        assert desk.query("SELECT count(*) FROM ticket") == [(40,)], f"after run {run + 1}"
    assert desk.query("SELECT count(*) FROM users WHERE email = 'admin@example.com'") == [(1,)]


def test_serve_refuses_to_start_while_migrations_are_pending(ready: Desk) -> None:
    ready.query("DELETE FROM migration WHERE app_name = 'core' AND name LIKE '%22:56%'")
    done = ready.run("serve", "--port", str(_free_port()), "--no-worker", status=1)
    assert "not applied yet (core " in done.stderr
    assert "run `helpline migrate` first" in done.stderr
