"""Bulk actions on the queue: each selected ticket changes through the services on its own."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, post
from litestar.response import Redirect

from helpline.errors import Conflict, Forbidden, HelplineError, Invalid, NotFound
from helpline.model import Actor
from helpline.runtime import Helpline
from helpline.services import tickets
from helpline_web.auth import ViewerDep
from helpline_web.context import flash, helpline_of, is_htmx
from helpline_web.pages.queue_common import QUEUE_GUARDS, Filters, choices
from helpline_web.pages.queue_render import render_list, render_queue

ACTIONS = {
    "assign": "Assign",
    "status": "Set status",
    "priority": "Set priority",
    "tag": "Add tag",
    "merge": "Merge into",
}
MAX_TICKETS = 200
_NUMBER = re.compile(r"#?(\d{1,18})")


def _numbers(values: list[str]) -> list[int]:
    numbers: list[int] = []
    for value in values:
        match = _NUMBER.fullmatch(str(value).strip())
        if match and int(match.group(1)) not in numbers:
            numbers.append(int(match.group(1)))
    return numbers


async def _check(
    helpline: Helpline, viewer: Actor, action: str, form: dict[str, str], numbers: list[int]
) -> tuple[Any, dict[str, str]]:
    """The value the action applies, or errors keyed by the form field they belong to."""
    errors: dict[str, str] = {}
    if action not in ACTIONS:
        return None, {"action": "Choose what to do with the selected tickets."}
    known = await choices()
    value: Any = None
    if action == "assign":
        choice = form.get("assignee", "")
        if choice == "me":
            value = viewer.id
        elif choice == "none":
            value = None
        elif choice.isdigit() and int(choice) in {a["id"] for a in known["agents"]}:
            value = int(choice)
        else:
            errors["assignee"] = "Choose an agent, yourself, or nobody."
    elif action in ("status", "priority"):
        value = form.get(action, "")
        if value not in {
            row["name"] for row in known["statuses" if action == "status" else "priorities"]
        }:
            errors[action] = f"Choose a {action}."
    elif action == "tag":
        value = " ".join(form.get("tag", "").split())
        if not value or len(value) > 64:
            errors["tag"] = "Type a tag of 1 to 64 characters."
    elif action == "merge":
        match = _NUMBER.fullmatch(form.get("target", "").strip())
        if match is None:
            errors["target"] = "Type the number of the ticket to merge into."
        else:
            value = int(match.group(1))
            try:
                await tickets.get_ticket(helpline, viewer, value)
            except NotFound:
                errors["target"] = f"There is no ticket #{value} that you can see."
            if numbers and set(numbers) <= {value}:
                errors["ticket"] = "Select tickets other than the one they merge into."
    return value, errors


def _reason(exc: HelplineError) -> str:
    if isinstance(exc, NotFound):
        return "not found"
    if isinstance(exc, Invalid):
        return exc.message
    if isinstance(exc, Conflict):
        return "changed by someone else"
    if isinstance(exc, Forbidden):
        return str(exc)
    return str(exc) or type(exc).__name__


async def _apply(helpline: Helpline, viewer: Actor, action: str, number: int, value: Any) -> None:
    # version=None on purpose: a bulk change acts on each ticket as it is now.
    if action == "assign":
        await tickets.update_ticket(helpline, viewer, number, version=None, assignee_id=value)
    elif action == "status":
        await tickets.update_ticket(helpline, viewer, number, version=None, status=value)
    elif action == "priority":
        await tickets.update_ticket(helpline, viewer, number, version=None, priority=value)
    elif action == "tag":
        await tickets.add_tags(helpline, viewer, number, [value])
    elif action == "merge":
        await tickets.merge_tickets(helpline, viewer, number, value)


def summary(updated: int, failures: list[tuple[int, str]]) -> str:
    """`3 updated, 1 failed: #12 (not found)`."""
    text = f"{updated} updated"
    if failures:
        text += f", {len(failures)} failed: " + ", ".join(f"#{n} ({why})" for n, why in failures)
    return text


@post("/tickets/bulk", name="queue-bulk", guards=QUEUE_GUARDS, status_code=200)
async def bulk_update(request: Request, viewer: ViewerDep) -> Any:
    helpline = helpline_of(request)
    form = await request.form()
    filters = Filters.from_query_string(str(form.get("back") or ""))
    fields = {
        k: str(form.get(k) or "")
        for k in ("action", "assignee", "status", "priority", "tag", "target")
    }
    chosen = form.getall("page_ticket" if form.get("all_on_page") else "ticket", [])
    numbers = _numbers(chosen)[:MAX_TICKETS]
    action = fields["action"]
    value, errors = await _check(helpline, viewer, action, fields, numbers)
    if not numbers:
        errors["ticket"] = "Select at least one ticket."
    if errors:
        extra = {"errors": errors, "bulk": fields, "selected": set(numbers)}
        if is_htmx(request):
            return await render_list(request, viewer, filters, status_code=422, push=False, **extra)
        return await render_queue(request, viewer, filters, status_code=422, **extra)

    updated, failures = 0, []
    for number in numbers:
        if action == "merge" and number == value:
            continue  # the target stays; the others merge into it
        try:
            await _apply(helpline, viewer, action, number, value)
        except HelplineError as exc:
            failures.append((number, _reason(exc)))
        else:
            updated += 1
    message = summary(updated, failures)
    kind = "warning" if failures else "success"
    if is_htmx(request):
        notice = {"kind": kind, "message": message}
        return await render_list(
            request,
            viewer,
            filters,
            push=False,
            notice=notice,
            headers={"HX-Trigger": "queue-changed"},
        )
    flash(request, message, kind)
    return Redirect(filters.url(), status_code=303)


ROUTES = [bulk_update]
