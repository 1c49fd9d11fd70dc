"""Admin: the quarantine (reprocess, download the original) and the outbound queue (retry)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from litestar import Request, Response, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from helpline import jobs
from helpline.blobs import read_blob
from helpline.errors import Invalid, NotFound
from helpline.services import audit
from helpline_email.ingest import reprocess
from helpline_email.settings import email_settings
from helpline_email.tables import Inbound, Outbound
from helpline_email.web.common import MANAGE, email_admin_page
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep
from helpline_web.context import flash

INBOUND_VIEWS = {
    "quarantined": "Quarantined",
    "stuck": "Stored, not processed",
    "ignored": "Ignored",
    "all": "Everything received",
}
OUTBOUND_STATUSES = ("queued", "sent", "failed", "suppressed")
LIMIT = 100
Status = Annotated[str, QueryParameter(name="status")]


@get("/quarantine", guards=MANAGE)
async def quarantine(
    request: Request, helpline: HelplineDep, status: Status = "quarantined"
) -> Template:
    view = status if status in INBOUND_VIEWS else "quarantined"
    query = Inbound.select(
        Inbound.all_columns(),
        Inbound.mailbox.address.as_alias("mailbox_address"),
        Inbound.ticket.number.as_alias("number"),
    )
    if view == "stuck":
        query = query.where(
            (Inbound.status == "received")
            & (Inbound.received_at < helpline.now() - timedelta(minutes=5))
        )
    elif view != "all":
        query = query.where(Inbound.status == view)
    rows = await query.order_by(Inbound.id, ascending=False).limit(LIMIT)
    counts = {
        v: await Inbound.count().where(Inbound.status == v) for v in ("quarantined", "ignored")
    }
    return await email_admin_page(
        request,
        "email:quarantine.html",
        title="Mail quarantine",
        rows=rows,
        view=view,
        views=INBOUND_VIEWS,
        counts=counts,
    )


@post("/inbound/{inbound_id:int}/reprocess", guards=MANAGE, status_code=303)
async def reprocess_inbound(
    request: Request, viewer: ViewerDep, helpline: HelplineDep, inbound_id: FromPath[int]
) -> Redirect:
    try:
        result = await reprocess(helpline, inbound_id)
    except Invalid as exc:
        flash(request, exc.message, "error")
        return Redirect("/p/email/quarantine", status_code=303)
    await audit.record(
        helpline, viewer, "email.reprocessed", f"inbound {inbound_id}", {"action": result.action}
    )
    where = f" on #{result.ticket}" if result.ticket is not None else ""
    flash(
        request,
        f"Message {inbound_id}: {result.action}{where}. {result.reason}",
        "error" if result.action == "quarantined" else "success",
    )
    return Redirect("/p/email/quarantine", status_code=303)


@get("/inbound/{inbound_id:int}/raw", guards=MANAGE)
async def raw_inbound(helpline: HelplineDep, inbound_id: FromPath[int]) -> Response[bytes]:
    row = await Inbound.select(Inbound.sha256).where(Inbound.id == inbound_id).first()
    if row is None:
        raise NotFound(f"inbound message {inbound_id} not found")
    return Response(
        read_blob(helpline.settings.blob_dir, row["sha256"]),
        media_type="message/rfc822",
        headers={
            "Content-Disposition": f'attachment; filename="inbound-{inbound_id}.eml"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@get("/outbound", guards=MANAGE)
async def outbound(request: Request, status: Status = "") -> Template:
    query = Outbound.select(
        Outbound.id, Outbound.kind, Outbound.recipient, Outbound.subject, Outbound.status,
        Outbound.attempts,
        Outbound.last_error, Outbound.created_at, Outbound.sent_at, Outbound.automatic,
        Outbound.ticket.number.as_alias("number"),
    )  # fmt: skip
    if status in OUTBOUND_STATUSES:
        query = query.where(Outbound.status == status)
    rows = await query.order_by(Outbound.id, ascending=False).limit(LIMIT)
    counts = {s: await Outbound.count().where(Outbound.status == s) for s in OUTBOUND_STATUSES}
    return await email_admin_page(
        request,
        "email:outbound.html",
        title="Outbound mail",
        rows=rows,
        counts=counts,
        status=status,
        statuses=OUTBOUND_STATUSES,
    )


@post("/outbound/{outbound_id:int}/retry", guards=MANAGE, status_code=303)
async def retry_outbound(
    request: Request, viewer: ViewerDep, helpline: HelplineDep, outbound_id: FromPath[int]
) -> Redirect:
    async with helpline.transaction():
        row = (
            await Outbound.select(Outbound.id, Outbound.status)
            .where(Outbound.id == outbound_id)
            .first()
        )
        if row is None:
            raise NotFound(f"outbound mail {outbound_id} not found")
        if row["status"] not in ("failed", "suppressed"):
            flash(
                request,
                f"Mail {outbound_id} is {row['status']}; "
                "only failed or suppressed mail is sent again.",
                "error",
            )
            return Redirect("/p/email/outbound", status_code=303)
        job = await jobs.enqueue(
            helpline,
            "email.send",
            {"outbound": outbound_id},
            max_attempts=email_settings(helpline).send_attempts,
        )
        await Outbound.update(
            {
                Outbound.status: "queued",
                Outbound.attempts: 0,
                Outbound.last_error: None,
                Outbound.job_id: job,
            }
        ).where(Outbound.id == outbound_id)
        await audit.record(helpline, viewer, "email.outbound_retried", f"outbound {outbound_id}")
    flash(request, f"Mail {outbound_id} is queued again.", "success")
    return Redirect("/p/email/outbound", status_code=303)


ROUTES = [quarantine, reprocess_inbound, raw_inbound, outbound, retry_outbound]
