"""Business-time arithmetic on a calendar: working intervals per weekday, holidays, a timezone.

Working hours are wall-clock times in the calendar's timezone; each local date's intervals are
turned into UTC instants, so a DST day simply has a shorter or longer working day. A wall time
that does not exist (inside a spring-forward gap) stands for the moment the clocks jump; a wall
time that happens twice (fall-back) starts an interval at its first occurrence and ends one at
its last. Holidays are local dates on which nobody works.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

#: Minutes from local midnight: (start, end), 0 <= start < end <= 1440.
Interval = tuple[int, int]
DAY = 1440
#: A calendar must have working time within this many days of any instant.
MAX_SEARCH_DAYS = 3 * 366
ZERO = timedelta(0)


class NoWorkingTime(ValueError):
    """The calendar has no working interval within the search horizon."""


@lru_cache(maxsize=4096)
def _country_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.country_holidays(country, subdiv=subdivision or None, years=year))


class BusinessCalendar:
    """Immutable once built; caches the UTC working intervals of each local date it is asked."""

    def __init__(
        self,
        timezone: str = "UTC",
        week: Iterable[Iterable[Interval]] | None = None,
        holidays: Iterable[date] = (),
        country: str | None = None,
        subdivision: str | None = None,
    ) -> None:
        self.timezone = timezone
        self.tz = ZoneInfo(timezone)
        days = [sorted(day) for day in week] if week is not None else [[(0, DAY)]] * 7
        if len(days) != 7:
            raise ValueError("a week has seven days")
        self.week: tuple[tuple[Interval, ...], ...] = tuple(tuple(_merge(d)) for d in days)
        self.holidays = frozenset(holidays)
        self.country = country or None
        self.subdivision = subdivision or None
        self.always = (
            all(day == ((0, DAY),) for day in self.week)
            and not self.holidays
            and self.country is None
        )
        if not any(self.week):
            raise ValueError("the calendar has no working hours")
        self._cache: dict[date, tuple[tuple[datetime, datetime], ...]] = {}

    # -- what a day looks like -------------------------------------------------------------

    def is_holiday(self, day: date) -> bool:
        if day in self.holidays:
            return True
        return self.country is not None and day in _country_holidays(
            self.country, self.subdivision, day.year
        )

    def intervals(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The working intervals of a local date, as UTC instants, earliest first."""
        found = self._cache.get(day)
        if found is None:
            found = ()
            if not self.is_holiday(day):
                pairs = (
                    (self._instant(day, s, 0), self._instant(day, e, 1))
                    for s, e in self.week[day.weekday()]
                )
                found = tuple((s, e) for s, e in pairs if e > s)
            if len(self._cache) > 20000:
                self._cache.clear()
            self._cache[day] = found
        return found

    def _instant(self, day: date, minute: int, fold: int) -> datetime:
        if minute >= DAY:
            day, minute = day + timedelta(days=1), 0
        wall = datetime.combine(day, time(minute // 60, minute % 60))
        local = wall.replace(tzinfo=self.tz, fold=fold)
        utc = local.astimezone(UTC)
        # Inside a spring-forward gap: the first wall minute that exists is the jump itself.
        for _ in range(24 * 60):
            if utc.astimezone(self.tz).replace(tzinfo=None) == wall:
                return utc
            wall += timedelta(minutes=1)
            utc = wall.replace(tzinfo=self.tz).astimezone(UTC)
        return utc  # pragma: no cover - no real timezone has a day-long gap

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.tz).date()

    # -- arithmetic ------------------------------------------------------------------------

    def add(self, start: datetime, amount: timedelta) -> datetime:
        """The instant `amount` of working time after `start` (the end of an interval, if exact)."""
        _aware(start)
        if amount < ZERO:
            return self.subtract(start, -amount)
        if amount == ZERO or self.always:
            return start + amount
        remaining = amount
        day = self.local_date(start)
        for _ in range(MAX_SEARCH_DAYS):
            for s, e in self.intervals(day):
                if e <= start:
                    continue
                s = max(s, start)
                if remaining <= e - s:
                    return s + remaining
                remaining -= e - s
            day += timedelta(days=1)
        raise NoWorkingTime("no working time found on this calendar")

    def subtract(self, end: datetime, amount: timedelta) -> datetime:
        """The instant `amount` of working time before `end` (an interval's start, if exact)."""
        _aware(end)
        if amount < ZERO:
            return self.add(end, -amount)
        if amount == ZERO or self.always:
            return end - amount
        remaining = amount
        day = self.local_date(end)
        for _ in range(MAX_SEARCH_DAYS):
            for s, e in reversed(self.intervals(day)):
                if s >= end:
                    continue
                e = min(e, end)
                if remaining <= e - s:
                    return e - remaining
                remaining -= e - s
            day -= timedelta(days=1)
        raise NoWorkingTime("no working time found on this calendar")

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time in [start, end); negative when end is before start."""
        _aware(start)
        _aware(end)
        if end < start:
            return -self.between(end, start)
        if self.always:
            return end - start
        total = ZERO
        day, last = self.local_date(start), self.local_date(end)
        while day <= last:
            for s, e in self.intervals(day):
                lo, hi = max(s, start), min(e, end)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total

    def is_open(self, instant: datetime) -> bool:
        """Whether `instant` lies inside a working interval."""
        if self.always:
            return True
        return any(s <= instant < e for s, e in self.intervals(self.local_date(instant)))

    def next_open(self, instant: datetime) -> datetime:
        """`instant` itself when working, else the start of the next working interval."""
        _aware(instant)
        if self.always:
            return instant
        day = self.local_date(instant)
        for _ in range(MAX_SEARCH_DAYS):
            for s, e in self.intervals(day):
                if e > instant:
                    return max(s, instant)
            day += timedelta(days=1)
        raise NoWorkingTime("no working time found on this calendar")


def _aware(instant: datetime) -> None:
    if instant.tzinfo is None:
        raise ValueError("instants must be timezone-aware")


def _merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        if not 0 <= start < end <= DAY:
            raise ValueError(f"bad interval {start}-{end}")
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


#: Calendar time: every instant counts.
ALWAYS = BusinessCalendar()
