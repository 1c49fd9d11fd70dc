"""Reading and writing clocks: their rows, the panel's events, the ticket's history, the timers."""

from __future__ import annotations

from datetime import datetime

from helpline import db, jobs
from helpline.model import Ticket
from helpline.runtime import Helpline
from helpline.services import history
from helpline.services.tickets import SYSTEM, get_ticket
from helpline.tables import Status
from helpline.tables import Ticket as TicketRow
from helpline_sla.clock_row import COLUMNS, Clock
from helpline_sla.clocks import Session, label
from helpline_sla.rules import Rules, load_rules
from helpline_sla.tables import SlaClock, SlaEvent

TIMER = "sla.timer"


def timer_key(ticket_id: int, target: str) -> str:
    return f"sla:{ticket_id}:{target}"


def show_time(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else None


async def load_clocks(ticket_ids: list[int]) -> dict[int, dict[str, Clock]]:
    found: dict[int, dict[str, Clock]] = {i: {} for i in ticket_ids}
    if not ticket_ids:
        return found
    rows = await SlaClock.select().where(SlaClock.ticket.is_in(sorted(set(ticket_ids))))
    for row in rows:
        clock = Clock.from_row(row)
        found[clock.ticket_id][clock.target] = clock
    return found


async def open_session(
    helpline: Helpline, ticket: Ticket, rules: Rules | None = None
) -> Session | None:
    """The ticket's clocks with the rules; None when no policy is active and it has no clocks."""
    rules = rules or await load_rules(helpline, empty=True)
    assert rules is not None
    clocks = (await load_clocks([ticket.id]))[ticket.id]
    if not rules.policies and not clocks:
        return None
    return Session(rules, ticket, clocks, helpline.now())


async def ticket_by_id(helpline: Helpline, ticket_id: int) -> Ticket | None:
    row = await TicketRow.select(TicketRow.number).where(TicketRow.id == ticket_id).first()
    if row is None:
        return None
    return await get_ticket(helpline, SYSTEM, row["number"])


async def status_category(name: str) -> str | None:
    row = await Status.select(Status.category).where(Status.name == name).first()
    return row["category"] if row else None


async def save(
    helpline: Helpline, session: Session, *, timers: bool = True, cancel: bool = True
) -> None:
    """Write changed clocks, their events and history, and (re)schedule their timers.

    `cancel=False` leaves a clock that needs no timer without a cancel statement: its firing
    timer has just used its job up (a stray queued one would fire, find nothing and stop).
    """
    for clock in session.clocks.values():
        if not clock.dirty:
            continue
        values = clock.values()
        if clock.id is None:
            rows = await SlaClock.insert(SlaClock(**values)).returning(SlaClock.id)
            clock.id = rows[0]["id"]
        else:
            await SlaClock.update({getattr(SlaClock, k): v for k, v in values.items()}).where(
                SlaClock.id == clock.id
            )
        clock.dirty = False
        if timers:
            await schedule(helpline, session, clock, cancel=cancel)
    if session.events:
        await SlaEvent.insert(
            *(
                SlaEvent(ticket=session.ticket.id, target=t, kind=k, detail=d, at=session.now)
                for t, k, d in session.events
            )
        )
        session.events = []
    for target, old, new, reason in session.moved:
        await history.record(
            helpline,
            session.ticket.id,
            None,
            "sla",
            field=f"{label(target).lower()} due",
            old=show_time(old),
            new=show_time(new),
            via=f"SLA: {reason}",
        )
    session.moved = []


async def schedule(
    helpline: Helpline, session: Session, clock: Clock, *, cancel: bool = True
) -> None:
    at = session.next_timer(clock)
    key = timer_key(clock.ticket_id, clock.target)
    if at is None:
        if cancel:
            await jobs.cancel(helpline, key)
    else:
        payload = {"ticket": clock.ticket_id, "target": clock.target}
        await jobs.enqueue(helpline, TIMER, payload, run_at=at, key=key)


_UPSERT_COLUMNS = ("id", "ticket", *COLUMNS)


async def save_many(helpline: Helpline, sessions: list[Session]) -> None:
    """`save` for many tickets at once, in a few statements per kind of row (batch recomputes)."""
    inserts, updates, events, moved = [], [], [], []
    timers: list[tuple[dict, datetime, str]] = []
    cancelled: list[str] = []
    for session in sessions:
        for clock in session.clocks.values():
            if not clock.dirty:
                continue
            (inserts if clock.id is None else updates).append(clock)
            at = session.next_timer(clock)
            key = timer_key(clock.ticket_id, clock.target)
            if at is None:
                cancelled.append(key)
            else:
                timers.append(({"ticket": clock.ticket_id, "target": clock.target}, at, key))
            clock.dirty = False
        events += [(session.ticket.id, t, k, d, session.now) for t, k, d in session.events]
        moved += [
            (
                session.ticket.id,
                f"SLA: {reason}",
                "sla",
                f"{label(target).lower()} due",
                show_time(old),
                show_time(new),
                session.now,
            )
            for target, old, new, reason in session.moved
        ]
        session.events, session.moved = [], []
    for chunk in _chunks(inserts, 400):
        await SlaClock.insert(*(SlaClock(**c.values()) for c in chunk))
    for chunk in _chunks(updates, 400):
        rows = ", ".join("(" + ", ".join("{}" for _ in _UPSERT_COLUMNS) + ")" for _ in chunk)
        args = [v for c in chunk for v in (c.id, *c.values().values())]
        sets = ", ".join(f"{col} = excluded.{col}" for col in COLUMNS)
        await db.fetch(
            helpline.engine,
            f"INSERT INTO sla_clock ({', '.join(_UPSERT_COLUMNS)}) VALUES {rows} "
            f"ON CONFLICT (id) DO UPDATE SET {sets}",
            *args,
        )
    await insert_rows(helpline, "sla_event", ("ticket", "target", "kind", "detail", "at"), events)
    # The ticket's own history, written in bulk: the same rows `history.record` writes one by one.
    await insert_rows(helpline, "ticket_event", HISTORY_COLUMNS, moved)
    await jobs.enqueue_many(helpline, TIMER, timers)
    await jobs.cancel_many(helpline, cancelled)


#: Columns of `ticket_event` rows written in bulk (no actor: the SLA acts for no one).
HISTORY_COLUMNS = ("ticket", "via", "kind", "field", "old", "new", "at")


async def insert_rows(
    helpline: Helpline, table: str, columns: tuple[str, ...], rows: list[tuple]
) -> None:
    """Multi-row INSERTs, well below SQLite's limit of bound parameters."""
    for chunk in _chunks(rows, 2000 // len(columns)):
        marks = ", ".join("(" + ", ".join("{}" for _ in columns) + ")" for _ in chunk)
        await db.fetch(
            helpline.engine,
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES {marks}",
            *(v for row in chunk for v in row),
        )


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]
