"""Revisions of an article under /p/kb/articles/<id>/revisions: the list, a diff, restore."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from helpline_kb import access, articles, revisions
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import flash, page

WRITERS = [requires(access.WRITE, staff=True)]


@get("/articles/{article_id:int}/revisions", guards=WRITERS)
async def revision_list(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, article_id: FromPath[int]
) -> Template:
    article = await articles.get_article(helpline, viewer, article_id)
    return await page(
        request,
        "kb:revisions.html",
        article=article,
        revisions=await revisions.list_revisions(helpline, viewer, article_id),
    )


@get("/articles/{article_id:int}/revisions/{number:int}", guards=WRITERS)
async def revision_diff(
    request: Request,
    helpline: HelplineDep,
    viewer: ViewerDep,
    article_id: FromPath[int],
    number: FromPath[int],
) -> Template:
    """What revision `number` changed compared with the one before it."""
    article = await articles.get_article(helpline, viewer, article_id)
    revision = await revisions.get_revision(helpline, viewer, article_id, number)
    previous = (
        await revisions.get_revision(helpline, viewer, article_id, number - 1)
        if number > 1
        else None
    )
    return await page(
        request,
        "kb:revision.html",
        article=article,
        revision=revision,
        previous=previous,
        lines=revisions.diff(previous, revision),
        latest=max(r.number for r in await revisions.list_revisions(helpline, viewer, article_id)),
    )


@post("/articles/{article_id:int}/revisions/{number:int}/restore", guards=WRITERS)
async def restore_revision(
    request: Request,
    helpline: HelplineDep,
    viewer: ViewerDep,
    article_id: FromPath[int],
    number: FromPath[int],
) -> Any:
    await revisions.restore(helpline, viewer, article_id, number)
    flash(request, f"Revision {number} restored as the current text.", "success")
    return Redirect(f"/p/kb/articles/{article_id}", status_code=303)


ROUTES = [revision_list, revision_diff, restore_revision]
