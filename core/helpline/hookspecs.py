"""Every hook a Helpline plugin can implement.

Names say what comes back: `register_*` hooks return things for a registry, past-tense hooks are
events called inside the transaction of the change, verbs marked `firstresult` are decisions one
plugin makes, UI slots return plain data for the web shell. Lifecycle, UI slot, event and
decision implementations may return a value, an awaitable or a callable; the host resolves all
three. Registration hooks are called synchronously while the host builds its registries, so they
return plain values. A `firstresult` implementation that does not claim the call returns None
synchronously (a coroutine that resolves to None has already claimed it).

docs/hooks.md documents each hook; tests/contract checks that every hook there has a section and
a `test_hook_<name>` test.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    import click

    from helpline.model import Actor, Message, NotificationAttachment, Ticket
    from helpline.registry import Permission, RoleSpec, StatusSpec, ValueSpec
    from helpline.runtime import Helpline
    from helpline.services.ticket_lists import TicketFilter, TicketSort

hookspec = pluggy.HookspecMarker("helpline")

#: Arguments added to a hook after hook API 1.0, with the value `Helpline.hook`/`hook_first` pass
#: when a caller written before the addition leaves them out (docs/compatibility.md). So old
#: callers keep working, and implementations may ask for the new argument all the same.
ADDED_ARGUMENTS: dict[str, dict[str, Any]] = {
    "deliver_notification": {"attachments": ()},  # hook API 1.1
}


# ---------------------------------------------------------------------------------------------
# Registration: called synchronously when a registry is built; what they return is attributed
# to the plugin (e.g. `helpline.permissions[code].plugin`).
# ---------------------------------------------------------------------------------------------


@hookspec
def register_permissions() -> list[Permission]:
    """Permission codes this plugin checks; each appears in the admin's role editor."""


@hookspec
def register_roles() -> list[RoleSpec]:
    """Roles to create on `init`/`migrate` when missing; admins may edit them afterwards."""


@hookspec
def register_statuses() -> list[StatusSpec]:
    """Ticket statuses to create when missing, each in a category (new, open, pending, …)."""


@hookspec
def register_priorities() -> list[ValueSpec]:
    """Ticket priorities to create when missing; `position` is the rank, lowest first."""


@hookspec
def register_ticket_types() -> list[ValueSpec]:
    """Ticket types to create when missing."""


@hookspec
def register_routes(helpline: Helpline) -> list[Any]:
    """Litestar route handlers or controllers, mounted under `/p/<plugin name>/`."""


@hookspec
def register_api_routes(helpline: Helpline) -> list[Any]:
    """Litestar route handlers under `/api/v1/<plugin name>/`, behind the API's bearer tokens."""


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add click commands or groups to the `helpline` command line."""


@hookspec
def register_job_handlers() -> dict[str, Any]:
    """Map job kinds to `async def handler(helpline, payload)`; kinds are `<plugin>.<name>`.

    Jobs are queued with `helpline.jobs.enqueue`; a handler that raises is retried with backoff.
    """


@hookspec
def register_settings() -> type | None:
    """A msgspec Struct type for this plugin's `[plugin.<name>]` settings, validated at start."""


@hookspec
def register_ticket_list_options() -> list[TicketSort | TicketFilter]:
    """Sort orders and filters for ticket lists (queue, saved views, `GET /api/v1/tickets`).

    Each `helpline.services.ticket_lists.TicketSort`/`TicketFilter` is a fixed SQL fragment about
    the ticket row `"ticket"` with bound `params`; names start with `<plugin>_`. Called on every
    list, so a disabled plugin's options disappear with it.
    """


# ---------------------------------------------------------------------------------------------
# Lifecycle
# ---------------------------------------------------------------------------------------------


@hookspec
def helpline_started(helpline: Helpline) -> None:
    """The runtime is connected and its registries are built; start background work here."""


@hookspec
def plugin_enabled(helpline: Helpline, plugin: str) -> None:
    """An admin switched the plugin named `plugin` back on at run time; catch up on what it missed.

    Called after the switch is stored (inside the caller's transaction, if any) on every enabled
    plugin, `plugin` itself included; queue slow work as a job.
    """


@hookspec
def demo_data(helpline: Helpline, seed: int, first_number: int, last_number: int) -> None:
    """`helpline demo` committed tickets #first_number..#last_number: add the plugin's demo."""


# ---------------------------------------------------------------------------------------------
# UI slots: plain data the web shell renders. `url`s of plugin pages start with `/p/<plugin>/`.
# ---------------------------------------------------------------------------------------------


@hookspec
def menu_links(helpline: Helpline, actor: Actor) -> list[dict[str, Any]]:
    """Top menu entries for this viewer: `[{"label": str, "url": str}]`."""


@hookspec
def ticket_panels(helpline: Helpline, ticket: Ticket, actor: Actor) -> list[dict[str, Any]]:
    """Side panels on the agent's ticket page: `[{"title": str, "html": Markup or str}]`."""


@hookspec
def ticket_actions(helpline: Helpline, ticket: Ticket, actor: Actor) -> list[dict[str, Any]]:
    """Buttons on the ticket page: `[{"label": str, "url": str}]`; the button POSTs to `url`."""


@hookspec
def dashboard_widgets(helpline: Helpline, actor: Actor) -> list[dict[str, Any]]:
    """Widgets on the agent dashboard: `[{"title": str, "html": Markup or str}]`."""


@hookspec
def settings_pages(helpline: Helpline, actor: Actor) -> list[dict[str, Any]]:
    """Links in the admin area for this plugin's settings: `[{"label": str, "url": str}]`."""


