"""pytest plugin (entry point `pytest11`): the fixtures Helpline's tests use, for plugin authors.

Every test that uses the `helpline` fixture runs once per database backend: SQLite (a copy of a
migrated template file) and PostgreSQL (a database cloned from a migrated template; the server is
`HELPLINE_TEST_POSTGRES_URL`, or a throwaway cluster started from the installed binaries). Limit
backends with `HELPLINE_TEST_BACKENDS=sqlite`, or per test with `@pytest.mark.sqlite_only` /
`@pytest.mark.postgres_only`. In CI (`CI` set) a missing PostgreSQL is an error, not a skip.

Fixtures: `helpline` (a started runtime on a fresh database), `clock`, `factory`, `admin`,
`manager`, `agent`, `customer`, `app`, `client`, `api` (`api(actor)` → a client with that
actor's bearer token), `browser_client` and `signin(actor)` (cookie-keeping clients for pages,
sending the CSRF token), `run_jobs`; for browser tests `live_server` (the app over HTTP on
127.0.0.1), `chromium` (Debian's Chromium driven by Playwright) and `browser_context`. Override
`helpline_plugins` to register extra plugins and `helpline_settings_overrides` to change
settings.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

# Real argon2 costs ~50 ms a hash and tests hash hundreds of passwords (see helpline.passwords);
# set before anything below imports helpline.passwords.
os.environ.setdefault("HELPLINE_TEST_CHEAP_HASHING", "1")

from helpline.testing.browser import browser_context, chromium, live_server
from helpline.testing.clock import Clock
from helpline.testing.factories import ApiClient, Factory, WebClient

__all__ = ["browser_context", "chromium", "live_server"]
_CLONES: dict[str, Any] = {}  # template name → helpline.testing.postgres.Clones
BACKENDS = ("sqlite", "postgres")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: run this test on SQLite alone")
    config.addinivalue_line("markers", "postgres_only: run this test on PostgreSQL alone")


def _backends() -> list[str]:
    chosen = os.environ.get("HELPLINE_TEST_BACKENDS", ",".join(BACKENDS))
    return [b.strip() for b in chosen.split(",") if b.strip() in BACKENDS]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "helpline_backend" not in metafunc.fixturenames:
        return
    backends = _backends()
    if metafunc.definition.get_closest_marker("sqlite_only"):
        backends = [b for b in backends if b == "sqlite"]
    if metafunc.definition.get_closest_marker("postgres_only"):
        backends = [b for b in backends if b == "postgres"]
    metafunc.parametrize("helpline_backend", backends, scope="session")


def _run(coro: Any) -> Any:
    """Run setup coroutines on their own loop, away from the tests' loop."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """Base URL (no database) of a PostgreSQL server the tests may create databases on."""
    url = os.environ.get("HELPLINE_TEST_POSTGRES_URL")
    if url:
        yield url.rstrip("/")
        return
    from helpline.testing.postgres import Cluster, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("CI must test PostgreSQL, but no PostgreSQL server binaries were found")
        pytest.skip("PostgreSQL server binaries not found (set HELPLINE_TEST_BACKENDS=sqlite)")
    cluster = Cluster(bin_dir)
    try:
        yield cluster.start()
    finally:
        cluster.stop()


async def _build_template(url: str) -> None:
    from helpline.runtime import Helpline
    from helpline.services.setup import install
    from helpline.settings import Settings

    helpline = Helpline(Settings(data_dir="/nonexistent", database_url=url, secret_key="t"))
    await helpline.start()
    try:
        await install(helpline)
    finally:
        await helpline.stop()


