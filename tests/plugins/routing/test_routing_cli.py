"""`helpline routing …` on a fresh SQLite data dir."""

from __future__ import annotations

import asyncio

from click.testing import CliRunner

from helpline.cli import cli


def run(data_dir, *args: str, ok: bool = True):
    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args])
    if ok:
        assert result.exit_code == 0, result.output
    return result


async def _seed(data_dir) -> None:
    from helpline.runtime import Helpline
    from helpline.services import tickets, users
    from helpline.settings import load_settings
    from helpline_routing import store

    helpline = Helpline(load_settings(str(data_dir), worker=False))
    await helpline.start()
    try:
        ada = await users.create_user(helpline, email="ada@x.test", name="Ada", role="agent")
        team = await users.create_team(helpline, "Support", [ada.id])
        admin = await users.load_actor(helpline, 1)
        await tickets.create_ticket(helpline, admin, subject="Waiting", body="x", team=team)
        await store.save_profile(helpline, await store.profile(ada.id), skills={"billing": 2})
        cfg = store.TeamConfig(team_id=team, team="Support", strategy="round_robin")
        await store.save_team_config(helpline, cfg, ["manual", "round_robin"])
    finally:
        await helpline.stop()


def test_status_shows_each_team_and_drain_routes_its_waiting_tickets(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPLINE_PLUGINS", "routing")
    monkeypatch.delenv("HELPLINE_DATABASE_URL", raising=False)
    run(tmp_path, "init", "--admin-email", "admin@example.com", "--admin-password", "pw-12345678")
    asyncio.run(_seed(tmp_path))
    status = run(tmp_path, "routing", "status").output
    assert "Support: round_robin, 1 waiting" in status
    assert "Ada" in status and "0/10" in status and "billing:2" in status
    assert "routed 1 waiting ticket(s)" in run(tmp_path, "routing", "drain", "Support").output
    assert "1/10" in run(tmp_path, "routing", "status").output
    missing = run(tmp_path, "routing", "drain", "Nope", ok=False)
    assert missing.exit_code != 0
