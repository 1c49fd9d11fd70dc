"""`helpline reports …` on a fresh SQLite data dir: demo data, rebuild, a report as CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

from click.testing import CliRunner

from helpline.cli import cli


def helpline(data_dir, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args])
    assert result.exit_code == 0, (result.stderr or "") + result.stdout
    return result.stdout


def test_an_operator_rebuilds_the_facts_and_prints_a_report(tmp_path):
    helpline(tmp_path, "init", "--admin-email", "a@example.com", "--admin-password", "pw-123456789")
    helpline(tmp_path, "demo", "--tickets", "30", "--seed", "2")
    out = helpline(tmp_path, "reports", "rebuild", "--batch", "7")
    assert "30 tickets" in out
    out = helpline(
        tmp_path,
        "reports",
        "run",
        "volume",
        "--start",
        (date.today() - timedelta(days=800)).isoformat(),
        "--end",
        (date.today() + timedelta(days=1)).isoformat(),
        "--group-by",
        "channel",
    )
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["channel", "created", "solved", "reopened"]
    assert sum(int(r[1]) for r in rows[1:]) == 30
    out = helpline(
        tmp_path,
        "reports",
        "run",
        "one_touch",
        "--format",
        "json",
        "--start",
        str(date.today() - timedelta(days=400)),
    )
    assert json.loads(out)["name"] == "one_touch"
    bad = CliRunner().invoke(
        cli, ["--data-dir", str(tmp_path), "reports", "run", "volume", "--start", "x"]
    )
    assert bad.exit_code == 2 and "--start" in bad.output
