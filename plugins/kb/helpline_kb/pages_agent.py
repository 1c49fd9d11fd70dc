"""Agent and portal helpers under /p/kb/: panel search, insert into a reply, draft from a ticket,
"this solved my problem", and the report."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from helpline.errors import Invalid, NotFound
from helpline.services import messages, tickets
from helpline_kb import access, activity, agent, articles, search
from helpline_kb.snippets import render
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import page

STAFF = [requires(staff=True)]
WRITERS = [requires(access.WRITE, staff=True)]


def _html(markup: Any) -> Response:
    return Response(str(markup), media_type=MediaType.HTML)


@get("/suggest/{number:int}", guards=STAFF)
async def suggest(
    helpline: HelplineDep, viewer: ViewerDep, number: FromPath[int], q: FromQuery[str] = ""
) -> Response:
    """The ticket panel's own search box; empty: suggestions from the ticket again."""
    ticket = await tickets.get_ticket(helpline, viewer, number)
    text = q[:200] if q.strip() else await agent.ticket_text(helpline, viewer, ticket)
    hits, _ = await search.search(helpline, viewer, text, any_word=not q.strip(), limit=5)
    return _html(render("_panel_hits.html", ticket=ticket, hits=hits))


@post("/insert/{number:int}/{article_id:int}", guards=STAFF, status_code=200)
async def insert(
    request: Request,
    helpline: HelplineDep,
    viewer: ViewerDep,
    number: FromPath[int],
    article_id: FromPath[int],
    mode: FromQuery[str] = "link",
) -> Response:
    """Append the article's link or text to the reply being written (an out-of-band swap of the
    composer's textarea keeps what the agent typed) and note the article as used on the ticket."""
    ticket = await tickets.get_ticket(helpline, viewer, number)
    article = await articles.get_article(helpline, viewer, article_id)
    if mode == "link":
        if article.state != "published":
            raise Invalid("mode", "Only published articles have a link customers can open.")
        addition = f"{article.title}: {helpline.settings.base_url.rstrip('/')}{article.path}"
    else:
        addition = article.body.strip()
    form = await request.form()
    typed = str(form.get("body") or "").rstrip()
    body = f"{typed}\n\n{addition}" if typed else addition
    async with helpline.transaction():
        await activity.record_usage(helpline, viewer, article.id, ticket.id, mode[:16])
    return _html(render("_inserted.html", body=body))


@post("/from-ticket/{number:int}", guards=WRITERS)
async def draft_from_ticket(helpline: HelplineDep, viewer: ViewerDep, number: FromPath[int]) -> Any:
    """A draft article from the ticket: its subject, and the team's last public reply as text."""
    ticket = await tickets.get_ticket(helpline, viewer, number)
    conversation = await messages.list_messages(helpline, viewer, number)
    staff_ids = {m.author_id for m in conversation if m.author_id != ticket.requester_id}
    replies = [m for m in conversation if m.kind == "public" and m.author_id in staff_ids]
    question = next((m.body for m in conversation if m.kind == "public"), "")
    answer = replies[-1].body if replies else "Describe the solution here."
    body = f"## Problem\n\n{question.strip()}\n\n## Solution\n\n{answer.strip()}\n"
    article = await articles.create_article(
        helpline, viewer, title=ticket.subject, body=body, source_ticket_id=ticket.id
    )
    async with helpline.transaction():
        await activity.record_usage(helpline, viewer, article.id, ticket.id, "created")
    return Redirect(f"/p/kb/articles/{article.id}/edit", status_code=303)


@post("/deflect/{article_id:int}", guards=[requires("tickets.create")], status_code=200)
async def deflect(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, article_id: FromPath[int]
) -> Response:
    """A customer found their answer in a suggested article: a request that need not be sent."""
    article = await articles.get_article(helpline, viewer, article_id)
    form = await request.form()
    async with helpline.transaction():
        await activity.record_deflection(
            helpline, viewer, article.id, str(form.get("subject") or "")
        )
    return _html(render("_deflected.html", article=article))


@get("/report", guards=STAFF)
async def report(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    if not (viewer.can(access.PUBLISH) or viewer.can("tickets.view_all")):
        raise NotFound("report")
    figures = await activity.report(helpline)
    return await page(request, "kb:report.html", figures=figures)


ROUTES = [suggest, insert, draft_from_ticket, deflect, report]
