"""`helpline sla …`: calendars, business-time arithmetic, policies, recomputing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import click
import msgspec

from helpline.errors import Invalid
from helpline.runtime import Helpline
from helpline_sla.hours import HoursError

T = TypeVar("T")


def _parse_start(text: str, timezone: str) -> datetime:
    try:
        start = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not an ISO 8601 date and time", param_hint="--start"
        ) from None
    if start.tzinfo is None:
        start = start.replace(tzinfo=ZoneInfo(timezone))  # a wall time on the calendar
    return start


def add_commands(cli: click.Group) -> None:
    from helpline.cli.base import CliState, pass_state
    from helpline_sla import store
    from helpline_sla.hours import ical_holidays, parse_date
    from helpline_sla.specs import CalendarSpec, Holiday, PolicySpec

    @cli.group()
    def sla() -> None:
        """SLA calendars and policies, and business-time arithmetic."""

    @sla.group()
    def calendar() -> None:
        """Business calendars."""

    @calendar.command("set")
    @click.argument("name")
    @click.option(
        "--timezone", default="UTC", show_default=True, help="IANA timezone, e.g. Europe/Berlin."
    )
    @click.option(
        "--hours",
        "hours",
        multiple=True,
        required=True,
        help="'mon-fri 09:00-17:00' or '24/7'; repeatable.",
    )
    @click.option("--holiday", "holidays", multiple=True, help="A holiday, YYYY-MM-DD; repeatable.")
    @click.option(
        "--country", default=None, help="Add this country's public holidays (ISO code, e.g. DE)."
    )
    @click.option("--subdivision", default=None, help="The country's region, e.g. BY.")
    @click.option(
        "--ical",
        "ical",
        type=click.Path(exists=True, dir_okay=False),
        help="Import holidays from an .ics file.",
    )
    @pass_state
    def calendar_set(
        state: CliState,
        name: str,
        timezone: str,
        hours: tuple[str, ...],
        holidays: tuple[str, ...],
        country: str | None,
        subdivision: str | None,
        ical: str | None,
    ) -> None:
        """Create or replace the calendar NAME."""
        try:
            days = [Holiday(date=parse_date(h).isoformat()) for h in holidays]
            if ical:
                days += [
                    Holiday(date=d.isoformat(), name=n)
                    for d, n in ical_holidays(Path(ical).read_bytes())
                ]
        except HoursError as exc:
            raise click.BadParameter(str(exc)) from None
        spec = CalendarSpec(
            name=name,
            timezone=timezone,
            hours=list(hours),
            holidays=days,
            country=country,
            subdivision=subdivision,
        )

        async def work(helpline: Helpline) -> CalendarSpec:
            return await store.save_calendar(helpline, spec)

        saved = _run(state, work)
        click.echo(
            f"Calendar {saved.name!r} saved ({saved.timezone}; {len(saved.holidays)} holidays)."
        )

    @calendar.command("list")
    @pass_state
    def calendar_list(state: CliState) -> None:
        """Print every calendar."""
        for spec in _run(state, store.calendars).values():
            click.echo(f"{spec.name}\t{spec.timezone}\t{'; '.join(spec.hours)}")

    @calendar.command("show")
    @click.argument("name")
    @pass_state
    def calendar_show(state: CliState, name: str) -> None:
        """Print one calendar as JSON."""
        spec = _run(state, lambda h: store.get_calendar(h, name))
        click.echo(msgspec.json.format(msgspec.json.encode(spec)).decode())

    @calendar.command("delete")
    @click.argument("name")
    @pass_state
    def calendar_delete(state: CliState, name: str) -> None:
        """Delete a calendar no policy uses."""
        _run(state, lambda h: store.delete_calendar(h, name))
        click.echo(f"Calendar {name!r} deleted.")

    @sla.command("due")
    @click.option("--calendar", "calendar_name", required=True, help="The calendar to count on.")
    @click.option(
        "--start", required=True, help="ISO 8601; without an offset, a wall time on the calendar."
    )
    @click.option("--minutes", type=int, required=True, help="Working minutes to count.")
    @pass_state
    def due(state: CliState, calendar_name: str, start: str, minutes: int) -> None:
        """Print the instant MINUTES of working time after START, in ISO 8601 with offset."""

        async def work(helpline: Helpline) -> str:
            spec = await store.get_calendar(helpline, calendar_name)
            cal = store.build_calendar(spec)
            at = cal.add(_parse_start(start, spec.timezone), timedelta(minutes=minutes))
            return at.astimezone(cal.tz).isoformat()

        click.echo(_run(state, work))

    @sla.group()
    def policy() -> None:
        """SLA policies."""

    @policy.command("list")
    @pass_state
    def policy_list(state: CliState) -> None:
        """Print the policies in the order they are tried."""
        for spec in _run(state, store.policies):
            flag = "" if spec.active else "\t(inactive)"
            click.echo(f"{spec.position}\t{spec.name}\t{spec.calendar or '24/7'}{flag}")

    @policy.command("set")
    @click.argument("file", type=click.File("rb"))
    @pass_state
    def policy_set(state: CliState, file: click.utils.LazyFile) -> None:
        """Create or replace a policy from a JSON file (the API's policy object; `-` for stdin)."""
        try:
            spec = msgspec.json.decode(file.read(), type=PolicySpec)
        except msgspec.ValidationError as exc:
            raise click.ClickException(f"bad policy: {exc}") from exc
        saved = _run(state, lambda h: store.save_policy(h, spec))
        click.echo(f"Policy {saved.name!r} saved; open tickets are recomputed by the worker.")

    @policy.command("delete")
    @click.argument("name")
    @pass_state
    def policy_delete(state: CliState, name: str) -> None:
        """Delete a policy; its tickets are recomputed by the worker."""
        _run(state, lambda h: store.delete_policy(h, name))
        click.echo(f"Policy {name!r} deleted.")

    @sla.command("recompute")
    @pass_state
    def recompute(state: CliState) -> None:
        """Apply the current policies to every unsolved ticket now."""
        from helpline_sla.timers import recompute_all

        changed = _run(state, lambda h: recompute_all(h, "recomputed from the command line"))
        click.echo(f"{changed} tickets changed.")


def _run(state: Any, work: Callable[[Helpline], Awaitable[T]]) -> T:
    """Run `work` on the data dir's desk, installing the schema first on a new one."""
    from helpline.cli.base import schema_ready
    from helpline.services.setup import install
    from helpline_sla.tables import SlaCalendar

    async def prepared(helpline: Helpline) -> T:
        if not await schema_ready() or not await SlaCalendar.table_exists():
            await install(helpline)
        return await work(helpline)

    if state.settings.database.startswith("sqlite:"):
        state.settings.data_path.mkdir(parents=True, exist_ok=True)
    try:
        return state.run(prepared, needs_schema=False)
    except (Invalid, HoursError) as exc:  # raised before the runtime could translate it
        raise click.ClickException(str(exc)) from exc
