"""Inline edits of a ticket's fields and subject, with optimistic locking made visible."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar import Request, post
from litestar.params import FromPath
from litestar.response import Redirect

from helpline.errors import Conflict, Forbidden, Invalid
from helpline.model import Actor, Ticket
from helpline.runtime import Helpline
from helpline.services import history, tickets
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import flash, is_htmx, page
from helpline_web.pages import ticket_view as view

STAFF = [requires(staff=True)]
#: Panel field → keyword of `services.tickets.update_ticket`.
SERVICE_FIELDS = {
    "subject": "subject",
    "status": "status",
    "priority": "priority",
    "type": "type",
    "assignee": "assignee_id",
    "team": "team_id",
    "tags": "tags",
}


@dataclass
class Outcome:
    """What became of a submitted edit, for the templates."""

    ticket: Ticket
    status_code: int = 200
    values: dict[str, str] = field(default_factory=dict)
    was: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    conflict: dict[str, Any] | None = None
    saved: bool = False


def _normal(name: str, value: str | None) -> Any:
    """A comparable form of a field's text: tags are a set, the rest trimmed text."""
    value = (value or "").strip()
    if name == "tags":
        return sorted({t.strip().lower().replace(" ", "-") for t in value.split(",") if t.strip()})
    return value


def _service_value(name: str, value: str) -> Any:
    value = value.strip()
    if name in ("assignee", "team"):
        if not value:
            return None
        if not value.isdigit():
            raise Invalid(name, "choose one from the list")
        return int(value)
    if name == "tags":
        return [t for t in value.split(",") if t.strip()]
    if name == "subject":
        return " ".join(value.split())  # no line breaks in a subject
    return value


def _current_values(ticket: Ticket) -> dict[str, str]:
    return {**view.form_values(ticket), "subject": ticket.subject}


def _show(name: str, value: str, labels: dict[str, dict[str, str]]) -> str:
    if not value.strip():
        return {"assignee": "unassigned", "team": "no team", "tags": "no tags"}.get(name, "empty")
    if name == "tags":
        return ", ".join(_normal("tags", value))
    return labels.get(name, {}).get(value, value)


async def _others_changes(
    ticket: Ticket, was: dict[str, str], labels: dict[str, dict[str, str]]
) -> list[dict[str, str]]:
    """Fields that differ from what the agent saw, each with who changed it last."""
    current = _current_values(ticket)
    events = await history.events(ticket.id)
    changed = [
        n for n in SERVICE_FIELDS if n in was and _normal(n, was[n]) != _normal(n, current[n])
    ]
    names = await view.users_by_id({e.actor_id for e in events if e.field in changed})
    found = []
    for name in changed:
        last = next((e for e in reversed(events) if e.field == name), None)
        by = "Helpline"
        if last is not None and last.actor_id in names:
            by = names[last.actor_id]["name"]
        found.append(
            {
                "label": view.LABELS[name].lower(),
                "old": _show(name, was[name], labels),
                "new": _show(name, current[name], labels),
                "by": by,
            }
        )
    return found


async def apply_edit(
    request: Request, helpline: Helpline, viewer: Actor, number: int, names: tuple[str, ...]
) -> Outcome:
    """Save the fields the agent changed (those differing from `was_<field>`) at their version."""
    form = await request.form()
    submitted = {n: form.get(n) or "" for n in names if n in form}
    was = {n: form.get(f"was_{n}") or "" for n in submitted}
    raw_version = (form.get("version") or "").strip()
    version = int(raw_version) if raw_version.isdigit() else None
    mine = {n: v for n, v in submitted.items() if _normal(n, v) != _normal(n, was[n])}
    ticket = await tickets.get_ticket(helpline, viewer, number)
    if not mine:
        return Outcome(ticket, values=_current_values(ticket), was=_current_values(ticket))
    if version is None:
        # A form without a version (no JavaScript): refuse only when the same field moved.
        current = _current_values(ticket)
        stale = any(_normal(n, was[n]) != _normal(n, current[n]) for n in mine)
        version = -1 if stale else ticket.version
    try:
        changes = {SERVICE_FIELDS[n]: _service_value(n, v) for n, v in mine.items()}
        updated = await tickets.update_ticket(helpline, viewer, number, version=version, **changes)
    except Conflict:
        current = await tickets.get_ticket(helpline, viewer, number)
        labels = view.labeller(await view.choices())
        values = _current_values(current)
        conflict = {
            "others": await _others_changes(current, was, labels),
            "mine": [
                {"label": view.LABELS[n].lower(), "new": _show(n, v, labels)}
                for n, v in mine.items()
            ],
            "reapply": mine,
            "reapply_was": {n: values[n] for n in mine},
            "version": current.version,
        }
        return Outcome(current, 409, values=values, was=dict(values), conflict=conflict)
    except (Invalid, Forbidden) as exc:
        name = (exc.field or "").removesuffix("_id")
        message = exc.message if isinstance(exc, Invalid) else str(exc)
        values = {**_current_values(ticket), **submitted}
        outcome = Outcome(ticket, 422 if isinstance(exc, Invalid) else 403, values=values, was=was)
        if name in submitted:
            outcome.errors[name] = message
        else:
            outcome.error = message
        return outcome
    return Outcome(
        updated, values=_current_values(updated), was=_current_values(updated), saved=True
    )


