"""Notification templates: defaults in code, admins' versions in the database, sandboxed."""

from __future__ import annotations

import logging
from typing import Any

from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment

from helpline.errors import Invalid
from helpline.runtime import Helpline
from helpline.text import text_to_html
from helpline_email.tables import MailTemplate

log = logging.getLogger("helpline.email")

DEFAULTS: dict[str, dict[str, str]] = {
    "new_ticket": {
        "label": "New ticket acknowledgement (to the requester)",
        "subject": "We received your request: {{ ticket.subject }}",
        "body": (
            "Hello {{ requester.name }},\n\n"
            "Thank you for writing. Your request has the number {{ ticket.number }}; "
            "we will answer as soon as we can.\n\n"
            "You can add to it by replying to this email, or follow it at {{ ticket.url }}\n\n"
            "{{ mailbox.name }}"
        ),
    },
    "agent_reply": {
        "label": "Agent reply (to the requester and followers)",
        "subject": "Re: {{ ticket.subject }}",
        "body": (
            "{{ message.body }}\n\n--\n{{ agent.name }}, {{ mailbox.name }}\n"
            "Your request: {{ ticket.url }}"
        ),
    },
    "assigned": {
        "label": "Ticket assigned to you (to the agent)",
        "subject": "Assigned to you: {{ ticket.subject }}",
        "body": (
            "Hello {{ agent.name }},\n\n"
            "Ticket #{{ ticket.number }} from {{ requester.name }} <{{ requester.email }}> "
            "is now assigned to you.\n\n{{ ticket.agent_url }}"
        ),
    },
    "customer_replied": {
        "label": "Customer replied (to the assigned agent)",
        "subject": "{{ requester.name }} replied: {{ ticket.subject }}",
        "body": (
            "{{ requester.name }} wrote on #{{ ticket.number }}:\n\n{{ message.body }}\n\n"
            "{{ ticket.agent_url }}"
        ),
    },
    "notification": {
        "label": "Other notifications (password reset links, surveys)",
        "subject": "{{ subject }}",
        "body": "{{ body }}",
    },
}
#: Stands in for the message body when the HTML part is made, then is replaced by its HTML.
_BODY_TOKEN = "HELPLINEMESSAGEBODYTOKEN"
_env = SandboxedEnvironment(autoescape=False, keep_trailing_newline=False)


async def load(name: str) -> dict[str, str]:
    """The template in use: the admin's version, else the default."""
    row = (
        await MailTemplate.select(MailTemplate.subject, MailTemplate.body)
        .where(MailTemplate.name == name)
        .first()
    )
    base = DEFAULTS[name]
    return (
        {"subject": row["subject"], "body": row["body"]}
        if row
        else {"subject": base["subject"], "body": base["body"]}
    )


def check(subject: str, body: str) -> None:
    """Invalid(field) when a template does not compile or fails on sample data."""
    for field, source in (("subject", subject), ("body", body)):
        try:
            _env.from_string(source).render(**sample_context())
        except TemplateError as exc:
            raise Invalid(field, f"template error: {exc}") from exc
        except Exception as exc:  # the sandbox refuses attribute access with SecurityError etc.
            raise Invalid(field, f"template error: {type(exc).__name__}: {exc}") from exc


async def save(helpline: Helpline, name: str, subject: str, body: str) -> None:
    if name not in DEFAULTS:
        raise Invalid("name", f"unknown template {name!r}")
    subject, body = subject.strip(), body.strip()
    if not subject:
        raise Invalid("subject", "must not be empty")
    check(subject, body)
    if await MailTemplate.exists().where(MailTemplate.name == name):
        await MailTemplate.update(
            {
                MailTemplate.subject: subject,
                MailTemplate.body: body,
                MailTemplate.updated_at: helpline.now(),
            }
        ).where(MailTemplate.name == name)
    else:
        await MailTemplate.insert(
            MailTemplate(name=name, subject=subject, body=body, updated_at=helpline.now())
        )


async def reset(name: str) -> None:
    await MailTemplate.delete().where(MailTemplate.name == name)


def render(
    template: dict[str, str], context: dict[str, Any], message_html: str | None = None
) -> tuple[str, str, str]:
    """(subject, plain text, HTML fragment); the default template is used if the admin's fails."""
    try:
        return _render(template, context, message_html)
    except Exception:
        log.exception("email: a notification template failed; using the default")
        name = context.get("template_name", "notification")
        return _render(DEFAULTS.get(name, DEFAULTS["notification"]), context, message_html)


def _render(
    template: dict[str, str], context: dict[str, Any], message_html: str | None
) -> tuple[str, str, str]:
    subject = " ".join(_env.from_string(template["subject"]).render(**context).split())[:400]
    text = _env.from_string(template["body"]).render(**context).strip()
    if message_html is None:
        return subject, text, text_to_html(text)
    message = dict(context.get("message") or {}, body=_BODY_TOKEN)
    skeleton = text_to_html(
        _env.from_string(template["body"]).render(**{**context, "message": message})
    )
    html = skeleton.replace(f"<p>{_BODY_TOKEN}</p>", message_html).replace(
        _BODY_TOKEN, message_html
    )
    return subject, text, html


def sample_context() -> dict[str, Any]:
    """Data to preview and check templates with."""
    return {
        "ticket": {
            "number": 1234,
            "subject": "The printer on floor 2 is jammed",
            "status": "open",
            "priority": "normal",
            "url": "https://help.example.com/portal/requests/1234",
            "agent_url": "https://help.example.com/tickets/1234",
        },
        "requester": {"name": "Robin Customer", "email": "robin@example.com"},
        "agent": {"name": "Ada Agent", "email": "ada@example.com"},
        "message": {"body": "Thanks, we sent a technician."},
        "mailbox": {"name": "Support", "address": "support@example.com"},
        "subject": "A notification",
        "body": "Its text.",
    }
