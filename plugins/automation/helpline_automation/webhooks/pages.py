"""`/p/webhooks/…`: the list, create and edit with errors by their fields, ping, log, redeliver."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from helpline.errors import Invalid
from helpline_automation.webhooks import deliveries, forms, store
from helpline_automation.webhooks.specs import DELIVERY_STATUSES, EVENTS
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import flash
from helpline_web.pages.admin import admin_page, form_error

MANAGE = [requires(store.MANAGE, staff=True)]
CURRENT = "webhooks"


async def _render(request: Request, template: str, status_code: int = 200, **context: Any) -> Any:
    return await admin_page(
        request, template, CURRENT, status_code=status_code, events=EVENTS, **context
    )


@get("/", guards=MANAGE)
async def webhook_list(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    return await _render(
        request, "webhooks:list.html", subscriptions=await store.subscriptions(helpline)
    )


@get("/new", guards=MANAGE)
async def webhook_new(request: Request, viewer: ViewerDep) -> Any:
    return await _render(
        request, "webhooks:edit.html", subscription=None, values=forms.NEW, errors={}
    )


async def _log_context(
    request: Request, helpline: Any, viewer: Any, subscription_id: int
) -> dict[str, Any]:
    status = request.query_params.get("status") or None
    status = status if status in DELIVERY_STATUSES else None
    try:
        page = max(1, int(request.query_params.get("page") or 1))
    except ValueError:
        page = 1
    items, total = await deliveries.list_deliveries(
        helpline, viewer, subscription_id, status=status, page=page
    )
    return {
        "deliveries": items,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // deliveries.PER_PAGE)),
        "status": status,
        "statuses": DELIVERY_STATUSES,
    }


@get("/{subscription_id:int}", guards=MANAGE)
async def webhook_detail(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, subscription_id: FromPath[int]
) -> Any:
    spec = await store.get(helpline, subscription_id)
    return await _render(
        request,
        "webhooks:edit.html",
        subscription=spec,
        values=forms.from_spec(spec),
        errors={},
        **await _log_context(request, helpline, viewer, subscription_id),
    )


@get("/{subscription_id:int}/log", guards=MANAGE)
async def webhook_log(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, subscription_id: FromPath[int]
) -> Template:
    """The delivery log alone, for htmx refreshes and paging."""
    spec = await store.get(helpline, subscription_id)
    context = await _log_context(request, helpline, viewer, subscription_id)
    return Template("webhooks:_log.html", context={"subscription": spec, **context})


async def _save(request: Request, helpline: Any, viewer: Any, subscription_id: int | None) -> Any:
    form = await request.form()
    spec = await store.get(helpline, subscription_id) if subscription_id else None
    try:
        data = forms.to_input(form)
        if subscription_id is None:
            spec = await store.create(helpline, viewer, data)
            flash(request, f"Webhook {spec.name!r} created.", "success")
        else:
            spec = await store.update(helpline, viewer, subscription_id, data)
            flash(request, f"Webhook {spec.name!r} saved.", "success")
    except Invalid as exc:
        context = {}
        if spec is not None:
            context = await _log_context(request, helpline, viewer, spec.id)
        return await _render(
            request,
            "webhooks:edit.html",
            status_code=422,
            subscription=spec,
            values=forms.values(form, has_secret=bool(spec and spec.has_secret)),
            errors=form_error(exc),
            **context,
        )
    return Redirect(f"/p/webhooks/{spec.id}", status_code=303)


@post("/", guards=MANAGE)
async def webhook_create(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    return await _save(request, helpline, viewer, None)


@post("/{subscription_id:int}", guards=MANAGE)
async def webhook_update(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, subscription_id: FromPath[int]
) -> Any:
    return await _save(request, helpline, viewer, subscription_id)


def _back(subscription_id: int) -> Redirect:
    return Redirect(f"/p/webhooks/{subscription_id}", status_code=303)


@post("/{subscription_id:int}/ping", guards=MANAGE)
async def webhook_ping(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, subscription_id: FromPath[int]
) -> Redirect:
    try:
        await deliveries.ping(helpline, viewer, subscription_id)
        flash(request, "Test ping queued; it shows in the delivery log below.", "success")
    except Invalid as exc:
        flash(request, exc.message[:1].upper() + exc.message[1:] + ".", "error")
    return _back(subscription_id)


@post("/{subscription_id:int}/enable", guards=MANAGE)
async def webhook_enable(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, subscription_id: FromPath[int]
) -> Redirect:
    spec = await store.set_active(helpline, viewer, subscription_id, True)
    flash(request, f"Webhook {spec.name!r} is on again; its failure count starts over.", "success")
    return _back(subscription_id)


@post("/{subscription_id:int}/disable", guards=MANAGE)
async def webhook_disable(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, subscription_id: FromPath[int]
) -> Redirect:
    spec = await store.set_active(helpline, viewer, subscription_id, False)
    flash(request, f"Webhook {spec.name!r} is switched off.", "success")
    return _back(subscription_id)


@post("/{subscription_id:int}/delete", guards=MANAGE)
async def webhook_delete(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, subscription_id: FromPath[int]
) -> Redirect:
    spec = await store.get(helpline, subscription_id)
    await store.delete(helpline, viewer, subscription_id)
    flash(request, f"Webhook {spec.name!r} and its delivery log were deleted.", "success")
    return Redirect("/p/webhooks/", status_code=303)


@get("/deliveries/{delivery_id:int}", guards=MANAGE)
async def delivery_detail(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, delivery_id: FromPath[int]
) -> Any:
    detail = await deliveries.get_delivery(helpline, viewer, delivery_id)
    spec = await store.get(helpline, detail.subscription_id)
    return await _render(request, "webhooks:delivery.html", delivery=detail, subscription=spec)


@post("/deliveries/{delivery_id:int}/redeliver", guards=MANAGE)
async def delivery_redeliver(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, delivery_id: FromPath[int]
) -> Redirect:
    try:
        await deliveries.redeliver(helpline, viewer, delivery_id)
        flash(request, "Redelivery queued.", "success")
    except Invalid as exc:
        flash(request, exc.message[:1].upper() + exc.message[1:] + ".", "error")
    return Redirect(f"/p/webhooks/deliveries/{delivery_id}", status_code=303)


ROUTES = [
    webhook_list,
    webhook_new,
    webhook_detail,
    webhook_log,
    webhook_create,
    webhook_update,
    webhook_ping,
    webhook_enable,
    webhook_disable,
    webhook_delete,
    delivery_detail,
    delivery_redeliver,
]