@hookspec
def ticket_badges(helpline: Helpline, tickets: list[Ticket], actor: Actor) -> dict[int, Any]:
    """Badges beside a page of tickets in the agent's queue: `{ticket id: Markup or str}`."""


@hookspec
def ticket_api_fields(
    helpline: Helpline, tickets: list[Ticket], actor: Actor
) -> dict[int, dict[str, Any]]:
    """Extra top-level fields of tickets in the REST API: `{ticket id: {name: JSON value}}`."""


# ---------------------------------------------------------------------------------------------
# Events: called inside the transaction of the change, so what a plugin writes commits or rolls
# back with it. Slow or external work belongs in a job (`helpline.jobs.enqueue`).
# ---------------------------------------------------------------------------------------------


@hookspec
def ticket_created(helpline: Helpline, ticket: Ticket, actor: Actor | None) -> None:
    """A ticket was created (its first message is already stored)."""


@hookspec
def ticket_updated(
    helpline: Helpline, ticket: Ticket, actor: Actor | None, changes: dict[str, tuple[Any, Any]]
) -> None:
    """Fields of a ticket changed; `changes` maps each field to `(old, new)`."""


@hookspec
def message_added(
    helpline: Helpline, ticket: Ticket, message: Message, actor: Actor | None
) -> None:
    """A public reply or an internal note was added (not the first message, nor system notes)."""


@hookspec
def ticket_merged(helpline: Helpline, source: Ticket, target: Ticket, actor: Actor | None) -> None:
    """`source` was merged into `target` and closed."""


@hookspec
def user_created(helpline: Helpline, user: Actor) -> None:
    """An agent or customer account was created."""


# ---------------------------------------------------------------------------------------------
# Decisions: the first plugin to answer wins.
# ---------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def deliver_notification(
    helpline: Helpline,
    recipient: Actor,
    subject: str,
    body: str,
    ticket: Ticket | None,
    attachments: Sequence[NotificationAttachment],
) -> bool | None:
    """Deliver a notification to a person through a channel (email, chat…); True when taken.

    :param attachments: files to send along (hook API 1.1; empty when the caller names none).
    """


@hookspec(firstresult=True)
def route_ticket(helpline: Helpline, ticket: Ticket) -> dict[str, Any] | None:
    """Choose `{"assignee": user id, "team": team id, "reason": str}` for a new ticket, or None."""


# ---------------------------------------------------------------------------------------------
# SLA events: announced by the SLA plugin inside the transaction of its timer, so that other
# plugins (email, automation, reports) can react without importing it.
# ---------------------------------------------------------------------------------------------


@hookspec
def sla_warning(helpline: Helpline, ticket: Ticket, target: str, due_at: datetime) -> None:
    """An SLA target (`first_response`, `resolution`, …) of `ticket` falls due soon, at `due_at`."""


@hookspec
def sla_breached(helpline: Helpline, ticket: Ticket, target: str, due_at: datetime) -> None:
    """An SLA target of `ticket` was not met by `due_at`."""


@hookspec
def sla_escalated(
    helpline: Helpline, ticket: Ticket, target: str, level: int, actions: list[dict[str, Any]]
) -> None:
    """A breached SLA target reached escalation `level`; `actions` are what the policy does now."""


# ---------------------------------------------------------------------------------------------
# Survey events: announced by a survey plugin inside the transaction that stores the answer.
# ---------------------------------------------------------------------------------------------


@hookspec
def survey_answered(
    helpline: Helpline,
    ticket: Ticket | None,
    customer: Actor,
    kind: str,
    score: int | None,
    comment: str,
    answers: dict[str, Any],
) -> None:
    """`customer` answered (or changed) a survey of `kind` (`csat`, `nps`, custom) with `score`."""


# ---------------------------------------------------------------------------------------------
# Public pages and portal suggestions: added with the knowledge base plugin, open to any plugin
# (a community forum or a status page needs clean public URLs and may suggest answers too).
# ---------------------------------------------------------------------------------------------


@hookspec
def register_root_routes(helpline: Helpline) -> list[Any]:
    """Litestar route handlers mounted at the site root (e.g. `/help/…`) for clean public URLs.

    Gated on the plugin being enabled like `register_routes`; paths must not collide with the
    core's or another plugin's (the app refuses to start when two handlers claim one path).
    """


@hookspec
def portal_request_suggestions(
    helpline: Helpline, actor: Actor, subject: str, body: str
) -> list[dict[str, Any]]:
    """Shown under the portal's new-request form as the customer types: `[{"title", "html"}]`."""


# ---------------------------------------------------------------------------------------------
# Every staff page: added with the phone plugin (its incoming-call popup), open to any plugin
# that shows something live wherever an agent is (a chat request, a colleague's page).
# ---------------------------------------------------------------------------------------------


@hookspec
def page_footers(helpline: Helpline, actor: Actor) -> list[Any]:
    """HTML added at the end of every full page for a signed-in viewer: `[Markup or str]`."""


# ---------------------------------------------------------------------------------------------
# The customer's request page in the portal: added with the surveys plugin (rate this request),
# open to any plugin that shows a customer something about their own ticket.
# ---------------------------------------------------------------------------------------------


@hookspec
def portal_ticket_panels(helpline: Helpline, ticket: Ticket, actor: Actor) -> list[dict[str, Any]]:
    """Panels `[{"title", "html"}]` on the portal page of `ticket`, which `actor` may see."""
