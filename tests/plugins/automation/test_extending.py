"""Other plugins add conditions and actions through the `automation_*` hooks."""

from __future__ import annotations

import pytest
from automation_helpers import act, cond

from helpline import hookimpl
from helpline.services import tickets
from helpline_automation.specs import ActionSpec, ConditionSpec


class Extra:
    """A third-party plugin: one condition and one action of its own."""

    def __init__(self) -> None:
        self.paged: list[tuple[int, str]] = []

    @hookimpl(optionalhook=True)
    def automation_conditions(self, helpline):
        return {
            "extra.subject_length": ConditionSpec(
                "Subject length", lambda h, t, c: len(t.subject), "number", ("gt", "lt")
            )
        }

    @hookimpl(optionalhook=True)
    def automation_actions(self, helpline):
        async def page(helpline, ticket, params, context):
            self.paged.append((ticket.number, params["who"]))
            return f"paged {params['who']}"

        return {
            "extra.page": ActionSpec(
                "Page someone", page, {"who": "text"}, preview=lambda p: f"would page {p['who']}"
            )
        }


@pytest.fixture
def extra():
    return Extra()


@pytest.fixture
def helpline_plugins(outbox, extra):
    return [("automation_outbox", outbox), ("extra", extra)]


async def test_hook_automation_conditions_and_actions_extend_rules(
    helpline, factory, make_rule, run_jobs, extra, api, admin
):
    rule = await make_rule(
        "Long subjects",
        conditions=[cond("extra.subject_length", "gt", "20")],
        actions=[act("extra.page", who="oncall")],
    )
    long = await factory.ticket(subject="A very long subject about a printer")
    await factory.ticket(subject="Short")
    await run_jobs()
    assert extra.paged == [(long.number, "oncall")]
    dry = await (await api(admin)).post(
        f"/api/v1/automation/rules/{rule['id']}/dry-run", json={"ticket": long.number}
    )
    assert dry.json()["actions"] == ["would page oncall"]
    catalog = (await (await api(admin)).get("/api/v1/automation/catalog")).json()
    assert "extra.page" in catalog["actions"] and "extra.subject_length" in catalog["conditions"]
    assert "set_status" in catalog["actions"]  # the built-ins come through the same hooks


async def test_a_rule_using_a_disabled_plugins_action_fails_softly(
    helpline, factory, make_rule, run_jobs, extra
):
    from helpline_automation.tables import AutomationRule

    await make_rule("Pager", actions=[act("extra.page", who="x"), act("add_tags", tags="t")])
    await helpline.set_plugin_enabled("extra", False)
    ticket = await factory.ticket(subject="Anything")
    await run_jobs()
    assert extra.paged == []
    assert (await tickets.get_ticket(helpline, tickets.SYSTEM, ticket.number)).subject == "Anything"
    rule = await AutomationRule.select().first()
    assert rule["failing"] and "not available" in rule["last_error"]
