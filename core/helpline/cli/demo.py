"""`helpline demo`: a year of realistic helpdesk data, written in bulk with the raw driver."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import click

from helpline.cli import demo_text as text
from helpline.cli.base import CliState, display_url, pass_state
from helpline.cli.demo_bulk import Writer, writer_for
from helpline.cli.demo_tickets import (
    EVENT_COLUMNS,
    MESSAGE_COLUMNS,
    TAG_COLUMNS,
    TICKET_COLUMNS,
    Desk,
    Person,
    TicketFactory,
)
from helpline.errors import Invalid
from helpline.passwords import hash_password
from helpline.runtime import Helpline

DEMO_PASSWORD = "demo-password"
STAFF_DOMAIN = "helpdesk.example"
#: Accounts with known emails, so someone can log in as each kind of user.
AGENT_EMAIL = f"agent@{STAFF_DOMAIN}"
MANAGER_EMAIL = f"manager@{STAFF_DOMAIN}"
CUSTOMER_EMAIL = "customer@northwind.example"
CUSTOMER_ORG = ("Northwind Traders", "northwind.example")
CHUNK = 2000
_NEEDED_STATUSES = ("new", "open", "pending", "solved", "closed")
#: Row counts a load reports (and sums into `rows`).
_COUNTED = ("organizations", "customers", "staff", "teams", "team_members", "tickets", "messages",
            "events", "ticket_tags", "tags")  # fmt: skip


async def generate(
    helpline: Helpline,
    tickets: int,
    seed: int,
    progress: Callable[[int], Any] | None = None,
) -> dict[str, Any]:
    """Add `tickets` demo tickets with their people; returns counts, accounts and timing."""
    started = time.perf_counter()
    writer = writer_for(helpline)
    await writer.begin()
    try:
        stats = await _Load(helpline, writer, random.Random(seed)).run(tickets, progress)
        await writer.commit()
    except BaseException:
        await writer.rollback()
        raise
    # The core's rows are written raw, so no event hook saw them: plugins add their own demo
    # data (an SLA policy and its clocks, articles, rules…) now, through their services.
    await helpline.hook(
        "demo_data",
        helpline=helpline,
        seed=seed,
        first_number=stats["first_number"],
        last_number=stats["last_number"],
    )
    seconds = time.perf_counter() - started
    rows = sum(v for k, v in stats.items() if k in _COUNTED)
    return {
        **stats,
        "seed": seed,
        "rows": rows,
        "seconds": seconds,
        "rows_per_second": rows / seconds if seconds else 0.0,
    }


class _Load:
    """One demo load inside the writer's transaction."""

    def __init__(self, helpline: Helpline, writer: Writer, rng: random.Random) -> None:
        self.writer, self.rng, self.now = writer, rng, helpline.now()
        self.stats: dict[str, Any] = dict.fromkeys(_COUNTED, 0)
        self.accounts: list[dict[str, Any]] = []

    async def _column(self, sql: str) -> dict[Any, Any]:
        return {row[0]: row[1] if len(row) > 1 else None for row in await self.writer.fetch(sql)}

    async def run(self, tickets: int, progress: Callable[[int], Any] | None) -> dict[str, Any]:
        w, rng = self.writer, self.rng
        self.ids = {table: last + 1 for table, last in (await w.max_ids()).items()}
        roles = await self._column("SELECT name, id FROM role")
        for role in ("agent", "manager", "customer"):
            if role not in roles:
                raise Invalid("role", f"role {role!r} is missing: run `helpline migrate`")
        statuses: dict[str, str] = {}
        for name, category in await w.fetch(
            "SELECT name, category FROM status WHERE active ORDER BY position DESC"
        ):
            statuses[category] = name  # the first status of each category wins
        missing = [c for c in _NEEDED_STATUSES if c not in statuses]
        if missing:
            raise Invalid("status", f"no active status in categories {', '.join(missing)}")
        self.emails = await self._column("SELECT email, id FROM users")
        self.password_hash = hash_password(DEMO_PASSWORD)  # argon2 is slow: one hash for all
        self.created = self.ts(self.now - timedelta(days=400))

        agents, manager = await self._agents(min(15, 8 + tickets // 15000), roles)
        orgs = await self._organizations(max(1, tickets // 20))
        customers = await self._customers(max(2, tickets // 4), orgs, roles["customer"])
        teams, members = await self._teams(
            3 + (tickets >= 2000) + (tickets >= 20000), agents, manager
        )
        desk = Desk(
            customers=customers,
            agents=agents,
            manager=manager,
            teams=teams,
            members=members,
            enterprise_orgs={org for org, _domain in orgs[: max(1, len(orgs) // 10)]},
            statuses=statuses,
            priorities=await self._names("priority"),
            types=await self._names("ticket_type"),
        )
        await self._tags()
        counter = await w.fetch("SELECT value FROM counter WHERE name = 'ticket_number'")
        highest = (await w.fetch("SELECT coalesce(max(number), 0) FROM ticket"))[0][0]
        first = max(highest, counter[0][0] if counter else 0) + 1
        factory = TicketFactory(
            rng,
            desk,
            self.now,
            w.ts,
            next_ticket_id=self.ids["ticket"],
            next_message_id=self.ids["message"],
            next_number=first,
        )
        for start in range(0, tickets, CHUNK):
            count = min(CHUNK, tickets - start)
            batch = factory.batch(count)
            await w.insert("ticket", TICKET_COLUMNS, batch.tickets)
            await w.insert("ticket_tag", TAG_COLUMNS, batch.tags)
            await w.insert("message", MESSAGE_COLUMNS, batch.messages)
            await w.insert("ticket_event", EVENT_COLUMNS, batch.events)
            for key, rows in (
                ("tickets", batch.tickets),
                ("messages", batch.messages),
                ("events", batch.events),
                ("ticket_tags", batch.tags),
            ):
                self.stats[key] += len(rows)
            if progress is not None:
                progress(count)
        last = first + tickets - 1
        if counter:
            await w.execute(f"UPDATE counter SET value = {int(last)} WHERE name = 'ticket_number'")
        else:
            await w.insert("counter", ("name", "value"), [("ticket_number", last)])
        return {
            **self.stats,
            "first_number": first,
            "last_number": last,
            "accounts": self.accounts,
            "password": DEMO_PASSWORD,
        }

    async def _names(self, table: str) -> list[str]:
        names = list(await self._column(f"SELECT name FROM {table} WHERE active ORDER BY name"))
        if not names:
            raise Invalid(table, f"no active {table.replace('_', ' ')} is configured")
        return names

    def ts(self, value: Any) -> Any:
        return self.writer.ts(value)

    # -- people --------------------------------------------------------------------------------

    def _unique(self, taken: Any, make: Callable[[str], str], base: str) -> str:
        """`make(base)`, or `make(base + n)` for the first n that is not taken."""
        candidate, n = make(base), 1
        while candidate in taken:
            n += 1
            candidate = make(f"{base}{n}")
        return candidate

    def _next_id(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] += 1
        return value

    async def _organizations(self, count: int) -> list[tuple[int, str]]:
        names = await self._column("SELECT name, id FROM organization")
        domains = set(await self._column("SELECT domain, id FROM organization"))
        rows, orgs = [], []
        name, domain = CUSTOMER_ORG
        if name in names:
            orgs.append((names[name], domain))
        for i in range(count - len(orgs)):
            if i == 0 and not orgs:
                shared = True
            else:
                base = (
                    f"{self.rng.choice(text.COMPANY_WORDS)} {self.rng.choice(text.COMPANY_KINDS)}"
                )
                name = self._unique(names, str, base)
                slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
                domain = self._unique(domains, lambda s: f"{s}.example", slug)
                shared = self.rng.random() < 0.3
            org_id = self._next_id("organization")
            names[name] = org_id
            domains.add(domain)
            rows.append((org_id, name, domain, shared, self.created))
            orgs.append((org_id, domain))
        await self.writer.insert(
            "organization", ("id", "name", "domain", "shared_tickets", "created_at"), rows
        )
        self.stats["organizations"] = len(rows)
        return orgs

    def _person(self, email: str, name: str, role: int, org: int | None, rows: list) -> Person:
        user_id = self._next_id("users")
        self.emails[email] = user_id
        zone = self.rng.choice(text.TIMEZONES)
        rows.append((user_id, email, name, self.password_hash, role, org, zone, True, self.created))
        return Person(user_id, email, name.split()[0], org)

    async def _write_users(self, rows: list[tuple]) -> None:
        columns = (
            "id",
            "email",
            "name",
            "password_hash",
            "role",
            "organization",
            "timezone",
            "active",
            "created_at",
        )
        await self.writer.insert("users", columns, rows)

    def _random_name(self) -> tuple[str, str]:
        return self.rng.choice(text.FIRST_NAMES), self.rng.choice(text.LAST_NAMES)

    async def _known(self, email: str, name: str, role: str, rows: list, **kw: Any) -> Person:
        """A demo account with a fixed email: reused when an earlier demo created it."""
        if email in self.emails:
            self.accounts.append({"role": role, "email": email, "created": False})
            return Person(self.emails[email], email, name.split()[0], kw.get("org"))
        self.accounts.append({"role": role, "email": email, "created": True})
        return self._person(email, name, kw["role_id"], kw.get("org"), rows)

    async def _customers(self, count: int, orgs: list, role: int) -> list[Person]:
        rows: list[tuple] = []
        people = [
            await self._known(
                CUSTOMER_EMAIL, "Sam Rivera", "customer", rows, role_id=role, org=orgs[0][0]
            )
        ]
        for _ in range(count - 1):
            org, domain = orgs[int(len(orgs) * self.rng.random() ** 1.3)]
            first, last = self._random_name()
            email = self._unique(
                self.emails, lambda s, d=domain: f"{s}@{d}", f"{first}.{last}".lower()
            )
            people.append(self._person(email, f"{first} {last}", role, org, rows))
        await self._write_users(rows)
        self.stats["customers"] = len(rows)
        return people

    async def _agents(self, count: int, roles: dict[str, int]) -> tuple[list[Person], Person]:
        rows: list[tuple] = []
        manager = await self._known(
            MANAGER_EMAIL, "Morgan Lead", "manager", rows, role_id=roles["manager"]
        )
        agents = [
            await self._known(AGENT_EMAIL, "Alex Agent", "agent", rows, role_id=roles["agent"])
        ]
        for _ in range(count - 1):
            first, last = self._random_name()
            email = self._unique(
                self.emails, lambda s: f"{s}@{STAFF_DOMAIN}", f"{first}.{last}".lower()
            )
            agents.append(self._person(email, f"{first} {last}", roles["agent"], None, rows))
        await self._write_users(rows)
        self.stats["staff"] = len(rows)
        return agents, manager

    async def _teams(
        self, count: int, agents: list[Person], manager: Person
    ) -> tuple[dict[str, int], dict[int, list[Person]]]:
        existing = await self._column("SELECT name, id FROM team")
        pairs = set(await self.writer.fetch('SELECT team, "user" FROM team_member'))
        teams, rows = {}, []
        for name, description in text.TEAMS[:count]:
            if name not in existing:
                existing[name] = self._next_id("team")
                rows.append((existing[name], name, description, self.created))
            teams[name] = existing[name]
        await self.writer.insert("team", ("id", "name", "description", "created_at"), rows)
        ids = list(teams.values())
        members: dict[int, list[Person]] = {t: [] for t in ids}
        for i, agent in enumerate(agents):
            joined = {ids[i % len(ids)]}
            if self.rng.random() < 0.3:
                joined.add(self.rng.choice(ids))
            for team in joined:
                members[team].append(agent)
        wanted = {(t, p.id) for t, people in members.items() for p in people}
        wanted |= {(t, manager.id) for t in ids}
        new_pairs = sorted(wanted - pairs)
        await self.writer.insert("team_member", ("team", "user"), new_pairs)
        self.stats["teams"], self.stats["team_members"] = len(rows), len(new_pairs)
        return teams, members

    async def _tags(self) -> None:
        existing = await self._column("SELECT name, id FROM tag")
        rows = [(tag, self.created) for tag in text.TAGS if tag not in existing]
        await self.writer.insert("tag", ("name", "created_at"), rows)
        self.stats["tags"] = len(rows)


@click.command()
@click.option("--tickets", default=1000, show_default=True, type=click.IntRange(min=1))
@click.option("--seed", type=int, default=None, help="Random seed (default: a new one each run).")
@pass_state
def demo(state: CliState, tickets: int, seed: int | None) -> None:
    """Add realistic demo data: agents, teams, customers and a year of tickets."""
    seed = random.randrange(2**31) if seed is None else seed
    click.echo(
        f"Adding {tickets} demo tickets to {display_url(state.settings.database)} (seed {seed})"
    )
    with click.progressbar(length=tickets, label="Tickets") as bar:
        stats = state.run(lambda helpline: generate(helpline, tickets, seed, progress=bar.update))
    numbers = f"#{stats['first_number']} to #{stats['last_number']}"
    click.echo(
        f"Created {stats['tickets']} tickets ({numbers}), {stats['messages']} messages, "
        f"{stats['events']} events, {stats['customers']} customers in "
        f"{stats['organizations']} organizations, {stats['staff']} staff, {stats['teams']} teams."
    )
    rate = f"{stats['rows_per_second']:,.0f} rows/s"
    click.echo(f"{stats['rows']} rows in {stats['seconds']:.1f} s ({rate}).")
    click.echo(f"Log in with password {DEMO_PASSWORD!r} as:")
    for account in stats["accounts"]:
        note = "" if account["created"] else "  (existed already; password unchanged)"
        click.echo(f"  {account['role']:<9} {account['email']}{note}")
