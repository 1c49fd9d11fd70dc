"""The public help centre at `/help`: home, categories, articles, search, votes, files, sitemap.

Readable without signing in: visitors and customers see published articles; staff also internal
ones, writers drafts (all decided by `access.readable_states`). URLs carry the language.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any
from urllib.parse import quote
from xml.sax.saxutils import escape as xml_escape

from litestar import MediaType, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from helpline.blobs import read_blob
from helpline.model import Actor
from helpline_kb import access, activity, articles, categories, links, search
from helpline_web.auth import current_viewer
from helpline_web.context import helpline_of, is_htmx, page

PER_PAGE = 20
LANG_COOKIE = "kb_lang"


def pick_language(request: Request, languages: list[str]) -> str:
    """The visitor's language: their last choice here, else the browser's, else the default."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return chosen
    weighted = []
    for i, part in enumerate(request.headers.get("accept-language", "").split(",")):
        tag, _, params = part.strip().partition(";")
        try:
            q = float(params.strip()[2:]) if params.strip().startswith("q=") else 1.0
        except ValueError:
            q = 0.0
        weighted.append((-q, i, tag.split("-")[0].strip().lower()))
    for _q, _i, code in sorted(weighted):
        if code in languages:
            return code
    return languages[0]


def _language(request: Request, lang: str) -> str:
    if lang not in access.settings(helpline_of(request)).languages:
        raise NotFoundException()
    return lang


async def _render(
    request: Request, template: str, lang: str, switch: dict[str, str], **context: Any
) -> Template:
    """A help centre page; remembers the language and offers the page in the others."""
    helpline = helpline_of(request)
    viewer = await current_viewer(request)
    kb = access.settings(helpline)
    response = await page(
        request,
        template,
        lang=lang,
        languages=kb.languages,
        switch=switch,
        site_name=kb.site_name,
        base_url=helpline.settings.base_url.rstrip("/"),
        can_write=access.can_write(viewer),
        state_labels=access.STATE_LABELS,
        **context,
    )
    response.cookies.append(
        Cookie(key=LANG_COOKIE, value=lang, max_age=365 * 86400, samesite="lax", path="/help")
    )
    return response


@get("/help", include_in_schema=False)
async def help_root(request: Request) -> Redirect:
    languages = access.settings(helpline_of(request)).languages
    return Redirect(f"/help/{pick_language(request, languages)}", status_code=302)


@get("/help/{lang:str}", include_in_schema=False)
async def help_home(request: Request, lang: FromPath[str]) -> Template:
    lang = _language(request, lang)
    helpline = helpline_of(request)
    viewer = await current_viewer(request)
    roots = categories.tree(await categories.all_categories(helpline))
    recent, _ = await articles.list_articles(helpline, viewer, language=lang, limit=8)
    languages = access.settings(helpline).languages
    return await _render(
        request,
        "kb:help_home.html",
        lang,
        {code: f"/help/{code}" for code in languages},
        roots=roots,
        recent=recent,
    )


@get("/help/{lang:str}/search", include_in_schema=False)
async def help_search(
    request: Request,
    lang: FromPath[str],
    q: FromQuery[str] = "",
    page_number: Annotated[int, QueryParameter(name="page", ge=1, le=500)] = 1,
) -> Template:
    lang = _language(request, lang)
    helpline = helpline_of(request)
    viewer = await current_viewer(request)
    hits, total = await search.search(
        helpline,
        viewer,
        q[:200],
        language=lang,
        limit=PER_PAGE,
        offset=(page_number - 1) * PER_PAGE,
    )
    languages = access.settings(helpline).languages
    template = "kb:_help_results.html" if is_htmx(request) else "kb:help_search.html"
    return await _render(
        request,
        template,
        lang,
        {code: f"/help/{code}/search?q={quote(q)}" for code in languages},
        q=q,
        hits=hits,
        total=total,
        page_number=page_number,
        pages=(total + PER_PAGE - 1) // PER_PAGE,
    )


@get("/help/{lang:str}/{category:str}", include_in_schema=False)
async def help_category(request: Request, lang: FromPath[str], category: FromPath[str]) -> Any:
    lang = _language(request, lang)
    helpline = helpline_of(request)
    viewer = await current_viewer(request)
    everything = await categories.all_categories(helpline)
    categories.tree(everything)
    found = next((c for c in everything if c.slug == category), None)
    if found is None:
        raise NotFoundException()
    listed, _ = await articles.list_articles(
        helpline, viewer, language=lang, category_id=found.id, limit=200
    )
    listed.sort(key=lambda a: a.title.lower())
    parents = []
    parent_id = found.parent_id
    by_id = {c.id: c for c in everything}
    while parent_id and parent_id in by_id:
        parents.insert(0, by_id[parent_id])
        parent_id = by_id[parent_id].parent_id
    languages = access.settings(helpline).languages
    return await _render(
        request,
        "kb:help_category.html",
        lang,
        {code: f"/help/{code}/{found.slug}" for code in languages},
        category=found,
        parents=parents,
        articles=listed,
    )


