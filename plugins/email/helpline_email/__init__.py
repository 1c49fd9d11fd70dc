"""Email channel: mailboxes, ingestion, threading, loops and bounces, outbound mail.

The hooks here are thin; each concern lives in its own module (see README.md). Lifecycle, UI
slot and event hooks return a callable the host resolves (`functools.partial` of the async
work), so no coroutine is created when an earlier plugin's hook fails and the call is abandoned.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from helpline import hookimpl
from helpline.registry import Permission
from helpline_email.settings import EmailSettings

#: Hook API versions this plugin supports (docs/compatibility.md): 1.1 brought attachments.
helpline_api = ">=1.1,<2"


@hookimpl
def register_permissions() -> list[Permission]:
    return [
        Permission(
            "email.manage",
            "Manage email",
            "Mailboxes, the quarantine, the outbound queue and notification templates.",
        )
    ]


@hookimpl
def register_settings() -> type:
    return EmailSettings


@hookimpl
def register_job_handlers() -> dict[str, Any]:
    from helpline_email.fetching import fetch_job
    from helpline_email.smtp import send_job

    return {"email.send": send_job, "email.fetch": fetch_job}


@hookimpl
def register_commands(cli: Any) -> None:
    from helpline_email.cli import mail

    cli.add_command(mail)


@hookimpl
def register_routes(helpline: Any) -> list[Any]:
    from helpline_email.web import ROUTES

    return ROUTES


@hookimpl
def helpline_started(helpline: Any) -> Any:
    from helpline_email.fetching import schedule_fetch

    return partial(schedule_fetch, helpline, only_if_missing=True)


@hookimpl
def settings_pages(actor: Any) -> list[dict[str, Any]]:
    if not actor.can("email.manage"):
        return []
    return [
        {"label": "Mailboxes", "url": "/p/email/mailboxes"},
        {"label": "Mail quarantine", "url": "/p/email/quarantine"},
        {"label": "Outbound mail", "url": "/p/email/outbound"},
        {"label": "Mail templates", "url": "/p/email/templates"},
    ]


@hookimpl
def ticket_panels(helpline: Any, ticket: Any, actor: Any) -> Any:
    from helpline_email.panel import email_panel

    return partial(email_panel, helpline, ticket, actor)


@hookimpl
def ticket_created(helpline: Any, ticket: Any, actor: Any) -> Any:
    from helpline_email.events import on_ticket_created

    return partial(on_ticket_created, helpline, ticket, actor)


@hookimpl
def message_added(helpline: Any, ticket: Any, message: Any, actor: Any) -> Any:
    from helpline_email.events import on_message_added

    return partial(on_message_added, helpline, ticket, message, actor)


@hookimpl
def ticket_updated(helpline: Any, ticket: Any, actor: Any, changes: Any) -> Any:
    from helpline_email.events import on_ticket_updated

    return partial(on_ticket_updated, helpline, ticket, actor, changes)


@hookimpl(trylast=True)
def deliver_notification(
    helpline: Any, recipient: Any, subject: str, body: str, ticket: Any, attachments: Any
) -> Any:
    # The channel of last resort: it answers only when mail can go out at all (decided
    # synchronously, so another channel still gets the call when it cannot).
    if not helpline.settings.smtp_url or not recipient.email:
        return None
    from helpline_email.events import notify

    return notify(helpline, recipient, subject, body, ticket, attachments)


@hookimpl(optionalhook=True)
def report_dimensions(helpline: Any) -> dict[str, dict[str, Any]]:
    """Every report can be filtered and grouped by mailbox (when the reports plugin is there)."""
    from helpline_email.reports_mailbox import dimensions

    return dimensions()
