"""Assignment strategies: who in the team gets the ticket. Third parties add or replace them
through the `routing_strategies` hook."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from helpline.model import Ticket

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class Candidate:
    """A team member who may receive a ticket now: active, available, working, not full."""

    id: int
    name: str
    open: int
    capacity: int
    skills: dict[str, int]
    last_assigned_at: datetime | None

    @property
    def load(self) -> float:
        return self.open / self.capacity if self.capacity else float("inf")


@dataclass
class Context:
    helpline: Any
    ticket: Ticket
    team_id: int
    team: str
    candidates: list[Candidate]
    #: Skills the ticket needs, from categorisation rules: {"billing": 2}.
    skills: dict[str, int] = field(default_factory=dict)
    #: The user id round-robin gave the last ticket of this team to.
    last_agent: int | None = None


@dataclass
class Pick:
    agent_id: int
    reason: str


class Strategy(Protocol):
    label: str

    async def pick(self, ctx: Context) -> Pick | None: ...


def _least(candidates: list[Candidate]) -> Candidate:
    return min(candidates, key=lambda c: (c.load, c.last_assigned_at or EPOCH, c.id))


class Manual:
    label = "Manual (nobody is assigned)"

    async def pick(self, ctx: Context) -> Pick | None:
        return None


class RoundRobin:
    label = "Round-robin"

    async def pick(self, ctx: Context) -> Pick | None:
        if not ctx.candidates:
            return None
        ordered = sorted(ctx.candidates, key=lambda c: c.id)
        after = [c for c in ordered if ctx.last_agent is not None and c.id > ctx.last_agent]
        chosen = (after or ordered)[0]
        return Pick(chosen.id, "round-robin")


class LeastLoaded:
    label = "Least loaded (open tickets ÷ capacity)"

    async def pick(self, ctx: Context) -> Pick | None:
        if not ctx.candidates:
            return None
        chosen = _least(ctx.candidates)
        return Pick(chosen.id, f"least loaded, {chosen.open}/{chosen.capacity} open")


class Skills:
    label = "Skills (best qualified, then least loaded)"

    async def pick(self, ctx: Context) -> Pick | None:
        if not ctx.skills:
            return None
        qualified = [
            c
            for c in ctx.candidates
            if all(c.skills.get(s, 0) >= level for s, level in ctx.skills.items())
        ]
        if not qualified:
            return None
        chosen = min(
            qualified,
            key=lambda c: (
                c.load,
                -sum(c.skills.get(s, 0) for s in ctx.skills),
                c.last_assigned_at or EPOCH,
                c.id,
            ),
        )
        needs = ", ".join(f"{s}≥{lvl}" for s, lvl in sorted(ctx.skills.items()))
        return Pick(chosen.id, f"skills {needs}")


BUILTIN: dict[str, Strategy] = {
    "manual": Manual(),
    "round_robin": RoundRobin(),
    "least_loaded": LeastLoaded(),
    "skills": Skills(),
}


async def available(helpline: Any) -> dict[str, Strategy]:
    """Built-in strategies plus those plugins offer (theirs replace a built-in of that name)."""
    found: dict[str, Strategy] = dict(BUILTIN)
    for extra in await helpline.hook("routing_strategies", helpline=helpline):
        found.update(extra or {})
    return found
