"""Helpline runs with any subset of the first-party plugins: none, each one alone, all but one.

Each subset goes through a ticket's life — a customer opens it, an agent replies, notes and
solves it, background jobs run — and every main page renders for agent, customer and admin.
A plugin that imports another, or a page that assumes one is present, fails here.
"""

from __future__ import annotations

import pytest

from helpline.plugins import installed_plugins

FIRST_PARTY = sorted(installed_plugins())
SUBSETS = {
    "none": [],
    "all": FIRST_PARTY,
    **{f"only-{name}": [name] for name in FIRST_PARTY},
    **{f"without-{name}": [p for p in FIRST_PARTY if p != name] for name in FIRST_PARTY},
}


@pytest.fixture(params=list(SUBSETS), ids=list(SUBSETS))
def helpline_settings_overrides(request):
    return {"plugins": SUBSETS[request.param]}


@pytest.mark.sqlite_only
async def test_a_ticket_lives_and_every_page_renders(
    helpline, helpline_settings_overrides, api, signin, admin, agent, customer, run_jobs
):
    loaded = {name for name, _ in helpline.pm.list_name_plugin()}
    assert loaded & set(FIRST_PARTY) == set(helpline_settings_overrides["plugins"])

    as_customer = await api(customer)
    created = await as_customer.post(
        "/api/v1/tickets", json={"subject": "Printer on fire", "body": "Smoke everywhere"}
    )
    assert created.status_code == 201, created.text
    number = created.json()["number"]
    as_agent = await api(agent)
    for internal, body in ((False, "On our way"), (True, "Bring the extinguisher")):
        sent = await as_agent.post(
            f"/api/v1/tickets/{number}/messages", json={"body": body, "internal": internal}
        )
        assert sent.status_code == 201, sent.text
    ticket = (await as_agent.get(f"/api/v1/tickets/{number}")).json()
    solved = await as_agent.patch(
        f"/api/v1/tickets/{number}", json={"version": ticket["version"], "status": "solved"}
    )
    assert solved.status_code == 200, solved.text
    await run_jobs()

    pages = {
        agent: ["/tickets", f"/tickets/{number}", "/tickets?q=printer"],
        customer: ["/portal", f"/portal/requests/{number}", "/portal/new"],
        admin: ["/admin", "/admin/plugins", f"/tickets/{number}"],
    }
    for who, paths in pages.items():
        web = await signin(who)
        for path in paths:
            response = await web.get(path)
            assert response.status_code == 200, f"{who.role} {path}: {response.status_code}"
    customer_view = await (await signin(customer)).get(f"/portal/requests/{number}")
    assert "On our way" in customer_view.text
    assert "extinguisher" not in customer_view.text
