"""What the queue's pages share: who may open it, its filters as a URL, and the choice lists."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers import BaseRouteHandler

from helpline.model import Actor
from helpline.tables import Priority, Status, Team, TicketType, User
from helpline_web.auth import current_viewer, requires

QUEUE_CSS = "/static/css/queue.css"
PER_PAGE_CHOICES = (25, 50, 100)
UNSOLVED = ("new", "open", "pending", "on_hold")
SOLVED = ("solved", "closed")
CATEGORIES = (*UNSOLVED, *SOLVED)
#: Sortable columns and the direction a first click sorts them in.
SORTABLE = {
    "number": "-",
    "subject": "",
    "requester": "",
    "status": "",
    "priority": "-",
    "assignee": "",
    "team": "",
    "updated_at": "-",
    "created_at": "-",
}
DEFAULT_SORT = "-updated_at"
#: What a plugin's sort or filter name looks like (`sla_due`); `queue_render.usable` checks it.
PLUGIN_NAME = re.compile(r"[a-z][a-z0-9]*_[a-z0-9_]{1,60}")
MAX_PLUGIN_FILTERS = 5
#: Query keys that choose tickets (sort and paging only order and cut them).
FILTER_KEYS = (
    "category",
    "status",
    "priority",
    "type",
    "assignee",
    "team",
    "tag",
    "q",
    "solved_within",
)


async def _may_view_queue(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    viewer = await current_viewer(connection)  # type: ignore[arg-type]
    if viewer is None or not (viewer.can("tickets.view_all") or viewer.can("tickets.view_team")):
        raise PermissionDeniedException("You do not have permission to open the ticket queue.")


#: Staff who may see all tickets or their teams' tickets.
QUEUE_GUARDS = [requires(staff=True), _may_view_queue]


def _int(value: str | None, low: int, high: int) -> int | None:
    try:
        number = int((value or "").strip())
    except ValueError:
        return None
    return number if low <= number <= high else None


@dataclass(frozen=True)
class Filters:
    """The queue's state as it appears in the URL; every field is a query parameter."""

    category: str | None = None
    status: str | None = None
    priority: str | None = None
    type: str | None = None
    assignee: str | None = None
    team: str | None = None
    tag: str | None = None
    q: str | None = None
    solved_within: int | None = None
    #: Plugin filters by name (`filter=sla_breached`, repeatable); all of them must hold.
    filter: tuple[str, ...] = ()
    sort: str = DEFAULT_SORT
    per_page: int = PER_PAGE_CHOICES[0]
    page: int = 1

    @classmethod
    def parse(cls, query: Mapping[str, Any]) -> Filters:
        """Lenient: a bookmark with a bad value still opens, ignoring what it cannot use.

        `filter` may be a list (a repeated key) or comma-separated names.
        """
        values: dict[str, Any] = {}
        for key in ("category", "status", "priority", "type", "assignee", "team", "tag", "q"):
            text = (query.get(key) or "").strip()
            if text:
                values[key] = text[:200]
        values["solved_within"] = _int(query.get("solved_within"), 1, 366)
        raw = query.get("filter") or ()
        names = ",".join([raw] if isinstance(raw, str) else raw).split(",")
        names = [n.strip() for n in names if PLUGIN_NAME.fullmatch(n.strip())]
        values["filter"] = tuple(dict.fromkeys(names))[:MAX_PLUGIN_FILTERS]
        narrowed = bool(values["filter"]) or any(
            values.get(k) for k in FILTER_KEYS if k != "category"
        )
        if values.get("category") == "any":
            values["category"] = None if narrowed else "any"  # alone, it must stay in the URL
        elif not narrowed and "category" not in values:
            values["category"] = "unsolved"  # the queue opens on what still needs work
        sort = (query.get("sort") or "").strip()
        known = sort.lstrip("-") in SORTABLE or PLUGIN_NAME.fullmatch(sort.lstrip("-"))
        values["sort"] = sort if known else DEFAULT_SORT
        per_page = _int(query.get("per_page"), 1, 1000)
        values["per_page"] = per_page if per_page in PER_PAGE_CHOICES else PER_PAGE_CHOICES[0]
        values["page"] = _int(query.get("page"), 1, 10**6) or 1
        return cls(**values)

    @classmethod
    def from_query_string(cls, query: str) -> Filters:
        found: dict[str, Any] = {k: v[-1] for k, v in parse_qs(query.lstrip("?")).items()}
        found["filter"] = parse_qs(query.lstrip("?")).get("filter", [])
        return cls.parse(found)

    def chosen(self) -> list[tuple[str, str]]:
        """The filters as query pairs, without defaults; `[]` is the default queue."""
        pairs = [
            (f.name, str(getattr(self, f.name)))
            for f in fields(self)
            if f.name in FILTER_KEYS and getattr(self, f.name) is not None
        ]
        pairs += [("filter", name) for name in self.filter]
        return [] if pairs == [("category", "unsolved")] else pairs

    def query(self, **changes: Any) -> str:
        """The canonical query string (stable order, no defaults) with some values changed."""
        state = replace(self, **changes) if changes else self
        pairs = state.chosen()
        if state.sort != DEFAULT_SORT:
            pairs.append(("sort", state.sort))
        if state.per_page != PER_PAGE_CHOICES[0]:
            pairs.append(("per_page", str(state.per_page)))
        if state.page != 1:
            pairs.append(("page", str(state.page)))
        return urlencode(pairs)

    def url(self, **changes: Any) -> str:
        query = self.query(**changes)
        return "/tickets?" + query if query else "/tickets"

    def sort_url(self, column: str, direction: str | None = None) -> str:
        """Sort by `column`: first click in its natural direction, the next one reversed.

        `direction` is the natural one of a plugin's sort ("" or "-").
        """
        current = self.sort.lstrip("-")
        if current == column:
            sort = column if self.sort.startswith("-") else "-" + column
        else:
            sort = (SORTABLE[column] if direction is None else direction) + column
        return self.url(sort=sort, page=1)

    def filter_url(self, name: str) -> str:
        """This list with plugin filter `name` switched on or off."""
        chosen = (
            tuple(n for n in self.filter if n != name)
            if name in self.filter
            else (*self.filter, name)
        )
        return self.url(filter=chosen, page=1)

    def sort_state(self, column: str) -> str:
        """`ascending`, `descending` or `none`, for aria-sort."""
        if self.sort.lstrip("-") != column:
            return "none"
        return "descending" if self.sort.startswith("-") else "ascending"

    def same_tickets(self, other: Filters) -> bool:
        return self.chosen() == other.chosen()

    def service_filters(self, viewer: Actor, now: datetime) -> dict[str, Any]:
        """Keyword arguments for `services.tickets.list_tickets`."""
        found: dict[str, Any] = {
            "status": self.status,
            "priority": self.priority,
            "type": self.type,
            "tag": self.tag,
            "q": self.q,
            "filters": list(self.filter),
            "sort": self.sort,
            "page": self.page,
            "per_page": self.per_page,
        }
        categories: set[str] | None = None
        if self.category == "unsolved":
            categories = set(UNSOLVED)
        elif self.category not in (None, "any"):
            categories = {self.category}
        if self.solved_within:
            since = now - timedelta(days=self.solved_within)
            # Solving a ticket updates it too; updated_at is what the queue index covers.
            found.update(solved_since=since, updated_since=since)
            categories = set(SOLVED) if categories is None else categories & set(SOLVED)
        if categories is not None:
            found["status_categories"] = sorted(categories)
        if self.assignee == "me":
            found["assignee_id"] = viewer.id
        elif self.assignee == "none":
            found["unassigned"] = True
        elif self.assignee:
            found["assignee_id"] = _int(self.assignee, 1, 2**62) or -1  # unknown: matches nothing
        if self.team == "mine":
            found["team_ids"] = sorted(viewer.team_ids)
        elif self.team:
            found["team_id"] = _int(self.team, 1, 2**62) or -1
        return found


