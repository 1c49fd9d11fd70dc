"""Articles: create, read (through the visibility rule), update with revisions, translations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from helpline import db
from helpline.errors import Conflict, Forbidden, Invalid, NotFound
from helpline.model import Actor
from helpline_kb import access, render

EDITABLE = ("title", "body", "language", "category_id", "slug", "description", "tags", "state")
COLUMNS = (
    "a.id, a.group_id, a.language, a.category_id, a.slug, a.title, a.body, a.body_html, "
    "a.body_text, a.description, a.tags, a.state, a.author_id, a.source_ticket_id, "
    "a.helpful_yes, a.helpful_no, a.created_at, a.updated_at, a.published_at, a.version, "
    "c.slug AS category_slug, c.name AS category_name"
)
FROM = "FROM kb_article a LEFT JOIN kb_category c ON c.id = a.category_id"


class Article(msgspec.Struct, kw_only=True):
    id: int
    group_id: int
    language: str
    category_id: int | None
    category_slug: str | None
    category_name: str | None
    slug: str
    title: str
    body: str
    body_html: str
    body_text: str
    description: str
    tags: list[str]
    state: str
    author_id: int | None
    source_ticket_id: int | None
    helpful_yes: int
    helpful_no: int
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    version: int

    @property
    def path(self) -> str:
        """The article's clean public URL."""
        return f"/help/{self.language}/{self.category_slug or 'articles'}/{self.slug}"

    @property
    def summary(self) -> str:
        return self.description or render.excerpt(self.body_text)


def to_article(row: dict[str, Any]) -> Article:
    row = dict(row)
    row["tags"] = [t for t in (row.get("tags") or "").split(",") if t]
    row["group_id"] = row.get("group_id") or row["id"]
    return msgspec.convert(row, Article, from_attributes=False, strict=False)


def clean_tags(value: Any) -> str:
    items = value.split(",") if isinstance(value, str) else list(value or [])
    tags = []
    for item in items:
        tag = render.slugify(str(item), fallback="")[:40]
        if tag and tag not in tags:
            tags.append(tag)
    return ",".join(tags)


async def _fetch(helpline: Any, where: str, *args: Any) -> list[Article]:
    rows = await db.fetch(helpline.engine, f"SELECT {COLUMNS} {FROM} WHERE {where}", *args)
    return [to_article(r) for r in rows]


async def get_article(helpline: Any, actor: Actor | None, article_id: int) -> Article:
    """The article if the actor may read it; NotFound otherwise (indistinguishable)."""
    found = await _fetch(
        helpline, f"a.id = {{}} AND a.state IN ({access.states_sql(actor)})", article_id
    )
    if not found:
        raise NotFound(f"article {article_id}")
    return found[0]


async def get_by_slug(helpline: Any, actor: Actor | None, language: str, slug: str) -> Article:
    found = await _fetch(
        helpline,
        f"a.language = {{}} AND a.slug = {{}} AND a.state IN ({access.states_sql(actor)})",
        language,
        slug,
    )
    if not found:
        raise NotFound(f"article {language}/{slug}")
    return found[0]


async def list_articles(
    helpline: Any,
    actor: Actor | None,
    *,
    language: str | None = None,
    category_id: int | None = None,
    state: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Article], int]:
    """Readable articles, newest change first, and how many in all."""
    where = [f"a.state IN ({access.states_sql(actor)})"]
    args: list[Any] = []
    for column, value in (("a.language", language), ("a.category_id", category_id)):
        if value is not None:
            where.append(f"{column} = {{}}")
            args.append(value)
    if state:
        where.append("a.state = {}")
        args.append(state)
    clause = " AND ".join(where)
    total = await db.fetchval(helpline.engine, f"SELECT count(*) {FROM} WHERE {clause}", *args)
    found = await _fetch(
        helpline,
        f"{clause} ORDER BY a.updated_at DESC, a.id DESC LIMIT {{}} OFFSET {{}}",
        *args,
        limit,
        offset,
    )
    return found, int(total or 0)


async def translations(helpline: Any, actor: Actor | None, article: Article) -> list[Article]:
    """The article's readable versions in other languages."""
    return await _fetch(
        helpline,
        f"(a.group_id = {{}} OR a.id = {{}}) AND a.id != {{}} "
        f"AND a.state IN ({access.states_sql(actor)}) ORDER BY a.language",
        article.group_id,
        article.group_id,
        article.id,
    )


async def _unique_slug(helpline: Any, language: str, slug: str, exclude: int | None) -> str:
    candidate, n = slug, 1
    while await db.fetchval(
        helpline.engine,
        "SELECT id FROM kb_article WHERE language = {} AND slug = {} AND id != {}",
        language,
        candidate,
        exclude or 0,
    ):
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


