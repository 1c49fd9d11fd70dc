"""`/api/v1/kb/articles`: list, search (`q`), get, create and update, as the token's owner may."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter

from helpline_kb import access, articles, search
from helpline_web.api.auth import ActorDep, HelplineDep

TAGS = ["kb"]


class ArticleOut(msgspec.Struct):
    id: int
    language: str
    title: str
    slug: str
    url: str
    state: str
    category: str | None
    tags: list[str]
    description: str
    body: str
    body_html: str
    translation_group: int
    helpful_yes: int
    helpful_no: int
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    version: int


class ArticleHit(msgspec.Struct):
    id: int
    language: str
    title: str
    url: str
    state: str
    snippet: str


class ArticlePage(msgspec.Struct):
    items: list[ArticleOut]
    total: int
    page: int
    per_page: int


class SearchPage(msgspec.Struct):
    items: list[ArticleHit]
    total: int
    page: int
    per_page: int


class ArticleIn(msgspec.Struct, forbid_unknown_fields=True):
    title: str
    body: str
    language: str | None = None
    category_id: int | None = None
    slug: str = ""
    description: str = ""
    tags: list[str] = []
    state: str = "draft"
    translation_of: int | None = None


class ArticlePatch(msgspec.Struct, forbid_unknown_fields=True):
    version: int
    title: str | msgspec.UnsetType = msgspec.UNSET
    body: str | msgspec.UnsetType = msgspec.UNSET
    language: str | msgspec.UnsetType = msgspec.UNSET
    category_id: int | msgspec.UnsetType | None = msgspec.UNSET
    slug: str | msgspec.UnsetType = msgspec.UNSET
    description: str | msgspec.UnsetType = msgspec.UNSET
    tags: list[str] | msgspec.UnsetType = msgspec.UNSET
    state: str | msgspec.UnsetType = msgspec.UNSET
    note: str = ""


def _out(helpline: Any, a: articles.Article) -> ArticleOut:
    return ArticleOut(
        id=a.id,
        language=a.language,
        title=a.title,
        slug=a.slug,
        url=helpline.settings.base_url.rstrip("/") + a.path,
        state=a.state,
        category=a.category_slug,
        tags=a.tags,
        description=a.description,
        body=a.body,
        body_html=a.body_html,
        translation_group=a.group_id,
        helpful_yes=a.helpful_yes,
        helpful_no=a.helpful_no,
        created_at=a.created_at,
        updated_at=a.updated_at,
        published_at=a.published_at,
        version=a.version,
    )


@get("/articles", tags=TAGS)
async def list_articles(
    helpline: HelplineDep,
    actor: ActorDep,
    language: Annotated[str | None, QueryParameter()] = None,
    state_filter: Annotated[str | None, QueryParameter(name="state")] = None,
    page: Annotated[int, QueryParameter(ge=1, le=10000)] = 1,
    per_page: Annotated[int, QueryParameter(ge=1, le=100)] = 25,
) -> ArticlePage:
    """Articles the caller may read (customers: published only), newest change first."""
    found, total = await articles.list_articles(
        helpline,
        actor,
        language=language,
        state=state_filter if state_filter in access.STATES else None,
        limit=per_page,
        offset=(page - 1) * per_page,
    )
    return ArticlePage([_out(helpline, a) for a in found], total, page, per_page)


@get("/articles/search", tags=TAGS)
async def search_articles(
    helpline: HelplineDep,
    actor: ActorDep,
    q: Annotated[str, QueryParameter(min_length=1, max_length=200)],
    language: Annotated[str | None, QueryParameter()] = None,
    page: Annotated[int, QueryParameter(ge=1, le=1000)] = 1,
    per_page: Annotated[int, QueryParameter(ge=1, le=50)] = 10,
) -> SearchPage:
    """Full-text search, best match first; `snippet` is HTML with <mark> around matches."""
    hits, total = await search.search(
        helpline, actor, q, language=language, limit=per_page, offset=(page - 1) * per_page
    )
    base = helpline.settings.base_url.rstrip("/")
    items = [
        ArticleHit(h.id, h.language, h.title, base + h.path, h.state, str(h.snippet)) for h in hits
    ]
    return SearchPage(items, total, page, per_page)


@get("/articles/{article_id:int}", tags=TAGS)
async def get_article(
    helpline: HelplineDep, actor: ActorDep, article_id: FromPath[int]
) -> ArticleOut:
    """One article; 404 when it does not exist or the caller may not read it."""
    return _out(helpline, await articles.get_article(helpline, actor, article_id))


@post("/articles", tags=TAGS, status_code=201)
async def create_article(
    helpline: HelplineDep, actor: ActorDep, data: JSONBody[ArticleIn]
) -> ArticleOut:
    """Create an article (kb.write); publishing states need kb.publish."""
    values = msgspec.structs.asdict(data)
    article = await articles.create_article(helpline, actor, **values)
    return _out(helpline, article)


@patch("/articles/{article_id:int}", tags=TAGS)
async def update_article(
    helpline: HelplineDep, actor: ActorDep, article_id: FromPath[int], data: JSONBody[ArticlePatch]
) -> ArticleOut:
    """Change fields of an article (kb.write); `version` must be the current one (else 409)."""
    changes = {
        k: v
        for k, v in msgspec.structs.asdict(data).items()
        if v is not msgspec.UNSET and k not in ("version", "note")
    }
    article = await articles.update_article(
        helpline, actor, article_id, version=data.version, note=data.note, **changes
    )
    return _out(helpline, article)


ROUTES = [list_articles, search_articles, get_article, create_article, update_article]
