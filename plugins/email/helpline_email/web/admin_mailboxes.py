"""Admin: mailboxes — addresses, where their tickets go, how mail arrives; test a connection."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from helpline.errors import Invalid
from helpline.services import audit
from helpline.tables import Priority, Team
from helpline_email import mailboxes
from helpline_email.web.common import MANAGE, FormData, email_admin_page, form_error
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep
from helpline_web.context import flash, is_htmx

#: Fields of the form, as the admin typed them (the password is never shown again).
FIELDS = (
    "address", "name", "team", "priority", "tags", "method", "imap_host", "imap_port",
    "imap_security", "imap_verify", "imap_user", "imap_folder", "imap_after", "imap_move_to",
    "closed_reply", "smtp_url", "acknowledge", "active",
)  # fmt: skip


async def _choices() -> dict[str, Any]:
    return {
        "teams": await Team.select(Team.id, Team.name).order_by(Team.name),
        "priorities": await Priority.select(Priority.name, Priority.label)
        .where(Priority.active == True)  # noqa: E712
        .order_by(Priority.rank),
        "methods": mailboxes.METHODS,
        "securities": mailboxes.SECURITY,
        "afters": mailboxes.AFTER,
        "closed_replies": mailboxes.CLOSED_REPLY,
    }


NEW_MAILBOX = {
    "method": "pipe",
    "imap_port": 993,
    "imap_security": "tls",
    "imap_verify": True,
    "imap_folder": "INBOX",
    "imap_after": "seen",
    "closed_reply": "reopen",
    "acknowledge": True,
    "active": True,
}


def _values(row: dict[str, Any] | None) -> dict[str, Any]:
    if row is None:
        return dict(NEW_MAILBOX)
    values = {k: row.get(k) for k in FIELDS}
    values["team"] = row.get("team") or ""
    values["has_password"] = bool(row.get("imap_password"))
    return values


@get("/mailboxes", guards=MANAGE)
async def list_mailboxes(request: Request, helpline: HelplineDep) -> Template:
    rows = await mailboxes.list_mailboxes(helpline)
    teams = {t["id"]: t["name"] for t in await Team.select(Team.id, Team.name)}
    return await email_admin_page(
        request, "email:mailboxes.html", title="Mailboxes", mailboxes=rows, teams=teams
    )


async def _form(
    request: Request,
    mailbox_id: int | None,
    values: dict,
    errors: dict,
    status_code: int = 200,
    **extra: Any,
) -> Template:
    return await email_admin_page(
        request,
        "email:mailbox.html",
        status_code=status_code,
        title="Mailbox",
        mailbox_id=mailbox_id,
        values=values,
        errors=errors,
        **await _choices(),
        **extra,
    )


@get("/mailboxes/new", guards=MANAGE)
async def new_mailbox(request: Request) -> Template:
    return await _form(request, None, _values(None), {})


@get("/mailboxes/{mailbox_id:int}", guards=MANAGE)
async def edit_mailbox(request: Request, mailbox_id: FromPath[int]) -> Template:
    row = await mailboxes.get_mailbox(mailbox_id)
    return await _form(request, mailbox_id, _values(row), {}, row=row)


async def _save(
    request: Request, viewer: Any, helpline: Any, mailbox_id: int | None
) -> Template | Redirect:
    form = await request.form()
    typed = {k: form.get(k, "") for k in FIELDS}
    try:
        values = mailboxes.clean_values({**typed, "imap_password": form.get("imap_password", "")})
        async with helpline.transaction():
            saved = await mailboxes.save_mailbox(helpline, values, mailbox_id)
            await audit.record(
                helpline,
                viewer,
                "email.mailbox_saved",
                values["address"],
                {k: v for k, v in values.items() if k != "imap_password"},
            )
    except Invalid as exc:
        row = await mailboxes.get_mailbox(mailbox_id) if mailbox_id else None
        typed["has_password"] = bool(row and row["imap_password"])
        return await _form(request, mailbox_id, typed, form_error(exc), 400, row=row)
    if values["method"] == "imap" and values["active"]:
        from helpline_email.fetching import schedule_fetch

        await schedule_fetch(helpline, only_if_missing=True)
    flash(request, f"Mailbox {values['address']} saved.", "success")
    return Redirect(f"/p/email/mailboxes/{saved}", status_code=303)


@post("/mailboxes/new", guards=MANAGE, status_code=200)
async def create_mailbox(
    request: Request, viewer: ViewerDep, helpline: HelplineDep
) -> Template | Redirect:
    return await _save(request, viewer, helpline, None)


@post("/mailboxes/{mailbox_id:int}", guards=MANAGE, status_code=200)
async def update_mailbox(
    request: Request, viewer: ViewerDep, helpline: HelplineDep, mailbox_id: FromPath[int]
) -> Template | Redirect:
    await mailboxes.get_mailbox(mailbox_id)
    return await _save(request, viewer, helpline, mailbox_id)


@post("/mailboxes/{mailbox_id:int}/default", guards=MANAGE, status_code=303)
async def default_mailbox(
    request: Request, viewer: ViewerDep, helpline: HelplineDep, mailbox_id: FromPath[int]
) -> Redirect:
    async with helpline.transaction():
        await mailboxes.make_default(mailbox_id)
        row = await mailboxes.get_mailbox(mailbox_id)
        await audit.record(helpline, viewer, "email.mailbox_default", row["address"])
    flash(request, f"{row['address']} is now the default mailbox.", "success")
    return Redirect("/p/email/mailboxes", status_code=303)


async def connection_checks(helpline: Any, row: dict[str, Any]) -> list[dict[str, Any]]:
    """Try the mailbox's IMAP login and its outbound SMTP server; what each said."""
    from helpline_email.imap import check_login
    from helpline_email.smtp import check_connection

    checks = []
    if row["method"] == "imap":
        try:
            checks.append(
                {"name": "IMAP", "ok": True, "detail": await asyncio.to_thread(check_login, row)}
            )
        except Exception as exc:
            checks.append({"name": "IMAP", "ok": False, "detail": f"{type(exc).__name__}: {exc}"})
    url = row["smtp_url"] or helpline.settings.smtp_url
    if not url:
        checks.append(
            {
                "name": "SMTP",
                "ok": False,
                "detail": "no outbound server: set HELPLINE_SMTP_URL or this mailbox's SMTP URL",
            }
        )
    else:
        try:
            checks.append({"name": "SMTP", "ok": True, "detail": await check_connection(url)})
        except Exception as exc:
            checks.append({"name": "SMTP", "ok": False, "detail": f"{type(exc).__name__}: {exc}"})
    return checks


