"""Admin: notification templates — edit, preview with sample data, reset to the default."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from helpline.errors import Invalid
from helpline.services import audit
from helpline_email import mail_templates
from helpline_email.tables import MailTemplate
from helpline_email.web.common import MANAGE, FormData, email_admin_page, form_error
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep
from helpline_web.context import flash


@get("/templates", guards=MANAGE)
async def list_templates(request: Request) -> Template:
    changed = {r["name"] for r in await MailTemplate.select(MailTemplate.name)}
    items = [
        {"name": n, "label": d["label"], "changed": n in changed}
        for n, d in mail_templates.DEFAULTS.items()
    ]
    return await email_admin_page(
        request, "email:templates.html", title="Mail templates", items=items
    )


async def _form(
    request: Request, name: str, values: dict, errors: dict, status_code: int = 200
) -> Template:
    preview = None
    if not errors:
        subject, text, _ = mail_templates.render(
            values, {**mail_templates.sample_context(), "template_name": name}
        )
        preview = {"subject": subject, "text": text}
    return await email_admin_page(
        request,
        "email:template.html",
        status_code=status_code,
        title="Mail template",
        name=name,
        label=mail_templates.DEFAULTS[name]["label"],
        values=values,
        errors=errors,
        preview=preview,
        variables=sorted(mail_templates.sample_context()),
    )


def _known(name: str) -> str:
    if name not in mail_templates.DEFAULTS:
        raise NotFoundException()
    return name


@get("/templates/{name:str}", guards=MANAGE)
async def edit_template(request: Request, name: FromPath[str]) -> Template:
    return await _form(request, _known(name), await mail_templates.load(name), {})


@post("/templates/{name:str}", guards=MANAGE, status_code=200)
async def save_template(
    request: Request, viewer: ViewerDep, helpline: HelplineDep, name: FromPath[str], data: FormData
) -> Template | Redirect:
    _known(name)
    values = {"subject": data.get("subject", ""), "body": data.get("body", "")}
    try:
        async with helpline.transaction():
            await mail_templates.save(helpline, name, values["subject"], values["body"])
            await audit.record(helpline, viewer, "email.template_saved", name)
    except Invalid as exc:
        return await _form(request, name, values, form_error(exc), 400)
    flash(request, "Template saved.", "success")
    return Redirect(f"/p/email/templates/{name}", status_code=303)


@post("/templates/{name:str}/reset", guards=MANAGE, status_code=303)
async def reset_template(
    request: Request, viewer: ViewerDep, helpline: HelplineDep, name: FromPath[str]
) -> Redirect:
    _known(name)
    async with helpline.transaction():
        await mail_templates.reset(name)
        await audit.record(helpline, viewer, "email.template_reset", name)
    flash(request, "Template reset to the default.", "success")
    return Redirect(f"/p/email/templates/{name}", status_code=303)


ROUTES = [list_templates, edit_template, save_template, reset_template]