async def _article(request: Request, lang: str, slug: str) -> tuple[Any, Actor | None]:
    viewer = await current_viewer(request)
    article = await articles.get_by_slug(
        helpline_of(request), viewer, _language(request, lang), slug
    )
    return article, viewer


@get("/help/{lang:str}/{category:str}/{slug:str}", include_in_schema=False)
async def help_article(
    request: Request, lang: FromPath[str], category: FromPath[str], slug: FromPath[str]
) -> Any:
    helpline = helpline_of(request)
    article, viewer = await _article(request, lang, slug)
    if request.url.path != article.path:
        return Redirect(article.path, status_code=301)  # moved to another category
    if activity.count_view(helpline, article.id):
        await activity.flush_views(helpline)
    translations = await articles.translations(helpline, viewer, article)
    languages = access.settings(helpline).languages
    switch = {code: f"/help/{code}" for code in languages}
    switch.update({t.language: t.path for t in translations})
    switch[article.language] = article.path
    category_row = None
    parents: list[Any] = []
    if article.category_id:
        everything = await categories.all_categories(helpline)
        by_id = {c.id: c for c in everything}
        category_row = by_id.get(article.category_id)
        parent_id = category_row.parent_id if category_row else None
        while parent_id and parent_id in by_id:
            parents.insert(0, by_id[parent_id])
            parent_id = by_id[parent_id].parent_id
    return await _render(
        request,
        "kb:help_article.html",
        article.language,
        switch,
        article=article,
        translations=translations,
        related=await links.related(helpline, viewer, article),
        files=[f for f in await links.attachments(helpline, article.id) if not f.is_image],
        category=category_row,
        parents=parents,
        voted=None,
    )


@post("/help/{lang:str}/{category:str}/{slug:str}/vote", include_in_schema=False, status_code=200)
async def help_vote(
    request: Request,
    lang: FromPath[str],
    category: FromPath[str],
    slug: FromPath[str],
    helpful: FromQuery[str] = "",
) -> Any:
    """One vote per visitor: signed-in people by account, anonymous visitors by session."""
    helpline = helpline_of(request)
    article, viewer = await _article(request, lang, slug)
    if viewer is not None:
        voter = f"u:{viewer.id}"
    else:
        session = dict(request.session) if isinstance(request.scope.get("session"), dict) else {}
        if "kb_voter" not in session:
            session["kb_voter"] = secrets.token_urlsafe(16)
            request.set_session(session)
        voter = f"s:{session['kb_voter']}"
    form = await request.form()
    answer = (form.get("helpful") or helpful) == "yes"
    yes, _no = await activity.vote(helpline, article.id, voter, answer)
    if is_htmx(request):
        return Template(
            "kb:_vote.html",
            context={"article": article, "voted": "yes" if answer else "no", "yes": yes},
            media_type=MediaType.HTML,
        )
    return Redirect(article.path, status_code=303)


@get("/help/files/{attachment_id:int}/{name:str}", include_in_schema=False)
async def help_file(
    request: Request, attachment_id: FromPath[int], name: FromPath[str]
) -> Response:
    helpline = helpline_of(request)
    viewer = await current_viewer(request)
    info = await links.get_attachment(helpline, viewer, attachment_id)
    data = read_blob(helpline.settings.blob_dir, info.sha256)
    disposition = "inline" if info.is_image else "attachment"
    ascii_name = info.filename.encode("ascii", "ignore").decode() or "file"
    return Response(
        data,
        media_type=info.content_type if info.is_image else "application/octet-stream",
        headers={
            "content-disposition": f'{disposition}; filename="{ascii_name}"; '
            f"filename*=UTF-8''{quote(info.filename)}",
            "x-content-type-options": "nosniff",
            "content-security-policy": "default-src 'none'; sandbox",
            "cache-control": "private, max-age=3600",
        },
    )


@get("/help/sitemap.xml", include_in_schema=False)
async def help_sitemap(request: Request) -> Response:
    """Published articles (what anonymous visitors can read) and the language home pages."""
    helpline = helpline_of(request)
    base = helpline.settings.base_url.rstrip("/")
    urls = [(f"{base}/help/{code}", None) for code in access.settings(helpline).languages]
    offset = 0
    while True:
        batch, _ = await articles.list_articles(helpline, None, limit=500, offset=offset)
        urls += [(base + a.path, a.updated_at) for a in batch]
        if len(batch) < 500:
            break
        offset += 500
    body = ['<?xml version="1.0" encoding="UTF-8"?>']
    body.append('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    for loc, changed in urls:
        lastmod = f"<lastmod>{changed:%Y-%m-%d}</lastmod>" if changed else ""
        body.append(f"<url><loc>{xml_escape(loc)}</loc>{lastmod}</url>")
    body.append("</urlset>")
    return Response("\n".join(body), media_type="application/xml")


ROUTES = [
    help_root,
    help_home,
    help_search,
    help_category,
    help_article,
    help_vote,
    help_file,
    help_sitemap,
]