async def _check(helpline: Any, actor: Actor, values: dict[str, Any], old: Article | None) -> None:
    title = values["title"] = (values.get("title") or "").strip()
    if not title:
        raise Invalid("title", "An article needs a title.")
    if len(title) > 300:
        raise Invalid("title", "Keep the title under 300 characters.")
    if not (values.get("body") or "").strip():
        raise Invalid("body", "An article needs some text.")
    languages = access.settings(helpline).languages
    if values["language"] not in languages:
        raise Invalid("language", f"Choose one of: {', '.join(languages)}.")
    if values["state"] not in access.STATES:
        raise Invalid("state", "Choose draft, internal or published.")
    if values["state"] != (old.state if old else "draft") and not access.can_publish(actor):
        raise Forbidden("You may not publish or unpublish articles (kb.publish).", "state")
    if values.get("category_id") is not None and not await db.fetchval(
        helpline.engine, "SELECT id FROM kb_category WHERE id = {}", values["category_id"]
    ):
        raise Invalid("category_id", "No such category.")
    if len(values.get("description") or "") > 300:
        raise Invalid("description", "Keep the description under 300 characters.")
    slug = render.slugify(values.get("slug") or title)
    values["slug"] = await _unique_slug(helpline, values["language"], slug, old and old.id)
    values["tags"] = clean_tags(values.get("tags"))
    values["description"] = (values.get("description") or "").strip()


async def create_article(
    helpline: Any,
    actor: Actor,
    *,
    title: str,
    body: str,
    language: str | None = None,
    category_id: int | None = None,
    slug: str = "",
    description: str = "",
    tags: Any = (),
    state: str = "draft",
    translation_of: int | None = None,
    source_ticket_id: int | None = None,
) -> Article:
    """A new article (and its first revision); a translation joins the original's group."""
    access.require_write(actor)
    values: dict[str, Any] = {
        "title": title,
        "body": body,
        "language": language or access.settings(helpline).languages[0],
        "category_id": category_id,
        "slug": slug,
        "description": description,
        "tags": tags,
        "state": state,
    }
    group_id = None
    if translation_of is not None:
        original = await get_article(helpline, actor, translation_of)
        group_id = original.group_id
        if await db.fetchval(
            helpline.engine,
            "SELECT id FROM kb_article WHERE (group_id = {} OR id = {}) AND language = {}",
            group_id,
            group_id,
            values["language"],
        ):
            raise Invalid("language", "This article already has a version in that language.")
        if values["category_id"] is None:
            values["category_id"] = original.category_id
    await _check(helpline, actor, values, None)
    now = helpline.now()
    async with helpline.transaction():
        article_id = await db.fetchval(
            helpline.engine,
            "INSERT INTO kb_article (group_id, language, category_id, slug, title, body, "
            "body_html, body_text, description, tags, state, author_id, source_ticket_id, "
            "created_at, updated_at, published_at, version) VALUES "
            "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, 1) RETURNING id",
            group_id,
            values["language"],
            values["category_id"],
            values["slug"],
            values["title"],
            values["body"],
            render.to_html(values["body"]),
            render.to_text(values["body"]),
            values["description"],
            values["tags"],
            values["state"],
            actor.id,
            source_ticket_id,
            now,
            now,
            now if values["state"] == "published" else None,
        )
        if group_id is None:
            await db.fetch(
                helpline.engine, "UPDATE kb_article SET group_id = id WHERE id = {}", article_id
            )
        await _revision(helpline, actor, article_id, values, "Created")
    return await get_article(helpline, actor, article_id)


async def update_article(
    helpline: Any, actor: Actor, article_id: int, *, version: int, note: str = "", **changes: Any
) -> Article:
    """Change an article; a stale `version` is a Conflict; every change is a new revision."""
    access.require_write(actor)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise Invalid(sorted(unknown)[0], "not an article field")
    old = await get_article(helpline, actor, article_id)
    if version != old.version:
        raise Conflict("Someone else changed this article first.", old.version)
    values = {f: getattr(old, f) for f in EDITABLE}
    values.update(changes)
    if "slug" not in changes:
        values["slug"] = old.slug
    await _check(helpline, actor, values, old)
    published_at = old.published_at
    if values["state"] == "published" and published_at is None:
        published_at = helpline.now()
    async with helpline.transaction():
        rows = await db.fetch(
            helpline.engine,
            "UPDATE kb_article SET language = {}, category_id = {}, slug = {}, title = {}, "
            "body = {}, body_html = {}, body_text = {}, description = {}, tags = {}, state = {}, "
            "updated_at = {}, published_at = {}, version = version + 1 "
            "WHERE id = {} AND version = {} RETURNING id",
            values["language"],
            values["category_id"],
            values["slug"],
            values["title"],
            values["body"],
            render.to_html(values["body"]),
            render.to_text(values["body"]),
            values["description"],
            values["tags"],
            values["state"],
            helpline.now(),
            published_at,
            article_id,
            version,
        )
        if not rows:
            raise Conflict("Someone else changed this article first.")
        await _revision(helpline, actor, article_id, values, note)
    return await get_article(helpline, actor, article_id)


async def _revision(
    helpline: Any, actor: Actor, article_id: int, values: dict[str, Any], note: str
) -> None:
    await db.fetch(
        helpline.engine,
        "INSERT INTO kb_revision (article_id, number, title, body, state, author_id, note, "
        "created_at) SELECT {}, coalesce(max(number), 0) + 1, {}, {}, {}, {}, {}, {} "
        "FROM kb_revision WHERE article_id = {}",
        article_id,
        values["title"],
        values["body"],
        values["state"],
        actor.id,
        note[:300],
        helpline.now(),
        article_id,
    )