async def _panel_context(viewer: Actor, outcome: Outcome) -> dict[str, Any]:
    return await view.fields_context(
        viewer,
        outcome.ticket,
        values={**view.form_values(outcome.ticket), **outcome.values},
        was={**view.form_values(outcome.ticket), **outcome.was},
        errors=outcome.errors,
        error=outcome.error,
        conflict=outcome.conflict,
        saved=outcome.saved,
    )


async def _history_context(viewer: Actor, ticket: Ticket) -> dict[str, Any]:
    labels = view.labeller(await view.choices())
    return {"history": await view.history_items(ticket, labels), "local": view.local_time(viewer)}


def _subject_context(outcome: Outcome) -> dict[str, Any]:
    return {
        "ticket": outcome.ticket,
        "subject_value": outcome.values.get("subject", outcome.ticket.subject),
        "was_subject": outcome.was.get("subject", outcome.ticket.subject),
        "subject_error": outcome.errors.get("subject") or outcome.error,
        "subject_conflict": outcome.conflict,
        "subject_saved": outcome.saved,
    }


async def _full_page(
    request: Request, helpline: Helpline, viewer: Actor, outcome: Outcome, where: str
) -> Any:
    """Without htmx: the whole page again, showing the outcome where the edit was made."""
    if outcome.status_code == 200:
        if outcome.saved:
            flash(request, "Saved.", "success")
        return Redirect(f"/tickets/{outcome.ticket.number}", status_code=303)
    context = await view.ticket_context(helpline, viewer, outcome.ticket)
    if where == "subject":
        context.update(_subject_context(outcome))
    else:
        context.update(await _panel_context(viewer, outcome))
    return await page(request, "ticket/page.html", status_code=outcome.status_code, **context)


@post("/tickets/{number:int}/fields", guards=STAFF, status_code=200)
async def save_fields(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, number: FromPath[int]
) -> Any:
    """Change status, priority, type, assignee, team or tags; answers with the fields panel."""
    outcome = await apply_edit(request, helpline, viewer, number, view.FIELDS)
    if not is_htmx(request):
        return await _full_page(request, helpline, viewer, outcome, "fields")
    context = await _panel_context(viewer, outcome)
    if outcome.saved:
        context.update(await _history_context(viewer, outcome.ticket))
    return view.fragment(
        "ticket/_fields_response.html", context, outcome.status_code, target="#ticket-fields"
    )


@post("/tickets/{number:int}/subject", guards=STAFF, status_code=200)
async def save_subject(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, number: FromPath[int]
) -> Any:
    """Rename the ticket; answers with the subject, and refreshes the panel's version."""
    outcome = await apply_edit(request, helpline, viewer, number, ("subject",))
    if not is_htmx(request):
        return await _full_page(request, helpline, viewer, outcome, "subject")
    context = _subject_context(outcome)
    if outcome.saved:
        context.update(await view.fields_context(viewer, outcome.ticket))
        context.update(await _history_context(viewer, outcome.ticket))
    return view.fragment(
        "ticket/_subject_response.html", context, outcome.status_code, target="#ticket-subject"
    )


ROUTES = [save_fields, save_subject]