@post("/mailboxes/{mailbox_id:int}/test", guards=MANAGE, status_code=200)
async def test_connection(
    request: Request, helpline: HelplineDep, mailbox_id: FromPath[int]
) -> Template:
    row = await mailboxes.get_mailbox(mailbox_id)
    checks = await connection_checks(helpline, row)
    if is_htmx(request):
        return Template(template_name="email:_checks.html", context={"checks": checks})
    return await _form(request, mailbox_id, _values(row), {}, row=row, checks=checks)


@post("/mailboxes/{mailbox_id:int}/fetch", guards=MANAGE, status_code=303)
async def fetch_now(request: Request, helpline: HelplineDep, mailbox_id: FromPath[int]) -> Redirect:
    from helpline_email.fetching import fetch_mailbox

    row = await mailboxes.get_mailbox(mailbox_id)
    if row["method"] != "imap":
        flash(request, "Only IMAP mailboxes are fetched.", "error")
    else:
        report = await fetch_mailbox(helpline, row)
        done = f"Fetched {len(report.results)} message{'s' if len(report.results) != 1 else ''}."
        flash(
            request,
            done + (f" Error: {report.error}" if report.error else ""),
            "error" if report.error else "success",
        )
    return Redirect(f"/p/email/mailboxes/{mailbox_id}", status_code=303)


ROUTES = [
    list_mailboxes,
    new_mailbox,
    edit_mailbox,
    create_mailbox,
    update_mailbox,
    default_mailbox,
    test_connection,
    fetch_now,
]
__all__ = ["ROUTES", "FormData"]
