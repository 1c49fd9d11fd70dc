"""`helpline sla …` against a fresh data dir: once as a subprocess, the rest in-process (faster)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpline.cli import cli

ENV = {**os.environ, "HELPLINE_DISABLE_PLUGINS": os.environ.get("HELPLINE_DISABLE_PLUGINS", "")}


def subprocess_helpline(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "helpline.cli", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result


class Run:
    def __init__(self, result) -> None:
        self.returncode, self.stdout, self.stderr = result.exit_code, result.stdout, result.stderr


def helpline(data_dir: Path, *args: str, ok: bool = True) -> Run:
    result = Run(CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args]))
    if ok:
        assert result.returncode == 0, result.stderr + result.stdout
    return result


def test_an_operator_sets_a_calendar_and_asks_when_something_is_due(tmp_path):
    subprocess_helpline(
        tmp_path,
        "sla",
        "calendar",
        "set",
        "office",
        "--timezone",
        "Europe/Berlin",
        "--hours",
        "mon-fri 09:00-17:00",
        "--holiday",
        "2024-12-25",
    )
    out = subprocess_helpline(
        tmp_path,
        "sla",
        "due",
        "--calendar",
        "office",
        "--start",
        "2024-12-24T16:30:00+01:00",
        "--minutes",
        "60",
    )
    assert out.stdout.strip() == "2024-12-26T09:30:00+01:00"


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("sla-desk")
    helpline(
        data_dir,
        "sla",
        "calendar",
        "set",
        "office",
        "--timezone",
        "Europe/Berlin",
        "--hours",
        "mon-fri 09:00-17:00",
        "--hours",
        "sat 10:00-14:00",
        "--holiday",
        "2024-12-25",
    )
    helpline(
        data_dir,
        "sla",
        "calendar",
        "set",
        "always",
        "--timezone",
        "America/New_York",
        "--hours",
        "24/7",
    )
    return data_dir


@pytest.mark.parametrize(
    ("calendar", "start", "minutes", "due"),
    [
        ("office", "2024-12-24T16:00:00+01:00", 120, "2024-12-26T10:00:00+01:00"),  # over a holiday
        (
            "office",
            "2024-03-29T16:30:00+01:00",
            600,
            "2024-04-01T14:30:00+02:00",
        ),  # Saturday, then DST
        (
            "office",
            "2024-12-31T16:00:00+01:00",
            60,
            "2024-12-31T17:00:00+01:00",
        ),  # ends at closing time
        ("always", "2024-03-09T23:00:00-05:00", 240, "2024-03-10T04:00:00-04:00"),  # a 23-hour day
    ],
)
def test_due_counts_working_minutes_on_a_calendar(desk, calendar, start, minutes, due):
    out = helpline(
        desk, "sla", "due", "--calendar", calendar, "--start", start, "--minutes", str(minutes)
    )
    assert out.stdout.strip() == due
    assert datetime.fromisoformat(out.stdout.strip()).utcoffset() is not None


def test_calendar_set_replaces_a_calendar(desk):
    helpline(
        desk, "sla", "calendar", "set", "short", "--timezone", "UTC", "--hours", "mon 09:00-10:00"
    )
    helpline(desk, "sla", "calendar", "set", "short", "--timezone", "UTC", "--hours", "24/7")
    out = helpline(
        desk,
        "sla",
        "due",
        "--calendar",
        "short",
        "--start",
        "2025-01-04T00:00:00+00:00",
        "--minutes",
        "30",
    )
    assert out.stdout.strip() == "2025-01-04T00:30:00+00:00"


def test_bad_hours_fail_with_a_message(desk):
    out = helpline(desk, "sla", "calendar", "set", "bad", "--hours", "weekdays 9 to 5", ok=False)
    assert out.returncode != 0
    assert "weekdays" in out.stderr


def test_an_unknown_calendar_fails_with_a_message(desk):
    out = helpline(
        desk,
        "sla",
        "due",
        "--calendar",
        "nope",
        "--start",
        "2025-01-01T00:00:00+00:00",
        "--minutes",
        "5",
        ok=False,
    )
    assert out.returncode != 0 and "nope" in out.stderr
