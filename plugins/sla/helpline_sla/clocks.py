"""The clocks of one ticket's targets: start, pause, resume, meet, recompute, thresholds.

A clock holds a budget and how much of it is used; while it runs, its due time is the instant the
calendar reaches the budget. All durations are whole microseconds so that the instant a timer
was scheduled for and the instant its handler recomputes are the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from helpline.model import Ticket
from helpline_sla.calendar import ALWAYS, BusinessCalendar
from helpline_sla.clock_row import Clock, parse_time, us
from helpline_sla.rules import Rules, target_for
from helpline_sla.specs import (
    TARGET_LABELS,
    TARGETS,
    EscalationSpec,
    PolicySpec,
    warn_before_seconds,
)

RUNNING_CATEGORIES = ("new", "open")
PAUSED_CATEGORIES = ("pending", "on_hold")
DONE_CATEGORIES = ("solved", "closed")
#: Targets that start with the ticket; the others start with a message.
INITIAL = ("first_response", "resolution")


@dataclass
class Threshold:
    kind: str  # warning, breach, escalation
    level: int
    offset: int  # µs of working time from the clock's start


class Session:
    """One ticket's clocks while a change is applied; `store.save` writes what changed."""

    def __init__(
        self, rules: Rules, ticket: Ticket, clocks: dict[str, Clock], now: datetime
    ) -> None:
        self.rules = rules
        self.ticket = ticket
        self.clocks = clocks
        self.now = now
        #: (target, kind, detail) for the SLA panel's history.
        self.events: list[tuple[str, str, str]] = []
        #: (target, old due, new due, reason) for the ticket's own history.
        self.moved: list[tuple[str, datetime | None, datetime | None, str]] = []

    # -- measuring -------------------------------------------------------------------------

    def calendar(self, clock: Clock) -> BusinessCalendar:
        return self.rules.calendar_named(clock.calendar) if clock.business else ALWAYS

    def used(self, clock: Clock, at: datetime | None = None) -> int:
        """Working time used so far (µs)."""
        if clock.resumed_at is None:
            return clock.consumed
        return clock.consumed + us(self.calendar(clock).between(clock.resumed_at, at or self.now))

    def instant(self, clock: Clock, offset: int) -> datetime:
        """When a running clock's used time reaches `offset`."""
        assert clock.resumed_at is not None
        return self.calendar(clock).add(
            clock.resumed_at, timedelta(microseconds=offset - clock.consumed)
        )

    def policy(self, clock: Clock) -> PolicySpec | None:
        return next((p for p in self.rules.policies if p.name == clock.policy), None)

    def escalations(self, clock: Clock, when: str) -> list[EscalationSpec]:
        policy = self.policy(clock)
        if policy is None:
            return []
        return [
            e for e in policy.escalations if e.when == when and e.target in (None, clock.target)
        ]

    def thresholds(self, clock: Clock) -> list[Threshold]:
        found = []
        if 0 < clock.warn_before < clock.budget:
            found.append(Threshold("warning", 0, clock.budget - clock.warn_before))
        found.append(Threshold("breach", 0, clock.budget))
        minutes = sorted({e.minutes for e in self.escalations(clock, "after")})
        found += [
            Threshold("escalation", i + 1, clock.budget + m * 60_000_000)
            for i, m in enumerate(minutes)
        ]
        return found

    @staticmethod
    def pending(clock: Clock, threshold: Threshold) -> bool:
        if threshold.kind == "warning":
            return clock.warned_at is None
        if threshold.kind == "breach":
            return clock.breached_at is None
        return clock.level < threshold.level

    def next_timer(self, clock: Clock) -> datetime | None:
        """When this clock next needs attention, or None (stopped, paused, nothing left)."""
        if not (clock.outstanding and clock.running):
            return None
        for threshold in self.thresholds(clock):
            if self.pending(clock, threshold):
                return self.instant(clock, threshold.offset)
        return None

    # -- changing --------------------------------------------------------------------------

    def _touch(self, clock: Clock, kind: str, detail: str) -> None:
        clock.dirty = True
        self.events.append((clock.target, kind, detail))

    def _refresh(self, clock: Clock) -> None:
        if clock.outstanding:
            clock.due_at = self.instant(clock, clock.budget) if clock.running else None

    def _stop(self, clock: Clock) -> None:
        if clock.resumed_at is not None:
            clock.consumed = self.used(clock)
            clock.segments.append([clock.resumed_at.isoformat(), self.now.isoformat()])
            clock.resumed_at = None

    def start(
        self, target: str, policy: PolicySpec, why: str, at: datetime | None = None
    ) -> Clock | None:
        """A new cycle of `target` under `policy`, replacing the previous one."""
        spec = target_for(policy, target, self.ticket.priority)
        if spec is None:
            return None
        old = self.clocks.get(target)
        at = at or self.now
        clock = Clock(
            ticket_id=self.ticket.id,
            target=target,
            policy=policy.name,
            state="running",
            business=spec.business and policy.calendar is not None,
            calendar=policy.calendar if spec.business else None,
            budget=spec.minutes * 60_000_000,
            consumed=0,
            warn_before=warn_before_seconds(spec) * 1_000_000,
            started_at=at,
            resumed_at=at,
            id=old.id if old else None,
        )
        if self.ticket.status_category not in RUNNING_CATEGORIES:
            self._stop(clock)
            clock.state = "paused"
        self.clocks[target] = clock
        self._refresh(clock)
        self._touch(clock, "started", why)
        return clock

    def pause(self, clock: Clock, why: str) -> None:
        if clock.outstanding and clock.running:
            self._stop(clock)
            if clock.state == "running":
                clock.state = "paused"
            self._refresh(clock)
            self._touch(clock, "paused", why)

    def resume(self, clock: Clock, why: str) -> None:
        if clock.outstanding and not clock.running:
            clock.resumed_at = self.now
            if clock.state == "paused":
                clock.state = "running"
            self._refresh(clock)
            self._touch(clock, "resumed", why)

    def meet(self, clock: Clock, why: str) -> None:
        if clock.outstanding:
            self._stop(clock)
            clock.met_at = self.now
            if clock.state in ("running", "paused"):
                clock.state = "met"
            self._touch(clock, "met", why)

    def reopen(self, clock: Clock, why: str) -> None:
        """Resolution resumes where it stopped when a solved ticket is reopened."""
        if clock.met_at is not None and clock.state != "cancelled":
            clock.met_at = None
            clock.state = "breached" if clock.breached_at else "paused"
            self._touch(clock, "reopened", why)
            if self.ticket.status_category in RUNNING_CATEGORIES:
                self.resume(clock, why)

    def cancel(self, clock: Clock, why: str) -> None:
        if clock.outstanding:
            self._stop(clock)
            clock.state, clock.due_at = "cancelled", None
            self._touch(clock, "cancelled", why)

    # -- what the ticket's changes mean ----------------------------------------------------

    def ticket_created(self) -> None:
        policy = self.rules.match(self.ticket)
        if policy is not None:
            for target in INITIAL:
                self.start(target, policy, f"policy {policy.name}", at=self.ticket.created_at)

    def status_changed(self, old_category: str, status: str) -> None:
        new_category = self.ticket.status_category
        if new_category in DONE_CATEGORIES:
            for clock in self.clocks.values():
                self.meet(clock, f"ticket {status}")
        elif new_category in PAUSED_CATEGORIES:
            for clock in self.clocks.values():
                self.pause(clock, f"waiting: status {status}")
        else:
            if old_category in DONE_CATEGORIES and "resolution" in self.clocks:
                self.reopen(self.clocks["resolution"], "ticket reopened")
            for clock in self.clocks.values():
                self.resume(clock, f"status {status}")

    def agent_replied(self) -> None:
        for target, why in (
            ("first_response", "first public reply"),
            ("next_response", "agent replied"),
        ):
            if target in self.clocks:
                self.meet(self.clocks[target], why)
        update = self.clocks.get("periodic_update")
        if update is not None:
            self.meet(update, "update posted")
        policy = self.rules.match(self.ticket)
        if policy is not None and self.ticket.status_category not in DONE_CATEGORIES:
            self.start("periodic_update", policy, "agent replied")

    def customer_wrote(self) -> None:
        first = self.clocks.get("first_response")
        if first is not None and first.outstanding:
            return  # the first response answers this message too
        current = self.clocks.get("next_response")
        if current is not None and current.outstanding:
            return  # counted from the oldest unanswered message
        policy = self.rules.match(self.ticket)
        if policy is not None and self.ticket.status_category not in DONE_CATEGORIES:
            self.start("next_response", policy, "customer wrote")

    def recompute(self, reason: str) -> None:
        """Apply the policy that matches now: new budgets, calendars and due times, with why."""
        policy = self.rules.match(self.ticket)
        for target in TARGETS:
            spec = target_for(policy, target, self.ticket.priority) if policy else None
            clock = self.clocks.get(target)
            if spec is None:
                if clock is not None:
                    self.cancel(clock, reason)
                continue
            assert policy is not None
            if clock is None or (clock.state == "cancelled" and target in INITIAL):
                if target in INITIAL and self._still_open(target):
                    self._join_late(target, policy, reason, clock)
                continue
            if not clock.outstanding:
                continue
            self._retarget(clock, policy, spec, reason)

    def _still_open(self, target: str) -> bool:
        if self.ticket.status_category in DONE_CATEGORIES:
            return False
        return target != "first_response" or self.ticket.first_response_at is None

    def _join_late(self, target: str, policy: PolicySpec, reason: str, old: Clock | None) -> None:
        """A policy now covers a ticket it did not: its clock runs from the ticket's creation."""
        clock = self.start(target, policy, reason, at=self.ticket.created_at)
        if clock is not None and old is not None:
            clock.id = old.id
        if clock is not None:
            self.moved.append((target, None, clock.due_at, reason))

    def _retarget(self, clock: Clock, policy: PolicySpec, spec: Any, reason: str) -> None:
        business = spec.business and policy.calendar is not None
        calendar = policy.calendar if business else None
        budget = spec.minutes * 60_000_000
        warn = warn_before_seconds(spec) * 1_000_000
        old_due = clock.due_at
        same = (clock.policy, clock.business, clock.calendar, clock.budget, clock.warn_before) == (
            policy.name,
            business,
            calendar,
            budget,
            warn,
        )
        if same:
            return
        if (clock.business, clock.calendar) != (business, calendar):
            # Measure the time already used again, on the new calendar.
            clock.business, clock.calendar = business, calendar
            cal = self.calendar(clock)
            clock.consumed = sum(
                us(cal.between(parse_time(s), parse_time(e))) for s, e in clock.segments
            )
        clock.policy, clock.budget, clock.warn_before = policy.name, budget, warn
        self._refresh(clock)
        self._touch(clock, "recomputed", reason)
        if clock.due_at != old_due:
            self.moved.append((clock.target, old_due, clock.due_at, reason))

    # -- timers ----------------------------------------------------------------------------

    def fire(self, clock: Clock) -> list[Threshold]:
        """Mark every threshold the clock has reached by now; returns them in order."""
        fired = []
        if not (clock.outstanding and clock.running):
            return fired
        for threshold in self.thresholds(clock):
            if not self.pending(clock, threshold):
                continue
            at = self.instant(clock, threshold.offset)
            if at > self.now:
                break
            if threshold.kind == "warning":
                clock.warned_at = at
            elif threshold.kind == "breach":
                clock.breached_at, clock.state = at, "breached"
            else:
                clock.level = threshold.level
            fired.append(threshold)
            label = {"warning": "warning", "breach": "breached"}.get(threshold.kind, "escalated")
            detail = f"level {threshold.level}" if threshold.kind == "escalation" else ""
            self._touch(clock, label, detail)
        return fired


def label(target: str) -> str:
    return TARGET_LABELS.get(target, target)