async def _pg_admin(base: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(f"{base}/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def helpline_template(helpline_backend: str, request: pytest.FixtureRequest) -> str:
    """A migrated, seeded database that each test copies: a file path or a PostgreSQL name."""
    # pytest sets a session-scoped parameter up again each time the run switches backends;
    # the templates themselves are fixtures without parameters, so each is built only once.
    return request.getfixturevalue(f"helpline_{helpline_backend}_template")


@pytest.fixture(scope="session")
def helpline_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("template") / "helpline.sqlite3"
    _run(_build_template(f"sqlite:///{path}"))
    return str(path)


@pytest.fixture(scope="session")
def helpline_postgres_template(postgres_server: str) -> Iterator[str]:
    from helpline.testing.postgres import Clones

    base = postgres_server
    name = f"helpline_template_{os.getpid()}"
    _run(_pg_admin(base, f"DROP DATABASE IF EXISTS {name}"))
    _run(_pg_admin(base, f"CREATE DATABASE {name}"))
    try:
        _run(_build_template(f"{base}/{name}"))
        # Tests' databases are cloned ahead of need; the clones go before the template does.
        _CLONES[name] = Clones(base, name, prefix=f"helpline_test_{os.getpid()}")
        try:
            yield name
        finally:
            _CLONES.pop(name).close()
    finally:
        _run(_pg_admin(base, f"DROP DATABASE IF EXISTS {name}"))


@pytest.fixture
async def helpline_database_url(
    helpline_backend: str, helpline_template: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[str]:
    """A fresh database for one test, copied from the template."""
    if helpline_backend == "sqlite":
        path = tmp_path / "helpline.sqlite3"
        shutil.copyfile(helpline_template, path)
        yield f"sqlite:///{path}"
        return
    base = request.getfixturevalue("postgres_server")
    clones = _CLONES[helpline_template]
    name = await asyncio.to_thread(clones.take)
    yield f"{base}/{name}"
    clones.drop(name)


@pytest.fixture
def helpline_plugins() -> list[tuple[str, object]]:
    """Extra `(name, plugin)` pairs to register; override in a test module or class."""
    return []


@pytest.fixture
def helpline_settings_overrides() -> dict[str, Any]:
    """Settings to change for a test; override in a test module or class."""
    return {}


@pytest.fixture
def clock() -> Clock:
    """The runtime's clock: real time until a test freezes or advances it."""
    return Clock()


@pytest.fixture
async def helpline(
    helpline_database_url: str,
    tmp_path: Path,
    helpline_plugins: list[tuple[str, object]],
    helpline_settings_overrides: dict[str, Any],
    clock: Clock,
) -> AsyncIterator[Any]:
    """A started Helpline runtime on a fresh, migrated database."""
    import msgspec

    from helpline.plugins import make_plugin_manager
    from helpline.runtime import Helpline
    from helpline.settings import Settings

    settings = msgspec.convert(
        {
            "data_dir": str(tmp_path),
            "database_url": helpline_database_url,
            "secret_key": "test-secret-key",
            "worker": False,
            **helpline_settings_overrides,
        },
        Settings,
    )
    pm = make_plugin_manager(settings.plugins, settings.disable_plugins, extra=helpline_plugins)
    runtime = Helpline(settings, pm=pm, clock=clock)
    await runtime.start()
    try:
        yield runtime
    finally:
        await runtime.stop()


@pytest.fixture
def factory(helpline: Any) -> Factory:
    """Makes users, teams, organizations, tickets and tokens with sensible defaults."""
    return Factory(helpline)


@pytest.fixture
async def admin(factory: Factory) -> Any:
    return await factory.user("admin")


@pytest.fixture
async def manager(factory: Factory) -> Any:
    return await factory.user("manager")


@pytest.fixture
async def agent(factory: Factory) -> Any:
    return await factory.user("agent")


@pytest.fixture
async def customer(factory: Factory) -> Any:
    return await factory.user("customer")


@pytest.fixture
def app(helpline: Any) -> Any:
    """The web application around the test's runtime (no in-process worker)."""
    from helpline.testing import litestar_cache
    from helpline_web.app import create_app

    litestar_cache.install()  # each test's app parses its ~600 handlers' signatures only once

    return create_app(helpline, worker=False)


@pytest.fixture
async def client(app: Any) -> AsyncIterator[Any]:
    """An anonymous HTTP client calling the app in the test's own event loop."""
    import httpx

    # Litestar's AsyncTestClient runs the app on another thread's loop, where a PostgreSQL pool
    # made on this loop cannot be used; httpx's ASGI transport stays on this loop.
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
def api(client: Any, factory: Factory) -> Any:
    """`await api(actor)` → a client that sends that actor's bearer token."""

    async def make(actor: Any) -> ApiClient:
        return ApiClient(client, await factory.token(actor))

    return make


@pytest.fixture
async def browser_client(app: Any) -> AsyncIterator[Any]:
    """`await browser_client()` → a new cookie-keeping client (no one signed in yet)."""
    import httpx

    opened: list[Any] = []

    async def make() -> WebClient:
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        )
        opened.append(http)
        return WebClient(http)

    yield make
    for http in opened:
        await http.aclose()


@pytest.fixture
def signin(browser_client: Any, helpline: Any) -> Any:
    """`await signin(actor)` → a WebClient signed in as that actor (password set if need be)."""
    from helpline.services.users import set_password

    async def make(actor: Any, password: str = "correct-horse-battery") -> WebClient:
        await set_password(helpline, actor.id, password)
        web = await browser_client()
        response = await web.post("/login", data={"email": actor.email, "password": password})
        assert response.status_code == 303, response.text
        return web

    return make


@pytest.fixture
def run_jobs(helpline: Any) -> Any:
    """`await run_jobs()` runs every due job and returns how many ran."""
    from helpline import jobs

    async def run(limit: int = 1000) -> int:
        return await jobs.run_pending(helpline, limit=limit)

    return run
