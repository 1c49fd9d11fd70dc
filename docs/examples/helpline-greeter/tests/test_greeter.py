"""Greeter, tested through Helpline's pytest plugin (`helpline.testing`).

Every test that uses the `helpline` fixture runs on SQLite and on PostgreSQL; set
HELPLINE_TEST_BACKENDS=sqlite to run on SQLite alone.
"""

from __future__ import annotations

import subprocess
import sys

from helpline_greeter.notes import notes_for


async def test_a_new_ticket_is_noted_once_the_background_job_runs(factory, run_jobs):
    ticket = await factory.ticket(subject="Printer on fire")
    assert await notes_for(ticket.id) == [], "the note is written by a job, not in the request"

    await run_jobs()

    (note,) = await notes_for(ticket.id)
    assert note["text"] == f"Ticket #{ticket.number} arrived: Printer on fire"


async def test_agents_see_the_note_in_a_panel_on_the_ticket_page(signin, agent, factory, run_jobs):
    ticket = await factory.ticket(subject="Printer on fire")
    await run_jobs()

    page = await (await signin(agent)).get(f"/tickets/{ticket.number}")

    assert page.status_code == 200
    assert f"Ticket #{ticket.number} arrived: Printer on fire" in page.text


async def test_customers_never_see_the_note(signin, customer, factory, run_jobs):
    ticket = await factory.ticket(requester=customer, subject="Printer on fire")
    await run_jobs()

    page = await (await signin(customer)).get(f"/tickets/{ticket.number}")

    assert "arrived: Printer on fire" not in page.text


async def test_only_holders_of_the_permission_open_the_page(
    signin, admin, agent, customer, factory, run_jobs
):
    ticket = await factory.ticket(subject="Printer on fire")
    await run_jobs()

    as_admin = await (await signin(admin)).get("/p/greeter/")
    assert as_admin.status_code == 200
    assert f"#{ticket.number}" in as_admin.text
    for who in (agent, customer):
        response = await (await signin(who)).get("/p/greeter/", follow_redirects=False)
        assert response.status_code in (302, 303, 403)
        assert "arrived: Printer on fire" not in response.text


def test_the_command_counts_the_notes_of_a_desk(tmp_path):
    helpline = [sys.executable, "-m", "helpline.cli", "--data-dir", str(tmp_path)]
    init = [*helpline, "init", "--admin-email", "admin@example.com", "--admin-password", "x" * 12]
    subprocess.run(init, check=True, capture_output=True)

    done = subprocess.run([*helpline, "greeter", "count"], capture_output=True, text=True)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0 notes"
