"""Demo tickets with consistent timelines: messages, status changes and history rows."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from helpline.cli import demo_text as text
from helpline.text import text_to_html

# fmt: off
TICKET_COLUMNS = ("id", "number", "subject", "status", "status_category", "priority", "type",
                  "requester", "organization", "assignee", "team", "channel", "custom_fields",
                  "created_at", "updated_at", "first_response_at", "solved_at", "closed_at",
                  "version")
MESSAGE_COLUMNS = ("id", "ticket", "author", "kind", "body", "body_html", "channel", "meta",
                   "created_at")
# fmt: on
EVENT_COLUMNS = ("ticket", "actor", "via", "kind", "field", "old", "new", "at")
TAG_COLUMNS = ("ticket", "tag")

#: Status-category weights by ticket age: old tickets are mostly done, recent ones mostly not.
_STATUS_BY_AGE = (
    (2, {"new": 35, "open": 33, "pending": 15, "on_hold": 3, "solved": 14}),
    (14, {"new": 4, "open": 20, "pending": 20, "on_hold": 5, "solved": 44, "closed": 7}),
    (60, {"open": 5, "pending": 4, "on_hold": 3, "solved": 13, "closed": 75}),
    (math.inf, {"open": 1, "pending": 1, "on_hold": 1, "solved": 2, "closed": 95}),
)
#: First-response delay range in seconds, by priority.
_FIRST_REPLY = {"urgent": (300, 3600), "high": (900, 14400), "normal": (1800, 43200)}
_HOURS = (1, 1, 1, 1, 1, 2, 4, 8, 14, 16, 16, 15, 12, 14, 15, 14, 12, 9, 6, 4, 3, 2, 2, 1)
_HOUR_CUM = tuple(itertools.accumulate(_HOURS))
_TOPIC_CUM = tuple(itertools.accumulate(text.TOPIC_WEIGHTS))
_CHANNEL_CUM = tuple(itertools.accumulate(text.CHANNEL_WEIGHTS))
ROUTING = "routing: round robin"
#: Share of solved demo tickets that were solved once before, then reopened by the customer.
REOPEN_SHARE = 0.06


def _reopened(ticket_id: int) -> bool:
    """Whether a solved demo ticket went through a reopen. Drawn from its own stream (seeded by
    the ticket id), so the rest of a seed's desk is what it was before reopens existed."""
    return random.Random(ticket_id * 7919 + 17).random() < REOPEN_SHARE


AUTO_CLOSE = "automation: close 4 days after solved"


@dataclass
class Person:
    id: int
    email: str
    first_name: str
    organization: int | None = None


@dataclass
class Desk:
    """What the tickets are made from: people, teams and the configured values."""

    customers: list[Person]
    agents: list[Person]
    manager: Person
    teams: dict[str, int]
    members: dict[int, list[Person]]
    enterprise_orgs: set[int]
    statuses: dict[str, str]  # category -> status name
    priorities: list[str]
    types: list[str]


@dataclass
class Draft:
    """One ticket being made: its choices and its timeline as offsets from creation."""

    id: int
    created: datetime
    category: str
    topic: text.Topic
    slots: text.Slots
    channel: str
    customer: Person
    agent: Person
    roles: list[str]
    first_reply: int | None
    offsets: list[float] = field(default_factory=list)
    scale: float = 1.0

    def at(self, offset: float) -> datetime:
        return self.created + timedelta(seconds=offset * self.scale)


@dataclass
class Batch:
    tickets: list[tuple] = field(default_factory=list)
    messages: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    tags: list[tuple] = field(default_factory=list)


