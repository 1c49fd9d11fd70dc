"""A third-party plugin, built and installed the way its users will do it.

The example in docs/examples/helpline-greeter is what `helpline plugins new greeter` writes. Here
it is built as a wheel and installed with `helpline plugins install` into a fresh virtualenv that
holds only helpline-core and helpline-web (no first-party plugin): it loads, migrates, serves its
page and passes its own tests; then it is uninstalled.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from helpline.scaffold import ScaffoldError, create_plugin

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "helpline-greeter"


def files(folder: Path) -> dict[str, str]:
    # The migration's ID is the time the plugin was created: unique across apps, as Piccolo needs.
    return {
        path.relative_to(folder).as_posix(): re.sub(r'(?m)^ID = ".*"$', "ID = …", path.read_text())
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        and not any(part.startswith(".") or part == "__pycache__" for part in path.parts[-3:-1])
    }


def test_the_example_is_exactly_what_the_scaffold_writes(tmp_path):
    generated = create_plugin("greeter", tmp_path)
    assert files(generated) == files(EXAMPLE), (
        "docs/examples/helpline-greeter differs from the scaffold: regenerate it with "
        "`helpline plugins new greeter --dir docs/examples`"
    )


@pytest.mark.parametrize("name", ["Greeter", "1st", "x", "core", "plugins", "my-plugin"])
def test_the_scaffold_refuses_names_that_cannot_be_a_plugin(tmp_path, name):
    with pytest.raises(ScaffoldError):
        create_plugin(name, tmp_path)
    assert not any(tmp_path.iterdir()), "nothing is written for a refused name"


def test_the_scaffold_never_overwrites_a_folder(tmp_path):
    create_plugin("greeter", tmp_path)
    (tmp_path / "helpline-greeter" / "README.md").write_text("mine")
    with pytest.raises(ScaffoldError, match="already exists"):
        create_plugin("greeter", tmp_path)
    assert (tmp_path / "helpline-greeter" / "README.md").read_text() == "mine"


# -- a fresh environment -----------------------------------------------------------------------


def _run(*command: str | Path, cwd: Path | None = None, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HELPLINE_", "VIRTUAL_ENV"))}
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"{command}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> dict[str, Path]:
    """Wheels of core, web and the example; a virtualenv with core, web and pytest only."""
    uv = shutil.which("uv")
    assert uv, "uv is needed to build wheels and make virtualenvs (README: pip install uv)"
    base = tmp_path_factory.mktemp("third-party")
    dist = base / "dist"
    for project in (ROOT / "core", ROOT / "web", EXAMPLE):
        _run(uv, "build", "--wheel", "--quiet", "--out-dir", dist, project)
    venv = base / "venv"
    _run(uv, "venv", "--quiet", "--python", sys.executable, venv)
    python = venv / "bin" / "python"
    wheels = [w for w in dist.glob("*.whl") if "greeter" not in w.name]
    _run(uv, "pip", "install", "--quiet", "--python", python, *wheels, "pytest", "pytest-asyncio")
    return {
        "bin": venv / "bin",
        "python": python,
        "data": base / "data",
        "wheel": next(dist.glob("helpline_greeter-*.whl")),
    }


def _helpline(fresh: dict[str, Path], *args: str | Path) -> str:
    # uv on PATH: `plugins install` uses it (a uv-made venv has no pip).
    path = f"{fresh['bin']}{os.pathsep}{os.environ['PATH']}"
    return _run(fresh["bin"] / "helpline", "--data-dir", fresh["data"], *args, PATH=path)


def _plugins(fresh: dict[str, Path]) -> dict[str, dict]:
    return {p["name"]: p for p in json.loads(_helpline(fresh, "plugins", "list", "--json"))}


def _status(url: str) -> int:
    request = urllib.request.Request(url)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        return opener.open(request, timeout=5).status
    except urllib.error.HTTPError as exc:
        return exc.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_the_example_installs_migrates_serves_and_passes_its_tests_with_core_and_web_only(fresh):
    _helpline(fresh, "init", "--admin-email", "admin@example.com", "--admin-password", "x" * 12)
    assert set(_plugins(fresh)) == {"core.permissions", "core.roles", "core.values"}

    installed = _helpline(fresh, "plugins", "install", fresh["wheel"])

    assert "Applied migration greeter" in installed
    greeter = _plugins(fresh)["greeter"]
    assert greeter["enabled"] and greeter["api"] == ">=1.0,<2" and not greeter["problem"]
    assert greeter["tables"] == ["greeter_note"] and greeter["routes"] == ["/p/greeter"]
    assert greeter["permissions"] == ["greeter.manage"]

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [fresh["bin"] / "helpline", "--data-dir", fresh["data"], "serve", "--port", str(port),
         "--no-worker"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                if _status(f"{base}/healthz") == 200:
                    break
            except OSError:
                time.sleep(0.2)
        assert _status(f"{base}/p/greeter/") in (302, 303), "the page exists and asks to sign in"
        assert _status(f"{base}/p/absent/") == 404
    finally:
        server.terminate()
        server.wait(timeout=15)

    tests = _run(
        fresh["python"], "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=EXAMPLE,
        HELPLINE_TEST_BACKENDS="sqlite",
    )  # fmt: skip
    assert " passed" in tests and "failed" not in tests

    _helpline(fresh, "plugins", "uninstall", "greeter")
    assert "greeter" not in _plugins(fresh)
