"""The staff side under /p/kb/: the article list, an article's page, the editor, files, related
articles and categories. Guards check the codes; the services check them again."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from helpline.errors import Conflict, Forbidden, Invalid
from helpline.model import Actor
from helpline_kb import access, activity, articles, categories, links, search
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import flash, page

STAFF = [requires(staff=True)]
WRITERS = [requires(access.WRITE, staff=True)]
CATEGORY_MANAGERS = [requires(access.MANAGE_CATEGORIES, staff=True)]
FIELDS = ("title", "language", "category_id", "slug", "description", "tags", "state", "body")
PER_PAGE = 30


def _int(value: Any) -> int | None:
    value = str(value or "").strip()
    return int(value) if value.isdigit() else None


async def _editor(
    request: Request,
    helpline: Any,
    viewer: Actor,
    values: dict[str, Any],
    errors: dict[str, str],
    article: Any = None,
    status_code: int = 200,
) -> Template:
    return await page(
        request,
        "kb:edit.html",
        status_code=status_code,
        values=values,
        errors=errors,
        article=article,
        categories=categories.flat(categories.tree(await categories.all_categories(helpline))),
        languages=access.settings(helpline).languages,
        states=access.STATES,
        state_labels=access.STATE_LABELS,
        can_publish=access.can_publish(viewer),
    )


def _error(exc: Exception) -> dict[str, str]:
    if isinstance(exc, Invalid):
        return {exc.field: exc.message}
    if isinstance(exc, Forbidden):
        return {exc.field or "form": str(exc)}
    return {"form": str(exc)}


@get("/", guards=STAFF)
async def article_list(
    request: Request,
    helpline: HelplineDep,
    viewer: ViewerDep,
    q: FromQuery[str] = "",
    state_filter: Annotated[str, QueryParameter(name="state")] = "",
    language: FromQuery[str] = "",
    page_number: Annotated[int, QueryParameter(name="page", ge=1, le=1000)] = 1,
) -> Template:
    state = state_filter if state_filter in access.readable_states(viewer) else ""
    language = language if language in access.settings(helpline).languages else ""
    offset = (page_number - 1) * PER_PAGE
    hits: list[Any] = []
    if q.strip():
        hits, total = await search.search(
            helpline, viewer, q[:200], language=language or None, limit=PER_PAGE, offset=offset
        )
        if state:
            hits = [h for h in hits if h.state == state]
        found: list[Any] = []
    else:
        found, total = await articles.list_articles(
            helpline,
            viewer,
            language=language or None,
            state=state or None,
            limit=PER_PAGE,
            offset=offset,
        )
    return await page(
        request,
        "kb:list.html",
        q=q,
        state=state,
        language=language,
        hits=hits,
        articles=found,
        total=total,
        page_number=page_number,
        pages=(total + PER_PAGE - 1) // PER_PAGE,
        states=access.readable_states(viewer),
        state_labels=access.STATE_LABELS,
        languages=access.settings(helpline).languages,
        can_write=access.can_write(viewer),
        can_manage_categories=access.can_manage_categories(viewer),
    )


@get("/articles/new", guards=WRITERS)
async def new_article(
    request: Request,
    helpline: HelplineDep,
    viewer: ViewerDep,
    translation_of: FromQuery[int | None] = None,
    language: FromQuery[str] = "",
) -> Template:
    values: dict[str, Any] = {f: "" for f in FIELDS}
    values["state"] = "draft"
    values["language"] = language or access.settings(helpline).languages[0]
    if translation_of is not None:
        original = await articles.get_article(helpline, viewer, translation_of)
        values.update(title=original.title, body=original.body, category_id=original.category_id)
        values["translation_of"] = original.id
    return await _editor(request, helpline, viewer, values, {})


def _values(form: Any) -> dict[str, Any]:
    values = {f: str(form.get(f) or "") for f in FIELDS}
    values["category_id"] = _int(values["category_id"])
    return values


@post("/articles/new", guards=WRITERS)
async def create_article(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    form = await request.form()
    values = _values(form)
    values["translation_of"] = _int(form.get("translation_of"))
    if not access.can_publish(viewer):
        values["state"] = "draft"
    try:
        article = await articles.create_article(helpline, viewer, **values)
    except (Invalid, Forbidden) as exc:
        return await _editor(request, helpline, viewer, values, _error(exc), status_code=400)
    flash(request, "Article saved.", "success")
    return Redirect(f"/p/kb/articles/{article.id}", status_code=303)


@get("/articles/{article_id:int}", guards=STAFF)
async def show_article(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, article_id: FromPath[int]
) -> Template:
    article = await articles.get_article(helpline, viewer, article_id)
    translations = await articles.translations(helpline, viewer, article)
    languages = access.settings(helpline).languages
    have = {article.language, *(t.language for t in translations)}
    return await page(
        request,
        "kb:article.html",
        article=article,
        translations=translations,
        missing_languages=[code for code in languages if code not in have],
        related=await links.related(helpline, viewer, article),
        files=await links.attachments(helpline, article.id),
        views=(await activity.views(helpline, [article.id])).get(article.id, 0),
        state_labels=access.STATE_LABELS,
        can_write=access.can_write(viewer),
        errors={},
    )


@get("/articles/{article_id:int}/edit", guards=WRITERS)
async def edit_article(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, article_id: FromPath[int]
) -> Template:
    article = await articles.get_article(helpline, viewer, article_id)
    values = {f: getattr(article, f) for f in FIELDS}
    values["tags"] = ", ".join(article.tags)
    return await _editor(request, helpline, viewer, values, {}, article)


@post("/articles/{article_id:int}/edit", guards=WRITERS)
async def save_article(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, article_id: FromPath[int]
) -> Any:
    article = await articles.get_article(helpline, viewer, article_id)
    form = await request.form()
    values = _values(form)
    if not access.can_publish(viewer):
        values["state"] = article.state
    try:
        await articles.update_article(
            helpline,
            viewer,
            article_id,
            version=_int(form.get("version")) or 0,
            note=str(form.get("note") or ""),
            **values,
        )
    except (Invalid, Forbidden, Conflict) as exc:
        return await _editor(
            request, helpline, viewer, values, _error(exc), article, status_code=409
            if isinstance(exc, Conflict) else 400
        )  # fmt: skip
    flash(request, "Article saved.", "success")
    return Redirect(f"/p/kb/articles/{article_id}", status_code=303)


@post("/articles/{article_id:int}/files", guards=WRITERS, request_max_body_size=64 * 1024 * 1024)
async def upload_file(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, article_id: FromPath[int]
) -> Any:
    form = await request.form()
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise Invalid("file", "Choose a file to upload.")
        data = await upload.read()
        info = await links.add_attachment(
            helpline, viewer, article_id, upload.filename, upload.content_type or "", data
        )
    except Invalid as exc:
        flash(request, exc.message, "error")
        return Redirect(f"/p/kb/articles/{article_id}", status_code=303)
    markdown = (
        f"![{info.filename}]({info.url})" if info.is_image else f"[{info.filename}]({info.url})"
    )
    flash(request, f"Uploaded. Add it to the text with {markdown}", "success")
    return Redirect(f"/p/kb/articles/{article_id}", status_code=303)


@post("/articles/{article_id:int}/related", guards=WRITERS)
async def save_related(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, article_id: FromPath[int]
) -> Any:
    form = await request.form()
    wanted = [n for v in str(form.get("related") or "").replace(",", " ").split() if (n := _int(v))]
    try:
        await links.set_related(helpline, viewer, article_id, wanted)
        flash(request, "Related articles saved.", "success")
    except Exception as exc:  # NotFound for an id the viewer cannot read
        flash(request, f"Could not save related articles: {exc}", "error")
    return Redirect(f"/p/kb/articles/{article_id}", status_code=303)


@get("/categories", guards=CATEGORY_MANAGERS)
async def category_list(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Template:
    return await _categories(request, helpline, {}, {})


async def _categories(
    request: Request, helpline: Any, values: dict, errors: dict, status_code: int = 200
) -> Template:
    return await page(
        request,
        "kb:categories.html",
        status_code=status_code,
        categories=categories.flat(categories.tree(await categories.all_categories(helpline))),
        values=values,
        errors=errors,
    )


@post("/categories", guards=CATEGORY_MANAGERS)
async def save_category(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    form = await request.form()
    values = {
        "name": str(form.get("name") or ""),
        "slug": str(form.get("slug") or ""),
        "description": str(form.get("description") or ""),
        "parent_id": _int(form.get("parent_id")),
        "position": _int(form.get("position")) or 0,
        "category_id": _int(form.get("category_id")),
    }
    try:
        await categories.save_category(helpline, viewer, **values)
    except Invalid as exc:
        return await _categories(request, helpline, values, _error(exc), status_code=400)
    flash(request, "Category saved.", "success")
    return Redirect("/p/kb/categories", status_code=303)


ROUTES = [
    article_list,
    new_article,
    create_article,
    show_article,
    edit_article,
    save_article,
    upload_file,
    save_related,
    category_list,
    save_category,
]