class TicketFactory:
    """Makes ticket rows with ids and numbers handed out from the given starting points."""

    def __init__(
        self,
        rng: random.Random,
        desk: Desk,
        now: datetime,
        ts: Callable[[datetime], Any],
        *,
        next_ticket_id: int,
        next_message_id: int,
        next_number: int,
    ) -> None:
        self.rng, self.desk, self.now, self.ts = rng, desk, now, ts
        self.ticket_id, self.message_id, self.number = next_ticket_id, next_message_id, next_number
        self.status_weights = []
        for limit, weights in _STATUS_BY_AGE:
            cats = [c for c in weights if c in desk.statuses]
            cum = tuple(itertools.accumulate(weights[c] for c in cats))
            self.status_weights.append((limit, cats, cum))
        self.team_names = {v: k for k, v in desk.teams.items()}

    def batch(self, count: int) -> Batch:
        out = Batch()
        for _ in range(count):
            self._ticket(out)
        return out

    # -- choices -------------------------------------------------------------------------------

    def _created_at(self) -> datetime:
        rng, now = self.rng, self.now
        u = rng.random()
        # Half spread evenly over the year, half growing towards today (a desk that grows).
        age = 365 * (u if rng.random() < 0.5 else 1 - math.sqrt(u))
        day = now - timedelta(days=int(age))
        if day.weekday() >= 5 and rng.random() < 0.6:
            day -= timedelta(days=day.weekday() - 4)
        hour = rng.choices(range(24), cum_weights=_HOUR_CUM)[0]
        at = datetime(
            day.year,
            day.month,
            day.day,
            hour,
            rng.randrange(60),
            rng.randrange(60),
            rng.randrange(1, 1_000_000),
            tzinfo=UTC,
        )
        while at > now - timedelta(minutes=10):
            at -= timedelta(days=1)
        return at

    def _category(self, age_days: float) -> str:
        for limit, cats, cum in self.status_weights:
            if age_days < limit:
                category = self.rng.choices(cats, cum_weights=cum)[0]
                # Auto-close takes 4 days after solving; a younger ticket is still solved.
                return "solved" if category == "closed" and age_days < 5 else category
        raise AssertionError("unreachable")

    def _priority(self, topic: text.Topic) -> str:
        names = [p for p in topic.priorities if p in self.desk.priorities]
        if not names:
            return self.rng.choice(self.desk.priorities)
        return self.rng.choices(names, weights=[topic.priorities[p] for p in names])[0]

    def _delay(self, low: float, high: float) -> float:
        return low + (high - low) * self.rng.random() ** 2  # most answers come early

    def _roles(self, category: str) -> list[str]:
        """Who writes each message: C customer, A agent (public), I internal note."""
        rng = self.rng
        if category == "new":
            return ["C", "C"] if rng.random() < 0.2 else ["C"]
        if category in ("pending", "on_hold"):
            count = rng.choice((2, 2, 4))
        else:
            count = rng.choice((2, 2, 3, 3, 4, 5))
            if category == "open" and count == 2 and rng.random() < 0.5:
                count = 3
        roles = ["C" if i % 2 == 0 else "A" for i in range(count)]
        if category == "on_hold":
            roles.append("I")
        elif rng.random() < 0.3 and len(roles) < 6:
            roles.insert(rng.randint(1, len(roles)), "I")
        return roles

    # -- one ticket ----------------------------------------------------------------------------

    def _ticket(self, out: Batch) -> None:
        rng, desk = self.rng, self.desk
        created = self._created_at()
        available = (self.now - created).total_seconds() - 60
        category = self._category(available / 86400)
        topic = text.TOPICS[rng.choices(range(len(text.TOPICS)), cum_weights=_TOPIC_CUM)[0]]
        customer = desk.customers[int(len(desk.customers) * rng.random() ** 1.6)]
        enterprise = customer.organization in desk.enterprise_orgs and "Enterprise" in desk.teams
        team = desk.teams.get("Enterprise" if enterprise else topic.team)
        team = team or next(iter(desk.teams.values()))
        roles = self._roles(category)
        draft = Draft(
            id=self.ticket_id,
            created=created,
            category=category,
            topic=topic,
            slots=text.Slots(rng),
            channel=text.CHANNELS[rng.choices(range(5), cum_weights=_CHANNEL_CUM)[0]],
            customer=customer,
            agent=rng.choice(desk.members.get(team) or desk.agents),
            roles=roles,
            first_reply=next((i for i, r in enumerate(roles) if r == "A"), None),
        )
        self.ticket_id += 1
        subject = rng.choice(topic.subjects).format_map(draft.slots)
        priority = self._priority(topic)
        assigned = category != "new" or rng.random() < 0.3
        with_team = assigned or rng.random() < 0.5
        assign_at, solved_at, closed_at = self._timeline(draft, priority, available)
        creator = draft.agent if draft.channel == "phone" else customer
        out.events.append(
            (draft.id, creator.id, None, "created", None, None, subject, self.ts(created))
        )
        version = 1
        updated = created
        if with_team:
            updated = draft.at(assign_at)
            actor, via = (None, ROUTING) if rng.random() < 0.3 else (desk.manager.id, None)
            if assigned:
                self._change(out, draft, actor, "assignee", None, draft.agent.email, updated, via)
            self._change(out, draft, actor, "team", None, self.team_names[team], updated, via)
            version += 1
        first_response = self._conversation(out, draft)
        if first_response is not None:
            version += 1
        updated = max(updated, draft.at(draft.offsets[-1]))
        statuses, agent = desk.statuses, draft.agent.id
        if category in ("pending", "on_hold"):
            self._change(out, draft, agent, "status", statuses["open"], statuses[category], updated)
            version += 1
        solved = closed = None
        if solved_at is not None:
            solved = updated = draft.at(solved_at)
            if _reopened(draft.id):  # solved once too early: the customer wrote back
                start = first_response or created
                early, back = start + (solved - start) * 0.4, start + (solved - start) * 0.7
                opened, done = statuses["open"], statuses["solved"]
                self._change(out, draft, agent, "status", opened, done, early)
                self._change(out, draft, draft.customer.id, "status", done, opened, back)
                version += 2
            self._change(out, draft, agent, "status", statuses["open"], statuses["solved"], solved)
            version += 1
        if closed_at is not None:
            closed = updated = draft.at(closed_at)
            closing = (statuses["solved"], statuses["closed"], closed, AUTO_CLOSE)
            self._change(out, draft, None, "status", *closing)
            version += 1
        ts = self.ts
        out.tickets.append((
            draft.id, self.number, subject, statuses[category], category, priority,
            topic.type if topic.type in desk.types else rng.choice(desk.types),
            customer.id, customer.organization, agent if assigned else None,
            team if with_team else None, draft.channel, "{}", ts(created), ts(updated),
            ts(first_response) if first_response else None, ts(solved) if solved else None,
            ts(closed) if closed else None, version,
        ))  # fmt: skip
        self.number += 1
        tags = {rng.choice(topic.tags) for _ in range(rng.choice((0, 1, 1, 2, 2, 3)))}
        if rng.random() < 0.1:
            tags.add(rng.choice(text.EXTRA_TAGS))
        out.tags.extend((draft.id, tag) for tag in sorted(tags))

    def _timeline(
        self, draft: Draft, priority: str, available: float
    ) -> tuple[float, float | None, float | None]:
        """Message offsets (into the draft), then when it was assigned, solved and closed."""
        rng, roles = self.rng, draft.roles
        low, high = _FIRST_REPLY.get(priority, (3600, 129600))
        offsets = [0.0]
        for i in range(1, len(roles)):
            if roles[i] == "I":
                step = self._delay(300, 7200)
            elif roles[i] == "A":
                step = self._delay(low, high) if i == draft.first_reply else self._delay(900, 86400)
            else:  # a customer writes again: after an answer, or chasing one
                step = self._delay(600 if roles[i - 1] != "C" else 3600, 172800)
            offsets.append(offsets[-1] + step)
        first = offsets[draft.first_reply] / 2 if draft.first_reply else 1800
        assign_at = rng.uniform(30, min(1800, first))
        solved_at = closed_at = None
        if draft.category in ("solved", "closed"):
            thanked = roles[-1] == "C"
            solved_at = offsets[-1] + (
                self._delay(60, 3600) if thanked else self._delay(300, 86400)
            )
            if draft.category == "closed":
                closed_at = solved_at + 4 * 86400 + rng.uniform(0, 3600)
        end = max(closed_at or solved_at or 0, offsets[-1], assign_at)
        if end > available:  # a young ticket: squeeze its story in, ending a while before now
            draft.scale = available * rng.uniform(0.3, 0.95) / end
        draft.offsets = offsets
        return assign_at, solved_at, closed_at

    def _conversation(self, out: Batch, draft: Draft) -> datetime | None:
        """Write the messages with their history; returns when the first agent reply came."""
        rng, slots, roles, statuses = self.rng, draft.slots, draft.roles, self.desk.statuses
        customer, agent, channel = draft.customer, draft.agent, draft.channel
        name = customer.first_name
        last = len(roles) - 1
        first_response = None
        for i, (role, offset) in enumerate(zip(roles, draft.offsets, strict=True)):
            when = draft.at(offset)
            stamp = self.ts(when)
            if role == "C" and i == 0 and channel == "phone":  # the agent who took the call
                body = text.phone_note(rng, draft.topic, slots, name)
                author, kind, via_channel = agent.id, "public", "phone"
            elif role == "C" and i == 0:
                body = text.customer_message(rng, draft.topic, slots, name)
                author, kind, via_channel = customer.id, "public", channel
            elif role == "C":
                texts = (text.THANKS if i == last and draft.category in ("solved", "closed") else
                         text.CHASERS if "A" not in roles[:i] else text.FOLLOW_UPS)  # fmt: skip
                body = text.customer_reply(rng, slots, name, texts)
                author, kind, via_channel = customer.id, "public", channel
            elif role == "A":
                texts = (draft.topic.answers if i == draft.first_reply else
                         text.PENDING_ASKS if i == last and draft.category == "pending" else
                         text.AGENT_FOLLOW_UPS)  # fmt: skip
                body = text.agent_reply(rng, texts, slots, name, agent.first_name)
                author, kind = agent.id, "public"
                via_channel = "email" if channel == "phone" else channel
            else:
                body, author, kind, via_channel = text.note(rng, slots), agent.id, "internal", "web"
            message_id = self.message_id
            self.message_id += 1
            html = text_to_html(body)
            out.messages.append(
                (message_id, draft.id, author, kind, body, html, via_channel, "{}", stamp)
            )
            if i > 0:
                out.events.append(
                    (draft.id, author, None, "message", kind, None, str(message_id), stamp)
                )
            if i == draft.first_reply:
                first_response = when
                self._change(out, draft, author, "first_response_at", None, str(when), when)
                self._change(out, draft, author, "status", statuses["new"], statuses["open"], when)
        return first_response

    def _change(
        self,
        out: Batch,
        draft: Draft,
        actor: int | None,
        field: str,
        old: str | None,
        new: str,
        when: datetime,
        via: str | None = None,
    ) -> None:
        """A `field_changed` event, as `history.record_changes` writes it."""
        out.events.append((draft.id, actor, via, "field_changed", field, old, new, self.ts(when)))
