"""Routing benchmark: routing decisions per second for a team of 50 agents, per strategy.

Creates a desk with `helpline init`, a team of 50 agents (skills and capacities varied), three
categorisation rules and some open load, then times
  - decisions: the `route_ticket` answer alone (rules, candidates, the strategy, the team lock),
    one transaction each, for every built-in strategy;
  - new tickets: `create_ticket` end to end with routing, against the same without a team;
  - waiting tickets routed by 8 concurrent callers (the lock serialises them per team).

    uv run python bench/routing.py --decisions 2000
    uv run python bench/routing.py --backend postgres --postgres-url postgres://u:p@127.0.0.1:5432
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

from common import add_backend_arguments, desk_env, init_desk, postgres_database, running_desk

AGENTS = 50
SKILLS = ("billing", "german", "french", "hardware", "network")


async def setup(helpline, store, rules, strategies):
    from helpline.services import users
    from helpline.tables import TeamMember

    agents = []
    for n in range(AGENTS):
        actor = await users.create_user(
            helpline, email=f"agent{n}@bench.test", name=f"Agent {n}", role="agent"
        )
        agents.append(actor)
    team = await users.create_team(helpline, "Support", [])
    for a in agents:
        await TeamMember.insert(TeamMember(team=team, user=a.id))
    for n, a in enumerate(agents):
        skills = {SKILLS[n % 5]: 1 + n % 5, SKILLS[(n + 2) % 5]: 1 + (n * 7) % 5}
        await store.save_profile(
            helpline,
            await store.profile(a.id),
            skills=skills,
            capacity=1000,
            available=n % 10 != 0,  # a tenth of the team is away
        )
    for name, words, skill in (
        ("Invoices", "invoice, refund, payment", {"billing": 2}),
        ("German", "rechnung, bitte, danke", {"german": 3}),
        ("Hardware", "printer, laptop, screen", {"hardware": 2}),
    ):
        await store.save_rule(
            helpline,
            await rules.validate(
                rules.RuleSpec(
                    name=name,
                    conditions=[rules.Condition(field="text", value=words)],
                    team="Support",
                    skills=skill,
                    tags=[name.lower()],
                )
            ),
        )
    known = list(await strategies.available(helpline))
    return team, agents, known


async def run(args: argparse.Namespace, data_dir: Path) -> None:
    from helpline.services import tickets, users
    from helpline_routing import engine, pool, rules, store, strategies

    async with running_desk(data_dir, worker=False) as helpline:
        team, agents, known = await setup(helpline, store, rules, strategies)
        admin = await users.load_actor(helpline, 1)
        customer = await users.create_user(
            helpline, email="customer@bench.test", name="Customer", role="customer"
        )
        # Some open load, so least-loaded has something to weigh.
        for n in range(200):
            await tickets.create_ticket(
                helpline,
                admin,
                subject=f"Old {n}",
                body="x",
                requester=customer.id,
                assignee=agents[n % AGENTS].id,
            )
        sample = await tickets.create_ticket(
            helpline, customer, subject="My invoice is wrong", body="Please refund the payment."
        )
        print(f"{args.backend}: team of {AGENTS} agents ({AGENTS // 10} away), 3 rules")
        for strategy in ("round_robin", "least_loaded", "skills"):
            cfg = store.TeamConfig(
                team_id=team,
                team="Support",
                strategy=strategy,
                fallback="least_loaded" if strategy == "skills" else "",
            )
            await store.save_team_config(helpline, cfg, known)
            started = time.perf_counter()
            for _ in range(args.decisions):
                async with helpline.transaction():
                    decision = await engine.decide(helpline, sample)
            elapsed = time.perf_counter() - started
            assert decision and decision.get("assignee"), decision
            print(
                f"  {strategy:<13} {args.decisions / elapsed:8,.0f} decisions/s "
                f"({elapsed / args.decisions * 1000:.2f} ms each)"
            )
        cfg = store.TeamConfig(team_id=team, team="Support", strategy="round_robin")
        await store.save_team_config(helpline, cfg, known)
        for label, subject in (("routed", "printer broken"), ("no rule", "hello")):
            if label == "no rule":
                for r in await store.rules():
                    await store.delete_rule(helpline, r.name)
            started = time.perf_counter()
            for _ in range(args.tickets):
                await tickets.create_ticket(helpline, customer, subject=subject, body="x")
            elapsed = time.perf_counter() - started
            print(f"  create_ticket, {label:<8} {args.tickets / elapsed:8,.0f} tickets/s")
        waiting = [
            (
                await tickets.create_ticket(
                    helpline, admin, subject="w", body="x", team=team, requester=customer.id
                )
            ).number
            for _ in range(args.tickets)
        ]
        # they were routed on creation; return them to the pool to route them again
        for number in waiting:
            await tickets.update_as_system(helpline, number, via="bench", assignee_id=None)
        started = time.perf_counter()
        queue = list(waiting)

        async def worker():
            while queue:
                await pool.route_existing(helpline, queue.pop())

        await asyncio.gather(*(worker() for _ in range(8)))
        elapsed = time.perf_counter() - started
        print(f"  waiting tickets, 8 callers {len(waiting) / elapsed:8,.0f} routed/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=2000)
    parser.add_argument("--tickets", type=int, default=300)
    add_backend_arguments(parser)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        postgres_database(args, "helpline_bench_routing") as url,
    ):
        data_dir = Path(tmp)
        # Only routing: other plugins' hooks would be measured too.
        env = desk_env(url, plugins=os.environ.get("HELPLINE_PLUGINS", "routing"))
        init_desk(data_dir, env)
        asyncio.run(run(args, data_dir))


if __name__ == "__main__":
    main()
