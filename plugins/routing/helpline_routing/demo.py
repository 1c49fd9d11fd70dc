"""`helpline demo` data: how the demo teams route, the demo agents' skills and capacity, and two
categorisation rules.

Only what routing decides for *new* tickets changes: no demo ticket is routed, reassigned or
given a reroute job (reroute stays off). Each agent's capacity leaves room above the open tickets
the demo already gave them (up to the plugin's limit of 1000), so new tickets still find someone.
Teams, agents and rules an admin (or an earlier demo run) already set up are left alone.
"""

from __future__ import annotations

import random

from helpline import db
from helpline.runtime import Helpline
from helpline_routing import store, strategies
from helpline_routing.rules import Condition, RuleSpec

#: Team name → (strategy, fallback), for the teams `helpline demo` creates.
TEAM_STRATEGIES = {
    "Tier 1 Support": ("round_robin", "least_loaded"),
    "Technical": ("skills", "least_loaded"),
    "Billing": ("least_loaded", ""),
    "Enterprise": ("least_loaded", "round_robin"),
    "Onboarding": ("round_robin", ""),
}
#: Team name → the skill its members hold (levels 2-5).
TEAM_SKILLS = {"Technical": "technical", "Billing": "billing", "Enterprise": "enterprise"}
LANGUAGES = ("german", "french", "spanish")
MAX_CAPACITY = 1000

RULES = (
    RuleSpec(
        name="Billing questions to Billing",
        position=10,
        conditions=[
            Condition(field="text", op="contains", value="invoice, refund, payment, billing")
        ],
        team="Billing",
        skills={"billing": 2},
    ),
    RuleSpec(
        name="Errors and outages to Technical",
        position=20,
        conditions=[Condition(field="text", op="contains", value="error, outage, crash, bug")],
        team="Technical",
        skills={"technical": 3},
    ),
)


async def _teams(helpline: Helpline) -> dict[str, int]:
    rows = await db.fetch(helpline.engine, "SELECT id, name FROM team")
    return {r["name"]: r["id"] for r in rows if r["name"] in TEAM_STRATEGIES}


async def _team_strategies(helpline: Helpline, teams: dict[str, int]) -> None:
    known = list(await strategies.available(helpline))
    configured = {
        r["team"] for r in await db.fetch(helpline.engine, "SELECT team FROM routing_team")
    }
    for name, team_id in sorted(teams.items()):
        if team_id in configured:
            continue  # an admin chose, or an earlier demo run did
        strategy, fallback = TEAM_STRATEGIES[name]
        cfg = store.TeamConfig(team_id=team_id, team=name, strategy=strategy, fallback=fallback)
        await store.save_team_config(helpline, cfg, known)


async def _agents(helpline: Helpline, rng: random.Random, teams: dict[str, int]) -> None:
    if not teams:
        return
    marks = ", ".join("{}" for _ in teams)
    rows = await db.fetch(
        helpline.engine,
        'SELECT m."user" AS user_id, m.team AS team, r.name AS role FROM team_member m '
        'JOIN users u ON u.id = m."user" JOIN role r ON r.id = u.role '
        f"WHERE r.staff = {{}} AND u.active = {{}} AND m.team IN ({marks}) "
        'AND NOT EXISTS (SELECT 1 FROM routing_agent a WHERE a."user" = m."user") '
        'ORDER BY m."user", m.team',
        True,
        True,
        *teams.values(),
    )
    by_team = {team_id: name for name, team_id in teams.items()}
    member_of: dict[int, list[str]] = {}
    for row in rows:
        member_of.setdefault(row["user_id"], []).append(by_team[row["team"]])
    if not member_of:
        return
    # Managers sit in the teams to oversee them: routing gives them nothing.
    overseers = {row["user_id"] for row in rows if row["role"] == "manager"}
    user_marks = ", ".join("{}" for _ in member_of)
    open_rows = await db.fetch(
        helpline.engine,
        "SELECT assignee, count(*) AS n FROM ticket WHERE status_category NOT IN "
        f"('solved', 'closed') AND merged_into IS NULL AND assignee IN ({user_marks}) "
        "GROUP BY assignee",
        *member_of,
    )
    load = {r["assignee"]: int(r["n"]) for r in open_rows}
    for user_id, names in sorted(member_of.items()):
        skills = {TEAM_SKILLS[name]: rng.randint(2, 5) for name in names if name in TEAM_SKILLS} | {
            "product": rng.randint(1, 4)
        }
        if rng.random() < 0.3:
            skills[rng.choice(LANGUAGES)] = rng.randint(3, 5)
        room = 10 * rng.randint(1, 3)
        capacity = 0 if user_id in overseers else min(MAX_CAPACITY, load.get(user_id, 0) + room)
        await store.save_profile(
            helpline, store.AgentProfile(user_id=user_id), capacity=capacity, skills=skills
        )


async def _rules(helpline: Helpline, teams: dict[str, int]) -> None:
    existing = {r.name for r in await store.rules()}
    for rule in RULES:
        if rule.name not in existing and rule.team in teams:
            await store.save_rule(helpline, rule)


async def load(helpline: Helpline, seed: int) -> None:
    teams = await _teams(helpline)
    await _team_strategies(helpline, teams)
    await _agents(helpline, random.Random(f"routing-{seed}"), teams)
    await _rules(helpline, teams)