@dataclass(frozen=True)
class View:
    key: str
    label: str
    filters: Filters


def builtin_views(viewer: Actor) -> list[View]:
    """The sidebar's fixed views; "My teams" only for members of a team."""
    views = [
        View("mine", "My open tickets", Filters(assignee="me", category="unsolved")),
        View("unassigned", "Unassigned", Filters(assignee="none", category="unsolved")),
        View("teams", "My teams", Filters(team="mine", category="unsolved")),
        View("open", "All open", Filters(category="unsolved")),
        View("solved", "Solved recently", Filters(solved_within=7)),
    ]
    return [v for v in views if v.key != "teams" or viewer.team_ids]


async def choices() -> dict[str, Any]:
    """Statuses, priorities, types, teams and agents for the filter and bulk bars."""
    statuses = (
        await Status.select(Status.name, Status.label, Status.category)
        .where(
            Status.active == True  # noqa: E712
        )
        .order_by(Status.position)
    )
    priorities = (
        await Priority.select(Priority.name, Priority.label)
        .where(
            Priority.active == True  # noqa: E712
        )
        .order_by(Priority.rank)
    )
    types = (
        await TicketType.select(TicketType.name, TicketType.label)
        .where(
            TicketType.active == True  # noqa: E712
        )
        .order_by(TicketType.position)
    )
    teams = await Team.select(Team.id, Team.name).order_by(Team.name)
    agents = (
        await User.select(User.id, User.name)
        .where(
            (User.role.staff == True) & (User.active == True)  # noqa: E712
        )
        .order_by(User.name)
    )
    return {
        "statuses": statuses,
        "status_labels": {s["name"]: s["label"] for s in statuses},
        "priorities": priorities,
        "priority_labels": {p["name"]: p["label"] for p in priorities},
        "types": types,
        "all_teams": teams,
        "agents": agents,
        "categories": CATEGORIES,
        "per_page_choices": PER_PAGE_CHOICES,
    }
