"""The plugin host: the manager factory, discovery, enabling, results, registrations."""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path

import pluggy
import pytest

from helpline import db, hookimpl, hookspec
from helpline.errors import Invalid, SettingsError
from helpline.plugins import (
    DEFAULT_PLUGINS,
    describe_plugins,
    installed_plugins,
    make_plugin_manager,
)
from helpline.registry import Permission
from helpline.runtime import Helpline
from helpline.settings import Settings

EXAMPLE = Path(__file__).parents[1] / "fixtures" / "plugins" / "helpline_example"


@pytest.fixture
def example(monkeypatch: pytest.MonkeyPatch):
    """The example plugin's module, importable from its folder (not installed)."""
    monkeypatch.syspath_prepend(str(EXAMPLE))
    module = importlib.import_module("helpline_example")
    module.PINGS.clear()
    return module


@pytest.fixture
def example_installed(example, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Make the example look pip-installed: dist-info metadata built from its pyproject.toml."""
    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text())["project"]
    info = tmp_path / f"helpline_example-{project['version']}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n"
    )
    (info / "top_level.txt").write_text("helpline_example\n")
    points = project["entry-points"]["helpline"]
    (info / "entry_points.txt").write_text(
        "[helpline]\n" + "".join(f"{name} = {value}\n" for name, value in points.items())
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return example


@pytest.fixture
def helpline_settings_overrides():
    return {"plugins": []}  # installed plugins (email, sla, …) stay out of these tests


def settings_for(tmp_path: Path, **values) -> Settings:
    return Settings(
        data_dir=str(tmp_path),
        database_url=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        secret_key="k",
        **values,
    )


class Recorder:
    """Records the events it receives and serves one page."""

    def __init__(self) -> None:
        self.created: list[int] = []

    @hookimpl
    def ticket_created(self, ticket):
        self.created.append(ticket.number)

    @hookimpl
    def register_routes(self, helpline):
        from litestar import get

        @get("/ping", sync_to_thread=False)
        def ping() -> dict[str, str]:
            return {"pong": "yes"}

        return [ping]


# -- building the manager ----------------------------------------------------------------------


def test_manager_registers_the_core_defaults_as_ordinary_plugins():
    pm = make_plugin_manager([])
    for name, module in DEFAULT_PLUGINS.items():
        assert pm.get_plugin(name) is importlib.import_module(module)
    assert {"core.permissions", "core.roles", "core.values"} <= set(DEFAULT_PLUGINS)


def test_disable_list_blocks_a_plugin():
    pm = make_plugin_manager([], disable=["core.values"], extra=[("recorder", Recorder())])
    assert pm.get_plugin("core.values") is None
    assert pm.is_blocked("core.values")
    assert pm.get_plugin("core.roles") is not None

    pm = make_plugin_manager([], disable=["recorder"], extra=[("recorder", Recorder())])
    assert pm.get_plugin("recorder") is None


def test_essential_core_permissions_refuses_to_be_disabled():
    with pytest.raises(SettingsError, match=r"disable_plugins: core\.permissions is essential"):
        make_plugin_manager(disable=["core.permissions"])


async def test_essential_plugin_cannot_be_switched_off_at_run_time(helpline):
    with pytest.raises(Invalid, match="essential"):
        await helpline.set_plugin_enabled("core.permissions", False)
    with pytest.raises(Invalid, match="no plugin named 'nope'"):
        await helpline.set_plugin_enabled("nope", False)


def test_installed_plugin_is_discovered_through_its_entry_point(example_installed):
    assert installed_plugins()["example"] == "helpline_example"
    pm = make_plugin_manager()
    assert pm.get_plugin("example") is example_installed


def test_allow_list_limits_which_installed_plugins_load(example_installed):
    only_example = make_plugin_manager(allow=["example"])
    assert only_example.get_plugin("example") is example_installed
    loaded = {name for name, _ in only_example.list_name_plugin()}
    assert loaded == {*DEFAULT_PLUGINS, "example"}, "other installed plugins stay out"
    allowed_nothing = make_plugin_manager(allow=[])
    assert allowed_nothing.get_plugin("example") is None
    assert allowed_nothing.get_plugin("core.permissions") is not None, "defaults always load"
    assert make_plugin_manager(["example"], disable=["example"]).get_plugin("example") is None


def test_settings_lists_come_from_helpline_plugins_variables(monkeypatch, tmp_path):
    from helpline.settings import load_settings

    monkeypatch.setenv("HELPLINE_PLUGINS", "example, email")
    monkeypatch.setenv("HELPLINE_DISABLE_PLUGINS", "core.values")
    settings = load_settings(tmp_path)
    assert settings.plugins == ["example", "email"]
    assert settings.disable_plugins == ["core.values"]


def test_misspelled_hook_implementation_is_rejected():
    class Typo:
        @hookimpl
        def ticket_creatd(self, helpline, ticket, actor):
            pass

    with pytest.raises(pluggy.PluginValidationError, match="ticket_creatd"):
        make_plugin_manager([], extra=[("typo", Typo())])


def test_implementation_with_an_unknown_argument_is_rejected():
    class WrongArgument:
        @hookimpl
        def ticket_created(self, ticket, tiket):
            pass

    with pytest.raises(pluggy.PluginValidationError, match="tiket"):
        make_plugin_manager([], extra=[("wrong", WrongArgument())])


# -- calling hooks -----------------------------------------------------------------------------


async def test_results_may_be_values_awaitables_or_callables(tmp_path):
    async def later():
        return "awaited"

    class Value:
        @hookimpl
        def ticket_created(self):
            return "value"

    class Awaitable:
        @hookimpl
        def ticket_created(self):
            return later()

    class Callable:
        @hookimpl
        def ticket_created(self):
            return lambda: "called"

    class CallableReturningAwaitable:
        @hookimpl
        def ticket_created(self):
            return later

    extra = [
        ("v", Value()),
        ("a", Awaitable()),
        ("c", Callable()),
        ("ca", CallableReturningAwaitable()),
    ]
    runtime = Helpline(settings_for(tmp_path), pm=make_plugin_manager([], extra=extra))
    results = await runtime.hook("ticket_created", helpline=runtime, ticket=None, actor=None)
    assert sorted(results) == ["awaited", "awaited", "called", "value"]


async def test_a_failing_hook_leaves_no_coroutine_unawaited(tmp_path, recwarn):
    async def never_reached():
        return "late"

    class Late:
        @hookimpl
        def ticket_created(self):
            return never_reached()

    class Fails:
        @hookimpl
        async def ticket_created(self):
            raise RuntimeError("broken plugin")

    # pluggy calls the last registered first: Fails raises before Late's coroutine is awaited.
    extra = [("late", Late()), ("fails", Fails())]
    runtime = Helpline(settings_for(tmp_path), pm=make_plugin_manager([], extra=extra))
    with pytest.raises(RuntimeError, match="broken plugin"):
        await runtime.hook("ticket_created", helpline=runtime, ticket=None, actor=None)
    import gc

    gc.collect()
    assert not [w for w in recwarn if "never awaited" in str(w.message)]


class TestPluginOfferedHooks:
    """A plugin can offer hooks of its own to other plugins through `helpline_hookspecs`."""

    class Specs:
        @hookspec
        def widget_colours(self) -> list[str]:
            """Colours other plugins add to the widget."""

    class Offers:
        helpline_hookspecs = None  # set below, once Specs exists

        @hookimpl
        def register_permissions(self):
            return []

    class Implements:
        @hookimpl(optionalhook=True)
        def widget_colours(self):
            return ["teal"]

    def test_other_plugins_can_implement_a_hook_a_plugin_offers(self):
        offers = self.Offers()
        offers.helpline_hookspecs = self.Specs
        pm = make_plugin_manager([], extra=[("user", self.Implements()), ("offers", offers)])
        assert pm.hook.widget_colours() == [["teal"]]

    def test_an_optional_implementation_loads_without_the_offering_plugin(self):
        pm = make_plugin_manager([], extra=[("user", self.Implements())])
        assert not hasattr(pm.hook.widget_colours, "spec") or pm.hook.widget_colours.spec is None

    def test_a_misspelled_implementation_of_an_offered_hook_is_rejected(self):
        class Typo:
            @hookimpl
            def widget_colors(self):
                return ["teal"]

        offers = self.Offers()
        offers.helpline_hookspecs = self.Specs
        with pytest.raises(pluggy.PluginValidationError, match="widget_colors"):
            make_plugin_manager([], extra=[("offers", offers), ("typo", Typo())])


class TestFirstResult:
    """`route_ticket` is `firstresult`: the first plugin that answers decides."""

    class Declines:
        @hookimpl
        def route_ticket(self, ticket):
            return None

    class Routes:
        def __init__(self) -> None:
            self.team: int | None = None

        @hookimpl
        async def route_ticket(self, ticket):
            return {"team": self.team, "reason": "vip"} if "VIP" in ticket.subject else None

    @pytest.fixture
    def router(self):
        return self.Routes()

    @pytest.fixture
    def helpline_plugins(self, router):
        # pluggy calls the last registered first: Declines is asked before Routes.
        return [("routes", router), ("declines", self.Declines())]

    async def test_the_first_plugin_that_answers_routes_the_ticket(self, helpline, factory, router):
        router.team = await factory.team("Key accounts")
        routed = await factory.ticket(subject="VIP cannot log in")
        assert routed.team_id == router.team

    async def test_an_async_answer_of_none_claims_the_call_without_routing(self, factory, router):
        # Documented: an implementation that does not claim the call must return None
        # synchronously; Routes is a coroutine function, so it always "answers".
        router.team = await factory.team("Key accounts")
        plain = await factory.ticket(subject="Printer jammed")
        assert plain.team_id is None


# -- switching plugins off at run time ---------------------------------------------------------


class TestRunTimeSwitch:
    @pytest.fixture
    def recorder(self):
        return Recorder()

    @pytest.fixture
    def helpline_plugins(self, recorder):
        return [("recorder", recorder)]

    async def test_disabled_plugin_gets_no_events_and_its_pages_404(
        self, helpline, factory, client, recorder
    ):
        first = await factory.ticket()
        assert recorder.created == [first.number]
        assert (await client.get("/p/recorder/ping")).json() == {"pong": "yes"}

        await helpline.set_plugin_enabled("recorder", False)
        assert not helpline.is_enabled("recorder")
        await factory.ticket()
        assert recorder.created == [first.number]
        assert (await client.get("/p/recorder/ping")).status_code == 404

        await helpline.set_plugin_enabled("recorder", True)
        third = await factory.ticket()
        assert recorder.created == [first.number, third.number]
        assert (await client.get("/p/recorder/ping")).status_code == 200

    async def test_another_runtime_on_the_same_database_sees_the_switch(
        self, helpline, helpline_database_url, recorder
    ):
        other = Helpline(
            helpline.settings,
            pm=make_plugin_manager([], extra=[("recorder", Recorder())]),
            engine=db.make_engine(helpline_database_url),
        )
        await other.start()
        try:
            assert other.is_enabled("recorder")
            await helpline.set_plugin_enabled("recorder", False)
            await other.refresh_plugin_states(max_age=60)
            assert other.is_enabled("recorder"), "read at most every max_age seconds"
            await other.refresh_plugin_states(max_age=0)
            assert not other.is_enabled("recorder")
            await other.set_plugin_enabled("recorder", True)
            await helpline.refresh_plugin_states(max_age=0)
            assert helpline.is_enabled("recorder")
        finally:
            await other.stop()
            db.use_engine(helpline.engine)

    async def test_describe_plugins_lists_name_version_enabled_and_hooks(self, helpline):
        await helpline.set_plugin_enabled("recorder", False)
        described = {p["name"]: p for p in describe_plugins(helpline.pm, helpline.disabled)}
        assert described["recorder"]["enabled"] is False
        assert described["recorder"]["hooks"] == ["register_routes", "ticket_created"]
        core = described["core.permissions"]
        assert core["enabled"] and core["essential"] and core["builtin"]
        assert core["hooks"] == ["register_permissions"]
        from helpline import __version__

        assert core["version"] == __version__


def test_describe_plugins_reports_the_installed_distribution_version(example_installed):
    described = {p["name"]: p for p in describe_plugins(make_plugin_manager(["example"]))}
    example = described["example"]
    assert example["version"] == "0.1.0"
    assert example["enabled"] is True
    assert example["builtin"] is False
    assert example["hooks"] == [
        "register_commands",
        "register_job_handlers",
        "register_permissions",
        "register_routes",
        "register_settings",
    ]


def test_installed_plugin_adds_its_command_to_the_helpline_cli(example_installed, monkeypatch):
    base = pytest.importorskip("helpline.cli.base")
    from click.testing import CliRunner

    monkeypatch.setenv("HELPLINE_PLUGINS", "example")
    monkeypatch.delenv("HELPLINE_DISABLE_PLUGINS", raising=False)
    group = base.HelplineGroup("helpline")  # a fresh group: the real one caches its commands
    result = CliRunner().invoke(group, ["example", "--name", "Ada"])
    assert result.exit_code == 0, result.output
    assert result.output == "hello Ada from the example plugin\n"


# -- what plugins register ---------------------------------------------------------------------


class TestExamplePlugin:
    @pytest.fixture
    def helpline_plugins(self, example):
        return [("example", example)]

    @pytest.fixture
    def helpline_settings_overrides(self):
        return {"plugins": [], "plugin": {"example": {"greeting": "Hej", "limit": "3"}}}

    async def test_permissions_are_attributed_to_the_plugin_and_admins_hold_them(
        self, helpline, admin, agent
    ):
        permission = helpline.permissions["example.view"]
        assert permission.plugin == "example"
        assert permission.label == "See the example page"
        assert helpline.permissions["tickets.reply"].plugin == "core.permissions"
        assert admin.can("example.view"), "the admin role holds '*'"
        assert not agent.can("example.view")

    async def test_settings_are_validated_and_reach_the_plugin(self, helpline, client):
        settings = helpline.plugin_settings["example"]
        assert (settings.greeting, settings.limit) == ("Hej", 3)
        response = await client.get("/p/example/hello")
        assert response.json() == {"greeting": "Hej", "limit": 3}

    async def test_job_handlers_are_registered_under_the_plugin(self, helpline, example):
        from helpline import jobs

        assert helpline.job_owners["example.ping"] == "example"
        await jobs.enqueue(helpline, "example.ping", {"n": 1})
        assert await jobs.run_pending(helpline) == 1
        assert example.PINGS == [{"n": 1}]


async def test_bad_plugin_setting_fails_at_start_naming_the_key(example, tmp_path):
    settings = settings_for(tmp_path, plugin={"example": {"limit": "lots"}})
    runtime = Helpline(settings, pm=make_plugin_manager([], extra=[("example", example)]))
    with pytest.raises(SettingsError, match=r"^plugin\.example\.limit: Expected `int`"):
        await runtime.start()
    assert not runtime.started


async def test_unknown_plugin_setting_is_refused_when_the_schema_forbids_it(example, tmp_path):
    settings = settings_for(tmp_path, plugin={"example": {"greting": "typo"}})
    runtime = Helpline(settings, pm=make_plugin_manager([], extra=[("example", example)]))
    with pytest.raises(SettingsError, match=r"plugin\.example.*greting"):
        await runtime.start()


class TestOverridingDefaults:
    """Defaults run `trylast`, so a plugin's registration of the same code wins."""

    class Relabel:
        @hookimpl
        def register_permissions(self):
            from helpline.registry import Permission

            return [Permission("tickets.merge", "Merge duplicate tickets")]

    @pytest.fixture
    def helpline_plugins(self):
        return [("relabel", self.Relabel())]

    async def test_plugin_replaces_a_default_permission(self, helpline):
        merge = helpline.permissions["tickets.merge"]
        assert (merge.label, merge.plugin) == ("Merge duplicate tickets", "relabel")


# -- hook API compatibility --------------------------------------------------------------------


class TestHookApiCompatibility:
    """Plugins declare the hook API range they support; the host refuses the others."""

    @staticmethod
    def plugin(api: str | None) -> object:
        class Plugin:
            @hookimpl
            def register_permissions(self):
                return [Permission("future.view", "See the future")]

        plugin = Plugin()
        if api is not None:
            plugin.helpline_api = api  # type: ignore[attr-defined]
        return plugin

    def test_a_plugin_built_for_this_hook_api_loads(self):
        pm = make_plugin_manager([], extra=[("fits", self.plugin(">=1.0,<2"))])
        assert pm.get_plugin("fits") is not None
        (fits,) = [p for p in describe_plugins(pm) if p["name"] == "fits"]
        assert fits["api"] == ">=1.0,<2" and fits["problem"] == ""

    def test_a_plugin_built_for_another_major_version_is_refused_and_listed(self, caplog):
        pm = make_plugin_manager([], extra=[("future", self.plugin(">=2.0,<3"))])

        assert pm.get_plugin("future") is None, "its hooks are never called"
        (future,) = [p for p in describe_plugins(pm) if p["name"] == "future"]
        assert future["enabled"] is False
        assert (
            future["problem"] == "not loaded: it supports hook API >=2.0,<3; this core provides 1.1"
        )
        assert "plugin future is not loaded" in caplog.text

    def test_an_unreadable_range_is_refused_with_a_reason(self):
        pm = make_plugin_manager([], extra=[("typo", self.plugin("greater than one"))])
        assert pm.get_plugin("typo") is None
        assert "unreadable hook API range" in pm.helpline_refused["typo"]

    def test_a_plugin_that_declares_no_range_loads_with_a_warning_in_the_list(self):
        pm = make_plugin_manager([], extra=[("vague", self.plugin(None))])
        (vague,) = [p for p in describe_plugins(pm) if p["name"] == "vague"]
        assert vague["enabled"] and vague["problem"] == "declares no hook API range"

    def test_a_renamed_hook_argument_warns_plugins_that_still_use_the_old_name(self):
        from helpline.compat import HelplineDeprecationWarning, renamed

        class Specs:
            @hookspec(warn_on_impl_args={"ticket_no": renamed("ticket_no", "number", "2.0")})
            def ticket_printed(self, number, ticket_no):
                """`ticket_no` is the old name of `number`, passed too until hook API 2.0."""

        class Offers:
            helpline_hookspecs = Specs

        class OldStyle:
            @hookimpl(optionalhook=True)
            def ticket_printed(self, ticket_no):
                return ticket_no

        class NewStyle:
            @hookimpl(optionalhook=True)
            def ticket_printed(self, number):
                return number

        with pytest.warns(HelplineDeprecationWarning, match="use `number`"):
            pm = make_plugin_manager([], extra=[("offers", Offers()), ("old", OldStyle())])
        assert pm.hook.ticket_printed(number=7, ticket_no=7) == [7], "the old name still works"
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("error")
            make_plugin_manager([], extra=[("offers", Offers()), ("new", NewStyle())])

    def test_every_first_party_plugin_declares_a_range_that_fits_this_core(self):
        for name, plugin in make_plugin_manager().list_name_plugin():
            assert getattr(plugin, "helpline_api", None), f"{name} declares no hook API range"
        assert not make_plugin_manager().helpline_refused
